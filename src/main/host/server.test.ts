import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { execFile } from 'node:child_process';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import { type Core, createCore } from '../core';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, type Host, startHost } from './server';

let core: Core;
let host: Host;
let rendererDir: string;
const open: WebSocket[] = [];
const run = promisify(execFile);

beforeEach(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  core = createCore({ batch: { intervalMs: 5 } });
  host = await startHost({ core, rendererDir });
});

afterEach(async () => {
  for (const ws of open) ws.terminate();
  open.length = 0;
  await host.close();
  await core.dispose();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Every message a client received, in order, so a test can wait for one that came early. */
const received = new WeakMap<WebSocket, ServerMessage[]>();

function connect(path: string, headers: Record<string, string> = {}): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
  const messages: ServerMessage[] = [];
  received.set(ws, messages);
  ws.on('message', (data: Buffer) => messages.push(decodeWire(data.toString()) as ServerMessage));
  open.push(ws);
  return ws;
}

const goodPath = (): string => `/ws?token=${encodeURIComponent(host.token)}`;

function closeCode(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The first message not yet taken that `accept` likes, whether it came before this call or after. */
async function nextMessage(ws: WebSocket, accept: (m: ServerMessage) => boolean = () => true): Promise<ServerMessage> {
  const messages = received.get(ws) ?? [];
  for (;;) {
    const index = messages.findIndex(accept);
    if (index >= 0) return messages.splice(index, 1)[0];
    await new Promise((resolve) => ws.once('message', resolve));
  }
}

const opened = (ws: WebSocket): Promise<void> => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

function httpGet(
  path: string,
  headers: Record<string, string> = {},
  port = host.port,
): Promise<{ status: number; body: string; csp?: string; cacheControl?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          csp: res.headers['content-security-policy'] as string | undefined,
          cacheControl: res.headers['cache-control'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  it('listens on loopback only and prints a URL with a random token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=`));
    expect(host.token.length).toBeGreaterThanOrEqual(24);
  });

  it('serves the renderer with a content security policy', async () => {
    const page = await httpGet('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Sockscope</title>');
    expect(page.csp).toContain("script-src 'self'");
    expect((await httpGet('/../../etc/passwd')).status).toBe(404);
    expect((await httpGet('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it("lets the browser keep the bundle's content-named files, and not index.html", async () => {
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'assets', 'index-Cu3Ql3eG.js'), 'export {};');
    const asset = await httpGet('/assets/index-Cu3Ql3eG.js');
    expect(asset).toMatchObject({ status: 200, body: 'export {};', cacheControl: 'public, max-age=31536000, immutable' });
    expect((await httpGet('/')).cacheControl).toBe('no-store');
    expect((await httpGet('/assets/index-Nonesuch.js')).status).toBe(404);
  });

  it('refuses HTTP requests that name another host (DNS rebinding)', async () => {
    expect((await httpGet('/', { host: `evil.example:${host.port}` })).status).toBe(403);
  });

  it('answers commands and pushes event batches to a client with the token', async () => {
    const ws = connect(goodPath(), { origin: `http://127.0.0.1:${host.port}` });
    await opened(ws);
    ws.send(encodeWire({ type: 'command', callId: 7, command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } }));
    const reply = await nextMessage(ws, (m) => m.type === 'result');
    expect(reply).toMatchObject({ type: 'result', callId: 7, result: { ok: true, value: { kind: 'tcp-listener', state: 'listening' } } });
    const batch = await nextMessage(ws, (m) => m.type === 'events');
    expect(batch.type === 'events' && batch.batch.events.some((e) => e.type === 'socket.upsert')).toBe(true);
  });

  it('refuses a missing or wrong token', async () => {
    expect((await closeCode(connect('/ws'))).code).toBe(CLOSE_UNAUTHORIZED);
    expect((await closeCode(connect(`/ws?token=${'x'.repeat(host.token.length)}`))).code).toBe(CLOSE_UNAUTHORIZED);
  });

  it('refuses a foreign Origin and a foreign Host header', async () => {
    expect((await closeCode(connect(goodPath(), { origin: 'http://evil.example' }))).code).toBe(CLOSE_FORBIDDEN);
    expect((await closeCode(connect(goodPath(), { host: `evil.example:${host.port}` }))).code).toBe(CLOSE_FORBIDDEN);
  });

  it('answers malformed JSON and malformed commands with typed errors and keeps serving', async () => {
    const ws = connect(goodPath());
    await opened(ws);
    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({ type: 'fatal', error: { code: 'MALFORMED_MESSAGE' } });
    ws.send(encodeWire({ type: 'command', callId: 1, command: 'tcp.listen', input: { host: '127.0.0.1', port: 70000 } }));
    const invalid = await nextMessage(ws);
    expect(invalid).toMatchObject({ type: 'result', callId: 1, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    expect(JSON.stringify(invalid)).toContain('between 0 and 65535');
    ws.send(encodeWire({ type: 'command', callId: 2, command: 'no.such', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ result: { ok: false, error: { code: 'UNKNOWN_COMMAND' } } });
    ws.send(encodeWire({ type: 'command', callId: 3, command: 'app.snapshot', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', callId: 3, result: { ok: true } });
  });

  it('closes a connection that sends an oversized message, and others keep working', async () => {
    const big = connect(goodPath());
    const other = connect(goodPath());
    await Promise.all([opened(big), opened(other)]);
    big.send('x'.repeat(25 * 1024 * 1024));
    expect((await closeCode(big)).code).toBe(1009);
    other.send(encodeWire({ type: 'command', callId: 1, command: 'app.snapshot', input: {} }));
    expect(await nextMessage(other)).toMatchObject({ result: { ok: true } });
  });
});

/** Sends raw bytes (no client library fixing them up) and returns the first line of the answer. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: host.port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', reject);
    socket.write(text);
  });
}

const upgradeHeaders = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('browser host defenses', () => {
  it('cannot be reached on any address of this machine but loopback', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4');
    expect(external, 'a non-loopback IPv4 address to try').toBeDefined();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = createConnection({ host: external?.address, port: host.port });
      socket.on('connect', () => socket.destroy());
      socket.on('error', resolve);
    });
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('answers a malformed, absolute or foreign request target with 400, and keeps serving', async () => {
    const hostHeader = `Host: 127.0.0.1:${host.port}\r\n`;
    for (const target of ['//[', 'http://[::1', 'http://evil.example/', '//evil.example/index.html', '*']) {
      expect(await rawRequest(`GET ${target} HTTP/1.1\r\n${hostHeader}\r\n`), target).toBe('HTTP/1.1 400 Bad Request');
      // The WebSocket handshake completes only to close at once with a reason (see checkUpgrade).
      expect(await rawRequest(`GET ${target} HTTP/1.1\r\n${hostHeader}${upgradeHeaders}\r\n`), target).toMatch(/^HTTP\/1\.1 101/);
    }
    expect(await rawRequest(`GET / HTTP/1.0\r\n\r\n`)).toBe('HTTP/1.1 403 Forbidden');
    expect((await httpGet('/')).status).toBe(200);
  });

  it('accepts localhost by name, and refuses an opaque Origin or a name that only starts like ours', async () => {
    const byName = connect(goodPath(), { host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` });
    await opened(byName);
    expect((await httpGet('/', { host: `localhost:${host.port}` })).status).toBe(200);
    // A sandboxed iframe or a file:// page sends `Origin: null`.
    expect((await closeCode(connect(goodPath(), { origin: 'null' }))).code).toBe(CLOSE_FORBIDDEN);
    expect((await closeCode(connect(goodPath(), { origin: `http://127.0.0.1:${host.port}.evil.example` }))).code).toBe(CLOSE_FORBIDDEN);
  });

  it('accepts a loopback name with any port or none (port 80, a port forward), and no other name', async () => {
    // Browsers leave `:80` out of Host and Origin; behind `ssh -L 7000:…` they name port 7000.
    for (const name of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST', '127.0.0.1:80', 'localhost:7000', '[::1]:7000']) {
      expect((await httpGet('/', { host: name })).status, name).toBe(200);
      const ws = connect(goodPath(), { host: name, origin: `http://${name}` });
      await opened(ws);
      ws.close();
    }
    const refusedHosts = [
      'evil.example',
      `evil.example:${host.port}`,
      '127.0.0.1.evil.example',
      'localhost.',
      '[::2]',
      '127.0.0.1:99999',
      '127.0.0.1:',
      'localhost:7000:1',
      '10.0.0.1',
    ];
    for (const name of refusedHosts) {
      expect((await httpGet('/', { host: name })).status, name).toBe(403);
      expect((await closeCode(connect(goodPath(), { host: name }))).code, name).toBe(CLOSE_FORBIDDEN);
    }
    for (const origin of [
      'http://evil.example',
      'http://localhost.evil.example:7000',
      'file://',
      'http://127.0.0.1@evil.example',
      'ftp://localhost',
    ]) {
      expect((await closeCode(connect(goodPath(), { origin }))).code, origin).toBe(CLOSE_FORBIDDEN);
    }
  });

  it('works through a port forward, as a browser and curl reach it', async () => {
    // A forward like `ssh -L`: another loopback port whose connections are piped to the host.
    const piped: Socket[] = [];
    const forward = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: host.port });
      piped.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => forward.listen(0, '127.0.0.1', resolve));
    const forwardPort = (forward.address() as AddressInfo).port;
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${forwardPort}${goodPath()}`, { origin: `http://127.0.0.1:${forwardPort}` });
      open.push(ws);
      received.set(ws, []);
      ws.on('message', (data: Buffer) => received.get(ws)?.push(decodeWire(data.toString()) as ServerMessage));
      await opened(ws);
      ws.send(encodeWire({ type: 'command', callId: 1, command: 'app.snapshot', input: {} }));
      expect(await nextMessage(ws, (m) => m.type === 'result')).toMatchObject({ result: { ok: true } });
      // curl runs beside the host (this process), so asynchronously.
      const status = async (...args: string[]): Promise<string> =>
        (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args, `http://127.0.0.1:${forwardPort}/`])).stdout;
      expect(await status()).toBe('200');
      expect(await status('-H', 'Host: evil.example')).toBe('403');
    } finally {
      for (const socket of piped) socket.destroy();
      await new Promise<void>((resolve) => forward.close(() => resolve()));
    }
  });

  it('refuses a token off by one character or by length, and never repeats the token it was given', async () => {
    const offByOne = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    for (const token of [offByOne, host.token + 'x', host.token.slice(1), 'é'.repeat(host.token.length / 2)]) {
      const refusal = await closeCode(connect(`/ws?token=${encodeURIComponent(token)}`));
      expect(refusal.code).toBe(CLOSE_UNAUTHORIZED);
      expect(refusal.reason).not.toContain(token);
      expect(refusal.reason).not.toContain(host.token);
    }
  });

  it('answers binary frames and absurdly nested JSON with typed errors, and keeps serving', async () => {
    const ws = connect(goodPath());
    await opened(ws);
    ws.send(new Uint8Array([1, 2, 3]));
    expect(await nextMessage(ws)).toMatchObject({ type: 'fatal', error: { code: 'MALFORMED_MESSAGE' } });
    const depth = 200_000;
    ws.send(`{"type":"command","callId":4,"command":"app.snapshot","input":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    // JSON.parse reads it (it has no depth limit); the nesting bound answers the call before zod sees it.
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', callId: 4, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    ws.send(encodeWire({ type: 'command', callId: 5, command: 'app.snapshot', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', callId: 5, result: { ok: true } });
    // Deep enough to overflow validation, shallow enough to parse: it used to get no answer at all.
    const levels = 2000;
    ws.send(`{"type":"command","callId":6,"command":"session.saveUi","input":{"ui":{"x":${'['.repeat(levels)}${']'.repeat(levels)}}}}`);
    expect(await nextMessage(ws)).toEqual({
      type: 'result',
      callId: 6,
      result: { ok: false, error: { code: 'INVALID_INPUT', message: 'The input is nested too deeply (more than 64 levels)' } },
    });
  });
});

describe('a host whose engine loads when it is first needed', () => {
  it('serves the page before the engine has loaded, and answers what a page sent meanwhile, in order, once it has', async () => {
    let loads = 0;
    let finishLoading: (loaded: Core) => void = () => undefined;
    const loading = new Promise<Core>((resolve) => (finishLoading = resolve));
    const lazy = await startHost({
      core: () => {
        loads++;
        return loading;
      },
      rendererDir,
    });
    let ws: WebSocket | undefined;
    try {
      expect((await httpGet('/', {}, lazy.port)).body).toContain('<title>Sockscope</title>');
      expect(loads).toBe(0);
      ws = new WebSocket(`ws://127.0.0.1:${lazy.port}/ws?token=${encodeURIComponent(lazy.token)}`);
      const replies: ServerMessage[] = [];
      ws.on('message', (data: Buffer) => replies.push(decodeWire(data.toString()) as ServerMessage));
      // The handshake does not wait for the engine, nor loads it: the page's first message does, once.
      await opened(ws);
      expect(loads).toBe(0);
      ws.send(encodeWire({ type: 'command', callId: 1, command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } }));
      ws.send(encodeWire({ type: 'command', callId: 2, command: 'app.snapshot', input: {} }));
      finishLoading(core);
      await lazy.core();
      const second = (m: ServerMessage): boolean => m.type === 'result' && m.callId === 2;
      while (!replies.some(second)) await new Promise((resolve) => ws?.once('message', resolve));
      const results = replies.filter((m) => m.type === 'result');
      expect(results.map((m) => m.type === 'result' && m.callId)).toEqual([1, 2]);
      expect(results[1]).toMatchObject({ result: { ok: true, value: { sockets: [{ kind: 'tcp-listener', state: 'listening' }] } } });
      expect(loads).toBe(1);
    } finally {
      ws?.terminate();
      await lazy.close();
    }
  });

  // First, it is refused as it arrives; second, the first paused the socket and it waits unread until the engine is there.
  it.each([
    ['as its first message', []],
    ['after a first message, unread while the engine loaded', [encodeWire({ type: 'command', callId: 1, command: 'app.snapshot', input: {} })]],
  ])('closes a page socket that sent an oversized message %s, and keeps serving', async (_when, before: string[]) => {
    let finishLoading: (loaded: Core) => void = () => undefined;
    const lazy = await startHost({ core: () => new Promise<Core>((resolve) => (finishLoading = resolve)), rendererDir });
    const ws = new WebSocket(`ws://127.0.0.1:${lazy.port}/ws?token=${encodeURIComponent(lazy.token)}`);
    try {
      await opened(ws);
      for (const message of before) ws.send(message);
      ws.send('x'.repeat(25 * 1024 * 1024));
      finishLoading(core);
      expect((await closeCode(ws)).code).toBe(1009);
      expect((await httpGet('/', {}, lazy.port)).status).toBe(200);
    } finally {
      ws.terminate();
      await lazy.close();
    }
  });
});
