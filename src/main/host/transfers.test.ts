/**
 * The host's download and upload routes, used by curl as a browser would: an export streamed as a
 * download that tshark reads, a JSON Lines upload larger than a WebSocket message may be, and the
 * same token and Origin rules as the WebSocket.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES } from '@shared/contract';
import { type Core, createCore } from '../core';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { entryLine, headerLine, socketLine } from '../export/jsonl';
import { scratchDir, tsharkFields } from '../export/test-support/tshark';
import { type Host, startHost } from './server';
import { socketInfo } from '@shared/test-support/socket-info';

const run = promisify(execFile);
let core: Core;
let host: Host;
let rendererDir: string;
let files: ReturnType<typeof scratchDir>;

beforeEach(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  core = createCore();
  host = await startHost({ core, rendererDir });
  files = scratchDir();
});

afterEach(async () => {
  await host.close();
  await core.dispose();
  await stopPeers();
  rmSync(rendererDir, { recursive: true, force: true });
  files.remove();
});

/** curl's status code and body (`-o` to a file when given). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

const base = (): string => `http://127.0.0.1:${host.port}`;

describe('GET /export', () => {
  it('streams a pcapng download of a listener and its connection that tshark reads whole', async () => {
    const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await connectClient(listener.local?.port ?? 0);
    await client.write(randomBytes(3_000_000));
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === 3_000_000), 'everything to arrive');
    const path = files.path('download.pcapng');
    const response = await curl(['-o', path, '-D', '-', `${base()}/export?token=${host.token}&format=pcapng&ids=${listener.id}`]);
    expect(response.status).toBe(200);
    expect(response.body).toMatch(new RegExp(`content-disposition: attachment; filename="sockscope-${listener.id}-\\d{8}-\\d{6}\\.pcapng"`, 'i'));
    const rows = await tsharkFields(path, ['tcp.len']);
    expect(rows.reduce((total, row) => total + Number(row[0]), 0)).toBe(3_000_000);
  });

  it('refuses a wrong token, a foreign Origin, an unknown socket and an empty export, with a reason', async () => {
    expect(await curl([`${base()}/export?token=${host.token}&format=pcapng`])).toEqual({ status: 400, body: 'There are no sockets to export' });
    expect(await curl([`${base()}/export?token=wrong&format=jsonl`])).toEqual({ status: 401, body: 'Missing or wrong token' });
    expect(await curl(['-H', 'Origin: http://evil.example', `${base()}/export?token=${host.token}&format=jsonl`])).toEqual({
      status: 403,
      body: 'Forbidden origin',
    });
    expect(await curl([`${base()}/export?token=${host.token}&format=jsonl&ids=tcp-99`])).toEqual({ status: 404, body: 'No socket with id tcp-99' });
    expect(await curl(['-H', 'Host: evil.example', `${base()}/export?token=${host.token}&format=jsonl`])).toMatchObject({ status: 403 });
  });
});

describe('POST /import', () => {
  it('reads a JSON Lines log larger than a WebSocket message may carry', async () => {
    const path = files.path('big.jsonl');
    const socket = socketInfo('con-7', { kind: 'tcp-connection', state: 'closed' });
    const chunk = randomBytes(1024 * 1024);
    const count = MAX_IMPORT_BYTES / chunk.byteLength + 4;
    const lines = [headerLine(1, new Date()), socketLine(socket, 0)];
    for (let seq = 0; seq < count; seq++) lines.push(entryLine('con-7', { seq, time: 2 + seq, dir: 'in', bytes: chunk }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const response = await curl([
      '-X',
      'POST',
      '--data-binary',
      `@${path}`,
      '-H',
      'content-type: application/jsonl',
      `${base()}/import?token=${host.token}&name=big.jsonl`,
    ]);
    expect(response.status).toBe(200);
    const { sockets } = JSON.parse(response.body) as { sockets: { id: string; importedFrom: { fileName: string } }[] };
    expect(sockets).toHaveLength(1);
    expect(sockets[0].importedFrom.fileName).toBe('big.jsonl');
    const head = core.engine.readLog(sockets[0].id, 0, 0).head;
    expect(head.bytes).toBe(count * chunk.byteLength);
  });

  it('refuses a pcapng with the reason, and needs the token', async () => {
    const path = files.write('capture.pcapng', Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0));
    expect(await curl(['-X', 'POST', '--data-binary', `@${path}`, `${base()}/import?token=${host.token}&name=capture.pcapng`])).toEqual({
      status: 400,
      body: 'capture.pcapng is a pcapng capture: open it in Wireshark; Sockscope imports its JSON Lines exports',
    });
    expect(await curl(['-X', 'POST', '--data-binary', `@${path}`, `${base()}/import?name=x`])).toMatchObject({ status: 401 });
  });
});
