/**
 * The proxy's forwarding with real peers: redis-server and redis-cli, ncat and socat, node sockets.
 */
import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UNRESOLVABLE_HOST } from '../engine/test-support/dns';
import { logEvents, loggedBytes } from '../engine/test-support/engine-log';
import { connectClient, freePort, startChild } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy as createProxyVia, startRecordingServer, startRedis, useTestbed, value } from './test-support';

const run = promisify(execFile);

const bed = useTestbed();

function createProxy(upstreamPort: number, extra: Record<string, unknown> = {}): Promise<{ id: string; port: number }> {
  return createProxyVia(bed, upstreamPort, extra);
}

function conversationsOf(proxyId: string): string[] {
  return bed.engine
    .snapshot()
    .sockets.filter((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId)
    .map((s) => s.id);
}

async function startRawServer(onSocket: (socket: Socket) => void): Promise<number> {
  return (await startRecordingServer(onSocket)).port;
}

describe('a TCP proxy', () => {
  it('forwards redis-cli to redis-server byte-exact and logs both directions in one conversation', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    const cli = (...args: string[]): Promise<{ stdout: string }> => run('redis-cli', ['-h', '127.0.0.1', '-p', String(proxy.port), ...args]);
    expect((await cli('PING')).stdout.trim()).toBe('PONG');
    expect((await cli('SET', 'greeting', 'héllo wörld')).stdout.trim()).toBe('OK');
    expect((await cli('GET', 'greeting')).stdout.trim()).toBe('héllo wörld');
    const ids = conversationsOf(proxy.id);
    expect(ids).toHaveLength(3);
    await waitFor(() => ids.every((id) => bed.engine.info(id).state === 'closed'), 'conversations to close');
    const last = ids[2];
    expect(loggedBytes(bed.engine, last, 'out').toString()).toBe('*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n');
    expect(loggedBytes(bed.engine, last, 'in').toString()).toBe('$13\r\nhéllo wörld\r\n');
    const info = bed.engine.info(last);
    expect(info.remote?.address).toBe('127.0.0.1');
    expect(info.local?.port).toBe(proxy.port);
    expect(info.conversation?.upstreamRemote?.port).toBe(redis);
    expect(info.conversation?.upstreamLocal?.port).toBeGreaterThan(0);
  });

  it('passes a client FIN on as a FIN while the other direction keeps flowing (ncat --send-only)', async () => {
    let serverSaw = '';
    let serverSawEnd = false;
    const upstream = await startRawServer((socket) => {
      socket.on('data', (chunk) => (serverSaw += chunk.toString()));
      socket.on('end', () => {
        serverSawEnd = true;
        // Answers after the client's FIN: a half-closed conversation must still carry it.
        setTimeout(() => socket.end('reply after FIN'), 50);
      });
    });
    const proxy = await createProxy(upstream);
    const ncat = await startChild('sh', ['-c', `printf request | ncat 127.0.0.1 ${proxy.port}; echo; echo exited`], /exited/);
    expect(serverSaw).toBe('request');
    expect(serverSawEnd).toBe(true);
    expect(ncat.stdout().toString()).toContain('reply after FIN');
    const [id] = conversationsOf(proxy.id);
    await waitFor(() => bed.engine.info(id).state === 'closed', 'conversation to close');
    const messages = logEvents(bed.engine, id).map((e) => e.message);
    expect(messages).toContain('The client closed its sending side (FIN); passing it on to the server');
    expect(messages).toContain('FIN passed on to the server');
    expect(messages).toContain('FIN passed on to the client');
  });

  it('passes a server reset on to the client as a reset', async () => {
    const upstream = await startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const proxy = await createProxy(upstream);
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('hello'));
    await waitFor(() => client.closed, 'client to be closed');
    expect(client.errorCode).toBe('ECONNRESET');
    const [id] = conversationsOf(proxy.id);
    expect(logEvents(bed.engine, id).some((e) => e.event === 'reset' && e.message.startsWith('The server reset the connection'))).toBe(true);
  });

  it('passes a client reset on to the server as a reset (socat)', async () => {
    let serverError: string | undefined;
    let accepted = false;
    const upstream = await startRawServer((socket) => {
      accepted = true;
      socket.on('error', (err: NodeJS.ErrnoException) => (serverError = err.code));
    });
    const proxy = await createProxy(upstream);
    const client = await connectClient(proxy.port);
    await waitFor(() => accepted, 'upstream to accept');
    const [id] = conversationsOf(proxy.id);
    await waitFor(() => bed.engine.info(id).state === 'open', 'conversation to open');
    client.socket.resetAndDestroy();
    await waitFor(() => serverError !== undefined, 'the server to see the reset');
    expect(serverError).toBe('ECONNRESET');
  });

  it('closes the client and says why when the upstream refuses; resets it when asked to', async () => {
    const closedPort = await freePort();
    const proxy = await createProxy(closedPort);
    const client = await connectClient(proxy.port);
    await waitFor(() => client.closed, 'client to be closed');
    expect(client.errorCode).toBeUndefined();
    const [id] = conversationsOf(proxy.id);
    expect(bed.engine.info(id).state).toBe('error');
    expect(bed.engine.info(id).error?.message).toBe(
      `Upstream: Connection refused by 127.0.0.1:${closedPort} — nothing is listening there; closing the client`,
    );

    const resetting = await createProxy(closedPort, { onUpstreamFailure: 'reset' });
    const second = await connectClient(resetting.port);
    await waitFor(() => second.closed, 'second client to be closed');
    expect(second.errorCode).toBe('ECONNRESET');
  });

  it('says so when the upstream name cannot be resolved', async () => {
    const result = value<{ id: string }>(
      await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: UNRESOLVABLE_HOST, upstreamPort: 80 }),
    );
    const client = await connectClient(bed.engine.info(result.id).local?.port ?? 0);
    await waitFor(() => client.closed, 'client to be closed');
    const [id] = conversationsOf(result.id);
    expect(bed.engine.info(id).error?.message).toBe(`Upstream: Host not found: ${UNRESOLVABLE_HOST}; closing the client`);
  });

  it('refuses a proxy whose upstream is its own listening address, and a duplicate name, and a port in use', async () => {
    const port = await freePort();
    const loop = await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port, upstreamHost: 'localhost', upstreamPort: port });
    expect(loop.ok).toBe(false);
    if (!loop.ok) expect(loop.error.code).toBe('PROXY_LOOP');
    expect(bed.engine.snapshot().sockets).toHaveLength(0);

    value(await bed.dispatcher.dispatch('proxy.create', { name: 'db', host: '127.0.0.1', port, upstreamHost: '127.0.0.1', upstreamPort: 9 }));
    const duplicate = await bed.dispatcher.dispatch('proxy.create', {
      name: 'db',
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: 9,
    });
    expect(duplicate).toEqual({ ok: false, error: { code: 'EXISTS', message: 'proxy already exists: db' } });
    const inUse = await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port, upstreamHost: '127.0.0.1', upstreamPort: 9 });
    expect(inUse.ok).toBe(false);
    if (!inUse.ok) expect(inUse.error.code).toBe('EADDRINUSE');
    expect(bed.engine.snapshot().sockets.filter((s) => s.kind === 'proxy')).toHaveLength(1);
  });

  it('keeps memory bounded when the client does not read: the server is not read either', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    let written = 0;
    let stalled = false;
    const upstream = await startRawServer((socket) => {
      const pump = (): void => {
        while (written < 256 * 1024 * 1024) {
          written += chunk.byteLength;
          if (!socket.write(chunk)) {
            stalled = true;
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const proxy = await createProxy(upstream);
    const client = await connectClient(proxy.port);
    client.socket.pause();
    await waitFor(() => stalled, 'the server to be pushed back');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [id] = conversationsOf(proxy.id);
    // Socket buffers of a few MB on each side at most, never the 256 MiB the server wants to send.
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(bed.engine.info(id).bytesIn).toBeLessThan(64 * 1024 * 1024);
    const before = written;
    client.socket.resume();
    await waitFor(() => written > before + 8 * 1024 * 1024, 'the flow to resume');
  });

  it('closes its conversations when disabled and refuses new clients, keeping its settings', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    const client = await connectClient(proxy.port);
    value(await bed.dispatcher.dispatch('proxy.update', { id: proxy.id, enabled: false }));
    await waitFor(() => client.closed, 'client to be closed');
    expect(bed.engine.info(proxy.id).state).toBe('closed');
    expect(bed.engine.info(proxy.id).proxy?.enabled).toBe(false);
    await expect(connectClient(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
    value(await bed.dispatcher.dispatch('proxy.update', { id: proxy.id, enabled: true, port: proxy.port }));
    const { stdout } = await run('redis-cli', ['-p', String(proxy.port), 'PING']);
    expect(stdout.trim()).toBe('PONG');
  });

  it('is removed with its conversations', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    await run('redis-cli', ['-p', String(proxy.port), 'PING']);
    expect(conversationsOf(proxy.id)).toHaveLength(1);
    value(await bed.dispatcher.dispatch('socket.remove', { id: proxy.id }));
    expect(bed.engine.snapshot().sockets).toHaveLength(0);
  });
});
