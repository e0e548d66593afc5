import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Output, SocketInfo } from '@shared/contract';
import { type Core, createCore } from '../core';
import { generateCertificate } from '../engine/certificates';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { configDir, platformConfigBase } from './paths';
import { SESSION_FILE } from './schema';
import { PRETTY_PRINT_MAX_CHARS, SessionStore } from './store';
import { dispatchOk } from '../test-support/core';

let dir: string;
const cores: Core[] = [];
let blocker: Server | undefined;
/** Upstream servers of the proxies under test. */
const upstreams: Server[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-session-'));
});

afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.dispose()));
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  await Promise.all(upstreams.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await stopPeers();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Core {
  const core = createCore({ sessionDir: dir });
  cores.push(core);
  return core;
}

/** Runs a command and returns its value, failing the test with the error's message otherwise. */
const run = dispatchOk;

/** Quits the way the app does: the last change is written as the core is disposed. */
async function quit(core: Core): Promise<void> {
  cores.splice(cores.indexOf(core), 1);
  await core.dispose();
}

const sessionFile = (): string => join(dir, SESSION_FILE);

describe('configDir', () => {
  it('uses the override, then the platform folder people expect', () => {
    expect(configDir({ env: { SOCKSCOPE_CONFIG_DIR: '/tmp/mine' } })).toBe('/tmp/mine');
    expect(configDir({ env: {}, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config/Sockscope');
    expect(configDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/home/ada' })).toBe('/xdg/Sockscope');
    // A relative XDG_CONFIG_HOME is invalid by the spec, and ignored.
    expect(platformConfigBase({ env: { XDG_CONFIG_HOME: 'rel' }, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config');
    expect(platformConfigBase({ env: {}, platform: 'darwin', home: '/Users/ada' })).toBe('/Users/ada/Library/Application Support');
    expect(platformConfigBase({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming',
    );
    expect(configDir({ env: {}, appData: '/electron/appData' })).toBe('/electron/appData/Sockscope');
  });
});

describe('SessionStore', () => {
  const when = new Date('2025-03-04T05:06:07.890Z');

  it('sets a file that is not JSON aside, with a message, and starts clean', () => {
    writeFileSync(sessionFile(), '{"version": 1, "sock');
    const loaded = new SessionStore(dir).load(when);
    expect(loaded).toMatchObject({ state: 'problem', problem: 'corrupt', keptAs: `${sessionFile()}.corrupt-2025-03-04T05-06-07Z` });
    expect(loaded.state === 'problem' && loaded.message).toMatch(/^The saved workspace is not valid JSON \(/);
    expect(existsSync(sessionFile())).toBe(false);
    expect(readFileSync(`${sessionFile()}.corrupt-2025-03-04T05-06-07Z`, 'utf8')).toBe('{"version": 1, "sock');
    // A second bad file in the same second does not overwrite the first one kept.
    writeFileSync(sessionFile(), 'again');
    expect(new SessionStore(dir).load(when)).toMatchObject({ keptAs: `${sessionFile()}.corrupt-2025-03-04T05-06-07Z-2` });
  });

  it('sets a file from a newer Sockscope aside as such', () => {
    writeFileSync(sessionFile(), JSON.stringify({ version: 7, whatever: true }));
    expect(new SessionStore(dir).load(when)).toEqual({
      state: 'problem',
      problem: 'future-version',
      message: 'The saved workspace was written by a newer Sockscope (file format 7; this version reads format 1)',
      keptAs: `${sessionFile()}.newer-version-2025-03-04T05-06-07Z`,
    });
  });

  it('says where a damaged file goes wrong', () => {
    writeFileSync(
      sessionFile(),
      JSON.stringify({ version: 1, savedAt: 1, sockets: [{ kind: 'tcp-listener', id: 'lst-1', host: '127.0.0.1', port: 70000 }] }),
    );
    expect(new SessionStore(dir).load(when)).toMatchObject({
      problem: 'corrupt',
      message: 'The saved workspace is damaged (sockets.0.port: Port must be between 0 and 65535)',
    });
  });

  it('indents a small workspace for people to read, and writes a large one compact', async () => {
    const store = new SessionStore(dir);
    await store.save({ version: 1, savedAt: 5, sockets: [], parts: { x: 1 } });
    expect(readFileSync(sessionFile(), 'utf8')).toContain('\n  "savedAt": 5');
    const large = { version: 1 as const, savedAt: 6, sockets: [], parts: { notes: Array.from({ length: 40_000 }, (_, i) => ({ i })) } };
    await store.save(large);
    const text = readFileSync(sessionFile(), 'utf8');
    expect(text.split('\n')).toHaveLength(2);
    expect(text.length).toBeLessThan(PRETTY_PRINT_MAX_CHARS * 3);
    expect(store.load()).toEqual({ state: 'ok', session: large });
  });

  it('writes atomically and leaves no temporary file behind', async () => {
    const store = new SessionStore(join(dir, 'nested'));
    await store.save({ version: 1, savedAt: 5, sockets: [], parts: {} });
    store.saveSync({ version: 1, savedAt: 6, sockets: [], parts: { x: 1 } });
    expect(readdirSync(join(dir, 'nested'))).toEqual([SESSION_FILE]);
    expect(store.load()).toEqual({ state: 'ok', session: { version: 1, savedAt: 6, sockets: [], parts: { x: 1 } } });
  });
});

describe('sessions', () => {
  it('saves the workspace, offers it on the next start, and restores sockets with their settings', async () => {
    const first = start();
    expect(await run(first, 'session.status')).toEqual({ state: 'none' });
    const listener = await run<SocketInfo>(first, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await run(first, 'framing.set', { id: listener.id, framing: { mode: 'delimiter', delimiter: [13, 10] }, decoder: 'resp' });
    await run(first, 'autoReply.set', {
      id: listener.id,
      rules: [{ id: 'r1', match: 'exact', pattern: 'PING\\r\\n', reply: '+PONG\\r\\n' }],
      framing: { mode: 'delimiter', delimiter: [13, 10] },
    });
    const udp = await run<SocketInfo>(first, 'udp.bind', { host: '127.0.0.1', port: 0, defaultTarget: { host: '127.0.0.1', port: 9 } });
    await run(first, 'udp.setOptions', { id: udp.id, broadcast: true, multicastTtl: 3 });
    await run(first, 'udp.joinGroup', { id: udp.id, group: '239.1.2.3' });
    // A client of the listener: restored after it, so it finds it up.
    await run(first, 'tcp.connect', { host: '127.0.0.1', port: listener.local?.port });
    await run(first, 'library.save', { name: 'ping', format: 'text', payload: 'PING\\r\\n' });
    await run(first, 'sequences.save', { id: 'seq-1', text: '{"name":"ping","steps":[{"send":"PING\\r\\n"}]}' });
    await run(first, 'session.saveUi', { ui: { sidebarWidth: 400, selected: listener.id } });
    await waitFor(() => existsSync(sessionFile()), 'the session to be saved');
    await quit(first);

    const second = start();
    const status = await run<Output<'session.status'>>(second, 'session.status');
    expect(status).toMatchObject({
      state: 'offered',
      summary: { listeners: 1, udpSockets: 1, clients: 1, extras: ['1 auto-reply rule', '1 saved message', '1 sequence'] },
    });
    // Nothing is saved over the offer while it waits.
    const offered = readFileSync(sessionFile(), 'utf8');
    await run(second, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(readFileSync(sessionFile(), 'utf8')).toBe(offered);

    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems).toEqual([]);
    expect(outcome.ui).toEqual({ sidebarWidth: 400, selected: listener.id });
    const newListenerId = outcome.sockets.find((s) => s.previousId === listener.id)?.id ?? '';
    const restored = second.engine.info(newListenerId);
    expect(restored).toMatchObject({
      state: 'listening',
      local: listener.local,
      framing: { mode: 'delimiter', delimiter: [13, 10] },
      decoder: 'resp',
      autoReply: { rules: [{ id: 'r1', pattern: 'PING\\r\\n' }], framing: { mode: 'delimiter', delimiter: [13, 10] } },
    });
    expect(second.engine.info(outcome.sockets.find((s) => s.previousId === udp.id)?.id ?? '')).toMatchObject({
      state: 'open',
      local: udp.local,
      defaultTarget: { host: '127.0.0.1', port: 9 },
      udp: { broadcast: true, multicastTtl: 3, groups: [{ group: '239.1.2.3' }] },
    });
    const client = second.engine.snapshot().sockets.find((s) => s.kind === 'tcp-client');
    expect(client).toMatchObject({ state: 'open', remote: { port: listener.local?.port } });
    expect(second.library.list().map((m) => m.name)).toEqual(['ping']);
    expect(await run(second, 'sequences.list')).toEqual({ sequences: [{ id: 'seq-1', text: '{"name":"ping","steps":[{"send":"PING\\r\\n"}]}' }] });
    expect(await run(second, 'session.status')).toEqual({ state: 'none' });
    expect(await second.dispatcher.dispatch('session.restore', {})).toMatchObject({ ok: false, error: { code: 'NOT_OFFERED' } });
  });

  it('starts clean on request, and saves the clean workspace over the old one', async () => {
    const first = start();
    await run(first, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await quit(first);
    const second = start();
    expect(await run(second, 'session.status')).toMatchObject({ state: 'offered' });
    expect(await run(second, 'session.discard')).toEqual({ state: 'none' });
    await waitFor(() => JSON.parse(readFileSync(sessionFile(), 'utf8')).sockets.length === 0, 'the clean workspace to be saved');
    await quit(second);
    expect(await run(start(), 'session.status')).toEqual({ state: 'none' });
  });

  it('restores what it can and says what it could not', async () => {
    const first = start();
    const listener = await run<SocketInfo>(first, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    const other = await run<SocketInfo>(first, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await quit(first);
    // Another program took the first listener's port meanwhile.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(listener.local?.port, '127.0.0.1', resolve));

    const second = start();
    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems).toEqual([`Listener on 127.0.0.1:${listener.local?.port}: 127.0.0.1:${listener.local?.port} is already in use`]);
    expect(outcome.sockets.map((s) => s.previousId)).toEqual([other.id]);
  });

  it('reopens TLS sockets with their options, but never keeps a private key', async () => {
    const first = start();
    const selfSigned = await run<SocketInfo>(first, 'tcp.listen', {
      host: '127.0.0.1',
      port: 0,
      tls: { certificate: { mode: 'self-signed', names: ['localhost'] }, alpn: ['echo/1'] },
    });
    const own = await generateCertificate({ names: ['localhost'] });
    const withKey = await run<SocketInfo>(first, 'tcp.listen', { host: '127.0.0.1', port: 0, tls: { certificate: { mode: 'pem', ...own } } });
    const client = await run<SocketInfo>(first, 'tcp.connect', {
      host: '127.0.0.1',
      port: selfSigned.local?.port,
      tls: { verify: false, serverName: 'localhost', alpn: ['echo/1'] },
    });
    expect(client.tls?.alpn).toBe('echo/1');
    await quit(first);
    expect(readFileSync(join(dir, 'session.json'), 'utf8')).not.toContain('PRIVATE KEY');

    const second = start();
    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems).toEqual([
      `TLS listener on 127.0.0.1:${withKey.local?.port}: its private key is not kept in the saved workspace; open it again`,
    ]);
    expect(outcome.sockets.map((s) => s.previousId).sort()).toEqual([client.id, selfSigned.id].sort());
    const sockets = (await run<Output<'app.snapshot'>>(second, 'app.snapshot')).sockets;
    const listener = sockets.find((s) => s.kind === 'tcp-listener');
    const reopened = sockets.find((s) => s.kind === 'tcp-client');
    expect(listener?.tlsSettings).toEqual({ side: 'server', selfSignedNames: ['localhost'], requestClientCert: false, alpn: ['echo/1'] });
    // The client came back over TLS, and the ALPN it offers was agreed again.
    expect(reopened?.tls?.alpn).toBe('echo/1');
    await quit(second);
  });

  it('keeps only sockets that are still open, and accepted connections not at all', async () => {
    const core = start();
    const listener = await run<SocketInfo>(core, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    const stopped = await run<SocketInfo>(core, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await run(core, 'listener.stop', { id: stopped.id });
    await connectClient(listener.local?.port ?? 0);
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.kind === 'tcp-connection'), 'the connection');
    await quit(core);
    const saved = JSON.parse(readFileSync(sessionFile(), 'utf8')) as { sockets: { id: string }[] };
    expect(saved.sockets.map((s) => s.id)).toEqual([listener.id]);
  });

  it('reports a corrupt file once, then saves anew', async () => {
    writeFileSync(sessionFile(), 'not json');
    const core = start();
    const status = await run<Output<'session.status'>>(core, 'session.status');
    expect(status).toMatchObject({ state: 'problem', problem: 'corrupt' });
    await run(core, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    await waitFor(() => existsSync(sessionFile()), 'a new session to be saved');
    expect(await run(core, 'session.discard')).toEqual({ state: 'none' });
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
  });

  it('keeps no session where none was asked for', async () => {
    const core = createCore();
    cores.push(core);
    expect(await run(core, 'session.status')).toEqual({ state: 'off' });
    expect(await core.dispatcher.dispatch('session.restore', {})).toMatchObject({ ok: false, error: { code: 'SESSIONS_OFF' } });
  });
});

/** A server on a free loopback port that keeps what it reads. */
async function upstream(): Promise<{ port: number; received: () => string }> {
  let text = '';
  const server = createServer((socket) => {
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
  });
  upstreams.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, received: () => text };
}

const proxies = (core: Core): SocketInfo[] => core.engine.snapshot().sockets.filter((s) => s.kind === 'proxy');

describe('proxies in the saved workspace', () => {
  it('come back with their ports, upstreams, toxics, held directions, framing and enabled state', async () => {
    const server = await upstream();
    const first = start();
    const made = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      name: 'redis-slow',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.port,
      onUpstreamFailure: 'reset',
      toxics: [{ type: 'latency', stream: 'downstream', attributes: { latency: 50 }, clients: { address: '127.0.0.1' } }],
    });
    await run(first, 'proxy.hold', { id: made.id, stream: 'downstream', hold: true });
    await run(first, 'framing.set', { id: made.id, framing: { mode: 'message', protocol: 'resp' } });
    const off = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      name: 'off',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.port,
      enabled: false,
    });
    await quit(first);

    const second = start();
    expect(await run(second, 'session.status')).toMatchObject({ state: 'offered', summary: { extras: ['2 proxies'] } });
    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems).toEqual([]);
    const restoredId = outcome.sockets.find((s) => s.previousId === made.id)?.id ?? '';
    const restored = second.engine.info(restoredId);
    expect(restored).toMatchObject({
      kind: 'proxy',
      state: 'listening',
      local: { port: made.settings.listen.port },
      framing: { mode: 'message', protocol: 'resp' },
      proxy: {
        name: 'redis-slow',
        enabled: true,
        onUpstreamFailure: 'reset',
        upstream: { port: server.port },
        hold: { upstream: false, downstream: true },
        toxics: [{ name: 'latency_downstream', type: 'latency', attributes: { latency: 50, jitter: 0 }, clients: { address: '127.0.0.1' }, hits: 0 }],
      },
    });
    expect(second.engine.info(outcome.sockets.find((s) => s.previousId === off.id)?.id ?? '')).toMatchObject({
      state: 'closed',
      proxy: { name: 'off', enabled: false },
    });
    // It forwards again.
    const client = await connectClient(made.settings.listen.port);
    await client.write(Buffer.from('hello'));
    await waitFor(() => server.received() === 'hello', 'the upstream to get hello through the restored proxy');
    client.socket.destroy();
  });

  it("keep a UDP proxy's sessions and a TLS proxy's sides; one with the user's own key is named in the problems", async () => {
    const server = await upstream();
    const first = start();
    const udp = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      name: 'dns',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: 53,
      protocol: 'udp',
      udp: { idleTimeoutMs: 5000, maxSessions: 7 },
      toxics: [{ type: 'loss', stream: 'upstream', attributes: { rate: 0.5 } }],
    });
    const tls = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      name: 'https',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.port,
      listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } },
      upstreamTls: { serverName: 'example.test', verify: false },
    });
    const pair = await generateCertificate({ names: ['own.test'] });
    const own = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      name: 'own-key',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.port,
      listenTls: { certificate: { mode: 'pem', ...pair } },
    });
    await quit(first);

    const second = start();
    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems.filter((p) => !p.includes('own-key'))).toEqual([]);
    const restored = (id: string): SocketInfo => second.engine.info(outcome.sockets.find((s) => s.previousId === id)?.id ?? '');
    expect(restored(udp.id)).toMatchObject({
      proxy: { name: 'dns', protocol: 'udp', udp: { idleTimeoutMs: 5000, maxSessions: 7 }, toxics: [{ type: 'loss', attributes: { rate: 0.5 } }] },
    });
    expect(restored(tls.id)).toMatchObject({
      state: 'listening',
      proxy: { name: 'https', tls: { listen: { selfSignedNames: ['localhost'] }, upstream: { serverName: 'example.test', verify: false } } },
    });
    expect(outcome.sockets.some((s) => s.previousId === own.id)).toBe(false);
    expect(outcome.problems).toEqual([
      expect.stringMatching(/^Proxy own-key on 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+: it uses your own certificate, whose private key is not kept/),
    ]);
  });

  it('restores a proxy whose port was taken meanwhile as disabled, and says why', async () => {
    const server = await upstream();
    const first = start();
    const made = await run<Output<'proxy.create'>>(first, 'proxy.create', {
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.port,
    });
    const port = made.settings.listen.port;
    await quit(first);
    // Another program took the port meanwhile.
    const taken = createServer();
    blocker = taken;
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));

    const second = start();
    const outcome = await run<Output<'session.restore'>>(second, 'session.restore');
    expect(outcome.problems).toEqual([
      `Proxy ${made.settings.name} on 127.0.0.1:${port} → 127.0.0.1:${server.port}: 127.0.0.1:${port} is already in use; restored disabled`,
    ]);
    const [proxy] = proxies(second);
    expect(proxy).toMatchObject({
      state: 'closed',
      proxy: { name: made.settings.name, enabled: false, listen: { port } },
      error: { message: `Restored disabled: 127.0.0.1:${port} is already in use` },
    });
    // Saved as it is now (disabled), and enabling it once the port is free clears the error.
    await new Promise((resolve) => taken.close(resolve));
    blocker = undefined;
    await run(second, 'proxy.update', { id: proxy.id, enabled: true });
    expect(second.engine.info(proxy.id)).toMatchObject({ state: 'listening', error: undefined });
  });
});

