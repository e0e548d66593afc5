import { describe, expect, it, vi } from 'vitest';
import { importLogFromMenu, type ImportDeps } from './import-log';

const deps = (path: string | undefined, importFile: ImportDeps['importFile'] = async () => ({ sockets: [{ id: 'imp-1' }] })) => ({
  pickFile: vi.fn(async () => path),
  importFile: vi.fn(importFile),
  send: vi.fn(),
  showError: vi.fn(),
});

describe('File › Import Log…', () => {
  it('does nothing when the user cancels', async () => {
    const d = deps(undefined);
    await importLogFromMenu(d);
    expect(d.importFile).not.toHaveBeenCalled();
    expect(d.showError).not.toHaveBeenCalled();
  });

  it('streams in the chosen file and shows its first socket', async () => {
    const d = deps('/logs/a.jsonl');
    await importLogFromMenu(d);
    expect(d.importFile).toHaveBeenCalledWith('/logs/a.jsonl');
    expect(d.send).toHaveBeenCalledWith({ action: 'select-socket', id: 'imp-1' });
  });

  it('says why a file could not be imported, naming it', async () => {
    const refused = deps('/logs/bad.jsonl', async () => {
      throw new Error('Line 1 is not JSON');
    });
    await importLogFromMenu(refused);
    expect(refused.showError).toHaveBeenCalledWith('Could not import bad.jsonl', 'Line 1 is not JSON');
    expect(refused.send).not.toHaveBeenCalled();
  });
});
