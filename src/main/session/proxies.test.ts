/** Proxies saved with the workspace and restored in a fresh core, with real sockets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Output, SocketInfo } from '../../shared/contract';
import { type Core, createCore } from '../core';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';

let dir: string;
const cores: Core[] = [];
const servers: Server[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-session-proxies-'));
});

afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.dispose()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await stopPeers();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Core {
  const core = createCore({ sessionDir: dir });
  cores.push(core);
  return core;
}

async function run<T = unknown>(core: Core, command: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatcher.dispatch(command, input);
  if (!result.ok) throw new Error(`${command}: ${result.error.message}`);
  return result.value as T;
}

async function quit(core: Core): Promise<void> {
  cores.splice(cores.indexOf(core), 1);
  await core.dispose();
}

/** A server on a free loopback port that keeps what it reads. */
async function upstream(): Promise<{ port: number; received: () => string }> {
  let text = '';
  const server = createServer((socket) => {
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
  });
  servers.push(server);
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
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));

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
    await new Promise((resolve) => blocker.close(resolve));
    servers.splice(servers.indexOf(blocker), 1);
    await run(second, 'proxy.update', { id: proxy.id, enabled: true });
    expect(second.engine.info(proxy.id)).toMatchObject({ state: 'listening', error: undefined });
  });
});