describe('the Toxiproxy API in the saved workspace', () => {
  const curlVersion = (port: number): Promise<string> =>
    promisify(execFile)('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/version`]).then(({ stdout }) => stdout);

  it('comes back on at the port it got, answering curl; off, it is not kept', async () => {
    const first = start();
    const on = await run<Output<'toxiproxyApi.set'>>(first, 'toxiproxyApi.set', { enabled: true, port: 0 });
    const port = on.serving?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    await waitFor(() => existsSync(sessionFile()) && readFileSync(sessionFile(), 'utf8').includes('"toxiproxyApi"'), 'the API to be saved');
    await quit(first);
    await expect(curlVersion(port)).rejects.toThrow(/refused|Failed to connect/i);

    const second = start();
    expect(await run(second, 'session.status')).toMatchObject({ state: 'offered', summary: { extras: [`Toxiproxy API on 127.0.0.1:${port}`] } });
    expect(await run<Output<'session.restore'>>(second, 'session.restore')).toMatchObject({ problems: [] });
    expect(await run(second, 'toxiproxyApi.status')).toMatchObject({ serving: { host: '127.0.0.1', port } });
    expect(JSON.parse(await curlVersion(port))).toEqual({ version: '2.12.0' });
    // Turned off, the workspace no longer has it.
    await run(second, 'toxiproxyApi.set', { enabled: false });
    await waitFor(() => !readFileSync(sessionFile(), 'utf8').includes('"toxiproxyApi"'), 'the API to be dropped from the workspace');
    await quit(second);
    expect(await run(start(), 'session.status')).toEqual({ state: 'none' });
  });

  it('leaves one the command line turned on where it is, and says why when its port was taken meanwhile', async () => {
    const first = start();
    await run(first, 'toxiproxyApi.set', { enabled: true, port: 0 });
    await quit(first);

    // As `sockscope host --toxiproxy-api` does before the user restores: the saved port does not move it.
    const second = start();
    const elsewhere = await run<Output<'toxiproxyApi.set'>>(second, 'toxiproxyApi.set', { enabled: true, port: 0 });
    const port = elsewhere.serving?.port ?? 0;
    expect(await run<Output<'session.restore'>>(second, 'session.restore')).toMatchObject({ problems: [] });
    expect(await run(second, 'toxiproxyApi.status')).toMatchObject({ serving: elsewhere.serving });
    await quit(second);

    const taken = createServer();
    blocker = taken;
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const third = start();
    const outcome = await run<Output<'session.restore'>>(third, 'session.restore');
    expect(outcome.problems).toEqual([
      `Toxiproxy API on 127.0.0.1:${port}: 127.0.0.1:${port} is already in use: is Toxiproxy (or another Sockscope) running?`,
    ]);
    expect(await run(third, 'toxiproxyApi.status')).not.toHaveProperty('serving');
  });
});
