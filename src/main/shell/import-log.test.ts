import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_IMPORT_BYTES } from '../../shared/contract';
import { importLogFromMenu, type ImportDeps } from './import-log';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sockscope-import-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deps = (path: string | undefined, reply: Awaited<ReturnType<ImportDeps['dispatch']>> = { ok: true, value: { sockets: [{ id: 'imp-1' }] } }) => ({
  pickFile: vi.fn(async () => path),
  dispatch: vi.fn(async () => reply),
  send: vi.fn(),
  showError: vi.fn(),
});

describe('File › Import Log…', () => {
  it('does nothing when the user cancels', async () => {
    const d = deps(undefined);
    await importLogFromMenu(d);
    expect(d.dispatch).not.toHaveBeenCalled();
    expect(d.showError).not.toHaveBeenCalled();
  });

  it('imports the file and shows its first socket', async () => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, '{}\n');
    const d = deps(file);
    await importLogFromMenu(d);
    expect(d.dispatch).toHaveBeenCalledWith('log.import', { fileName: 'a.jsonl', data: new Uint8Array(Buffer.from('{}\n')) });
    expect(d.send).toHaveBeenCalledWith({ action: 'select-socket', id: 'imp-1' });
  });

  it('refuses a file over the limit before reading it, and says why a file could not be read or imported', async () => {
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, '');
    truncateSync(big, MAX_IMPORT_BYTES + 1);
    const tooBig = deps(big);
    await importLogFromMenu(tooBig);
    expect(tooBig.dispatch).not.toHaveBeenCalled();
    expect(tooBig.showError).toHaveBeenCalledWith('Could not import big.jsonl', expect.stringContaining('limited to 16'));

    const missing = deps(join(dir, 'gone.jsonl'));
    await importLogFromMenu(missing);
    expect(missing.showError).toHaveBeenCalledWith('Could not import gone.jsonl', expect.stringContaining('ENOENT'));

    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, 'x');
    const refused = deps(file, { ok: false, error: { code: 'IMPORT_FAILED', message: 'Line 1 is not JSON' } });
    await importLogFromMenu(refused);
    expect(refused.showError).toHaveBeenCalledWith('Could not import bad.jsonl', 'Line 1 is not JSON');
    expect(refused.send).not.toHaveBeenCalled();
  });
});
