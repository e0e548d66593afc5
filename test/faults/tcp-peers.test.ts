/**
 * TCP peers that misbehave on purpose, against the engine through the contract: after each
 * fault the app still works, and every log is intact with counts equal to what was sent.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SEND_BYTES, type SocketInfo } from '@shared/contract';
import { type Core, createCore } from '../../src/main/core';
import { MAX_QUEUED_BYTES } from '../../src/main/engine/tcp-client';
import { UNRESOLVABLE_HOST } from '../../src/main/engine/test-support/dns';
import { connectClient, startServer, stopPeers, type TestClient } from '../../src/main/engine/test-support/peers';
import { waitFor } from '../../src/main/engine/test-support/wait-for';
import { call, type Dispatch, refusal } from './support/contract';
import { expectIntactLog } from './support/log-check';
import { eventually, expectEngineStillWorks } from './support/still-works';

let core: Core;
let dispatch: Dispatch;

beforeEach(() => {
  core = createCore();
  dispatch = (command, input) => core.dispatcher.dispatch(command, input);
});

afterEach(async () => {
  await core.dispose();
  await stopPeers();
});

const info = async (id: string): Promise<SocketInfo> => {
  const socket = (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.id === id);
  if (!socket) throw new Error(`${id} is gone`);
  return socket;
};

/** A fresh payload of `size` bytes, as the contract wants it (a plain Uint8Array). */
const payload = (size: number): Uint8Array<ArrayBuffer> => new Uint8Array(randomBytes(size));

describe('TCP peers that misbehave', () => {
  it('a peer that resets in the middle of a large write: the send fails with the reason, once', async () => {
    const greeting = payload(1000);
    let peer: Socket | undefined;
    const { port } = await startServer((socket) => {
      peer = socket;
      socket.write(greeting);
      // Never reads: the kernel buffers stay small (a reading peer's grow to 32 MB here and would
      // take the whole write before the reset), so most of the write is still waiting in Node.
      socket.pause();
    });
    const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port });
    await eventually(async () => (await info(client.id)).bytesIn === greeting.length, 'the greeting');

    const sending = dispatch('socket.send', { id: client.id, data: payload(MAX_SEND_BYTES) });
    await eventually(async () => (await info(client.id)).queuedBytes > 0, 'the write to be under way');
    peer?.resetAndDestroy();
    const result = await sending;
    expect(result).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/reset by peer|broken pipe/);

    await eventually(async () => (await info(client.id)).state === 'error', 'the connection to be marked failed');
    const log = await expectIntactLog(dispatch, client.id);
    expect(log.bytesIn).toEqual(Buffer.from(greeting));
    expect(log.info).toMatchObject({ queuedBytes: 0, error: { code: result.error.code } });
    // Reported once: to the send that was waiting, not a second time as a socket error.
    expect(log.events.filter((e) => e.event === 'error')).toHaveLength(1);
    await expectEngineStillWorks(dispatch);
  });

  it('a peer that half-closes: everything it sent before its FIN is logged, and the connection ends cleanly', async () => {
    const lastWords = payload(200_000);
    const { port } = await startServer((socket) => socket.end(lastWords), '127.0.0.1', { allowHalfOpen: true });
    const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port });
    await eventually(async () => (await info(client.id)).state === 'closed', 'the connection to close');
    const log = await expectIntactLog(dispatch, client.id);
    // Buffer#equals: a deep equality over 200 KB takes half a second.
    expect(log.bytesIn.equals(lastWords)).toBe(true);
    expect(log.events.map((e) => e.event)).toEqual(['connecting', 'connected', 'peer-closed', 'closed']);
    expect(log.info.error).toBeUndefined();

    // The same from the other side: a client half-closes towards a Sockscope listener.
    const listener = await call(dispatch, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    const peer = await connectClient(listener.local?.port ?? 0, '127.0.0.1', true);
    peer.socket.end(lastWords);
    const connection = async (): Promise<SocketInfo | undefined> =>
      (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.parentId === listener.id);
    await eventually(async () => (await connection())?.state === 'closed', 'the accepted connection to close');
    const accepted = await expectIntactLog(dispatch, (await connection())?.id ?? '');
    expect(accepted.bytesIn.equals(lastWords)).toBe(true);
    expect(accepted.events.map((e) => e.event)).toEqual(['accepted', 'peer-closed', 'closed']);
    await expectEngineStillWorks(dispatch);
  });

  it('a peer that does not read: queued bytes are shown, the queue is bounded, and a reset cancels it', async () => {
    let peer: Socket | undefined;
    let peerRead = 0;
    const { port } = await startServer((socket) => {
      peer = socket;
      socket.pause();
      socket.on('data', (chunk: Buffer) => (peerRead += chunk.length));
    });
    const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port });
    await waitFor(() => peer !== undefined, 'the peer to accept');

    const chunk = payload(MAX_SEND_BYTES);
    const memoryBefore = process.memoryUsage().arrayBuffers;
    // The user keeps pressing Send, 20 times 16 MiB: far more than may wait in memory.
    const sends = Array.from({ length: 20 }, () => dispatch('socket.send', { id: client.id, data: chunk }));
    const settled = new Set<number>();
    for (const [index, send] of sends.entries()) void send.then(() => settled.add(index));
    const queued = (await info(client.id)).queuedBytes;
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThanOrEqual(MAX_QUEUED_BYTES);
    const queuedSends = MAX_QUEUED_BYTES / MAX_SEND_BYTES;
    const refused = await Promise.all(sends.slice(-10));
    // Refused at once: not after the queue moved, for the peer reads nothing and the sends that wait
    // in the queue are still pending.
    expect(
      [...settled].filter((index) => index < queuedSends),
      'queued sends settled before the refusals',
    ).toEqual([]);
    for (const result of refused) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'QUEUE_FULL', message: expect.stringMatching(/still waiting .* reset the connection/) },
      });
    }
    // What the engine holds for this connection: the bounded queue plus the bounded log.
    expect(process.memoryUsage().arrayBuffers - memoryBefore).toBeLessThan(MAX_QUEUED_BYTES + 64 * 1024 * 1024 + MAX_SEND_BYTES);

    // Cancel: reset drops what waits. Every send settles, none hangs, and none claims it went out.
    await call(dispatch, 'socket.reset', { id: client.id });
    const codes = (await Promise.all(sends)).map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual([...Array<string>(queuedSends).fill('CANCELLED'), ...Array<string>(20 - queuedSends).fill('QUEUE_FULL')]);
    const log = await expectIntactLog(dispatch, client.id);
    expect(log.info).toMatchObject({ state: 'closed', queuedBytes: 0, bytesOut: MAX_QUEUED_BYTES });
    expect(log.events.slice(-2).map((e) => [e.event, e.message])).toEqual([
      ['reset', 'Connection reset: RST sent to the peer'],
      ['info', 'Up to 64 MiB waiting to be sent never reached the peer'],
    ]);
    expect(peerRead).toBe(0);
    await expectEngineStillWorks(dispatch);
  });

  it('a 100 MB send: refused in one piece with the limit named, delivered byte for byte in 16 MiB sends', async () => {
    const total = 100_000_000;
    const tooBig = await refusal(dispatch, 'socket.send', { id: 'tcp-1', data: new Uint8Array(total) });
    expect(tooBig).toEqual({ code: 'INVALID_INPUT', message: 'data: A single send is limited to 16 MiB' });

    const received: Buffer[] = [];
    let receivedBytes = 0;
    const { port } = await startServer((socket) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        receivedBytes += chunk.length;
      }),
    );
    const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port });
    const sent = payload(total);
    for (let offset = 0; offset < total; offset += MAX_SEND_BYTES) {
      await call(dispatch, 'socket.send', { id: client.id, data: sent.subarray(offset, offset + MAX_SEND_BYTES) });
    }
    await waitFor(() => receivedBytes === total, 'the peer to receive 100 MB', 20_000);
    expect(Buffer.concat(received).equals(sent)).toBe(true);

    const log = await expectIntactLog(dispatch, client.id);
    expect(log.info).toMatchObject({ bytesOut: total, messagesOut: 6, queuedBytes: 0 });
    // The log keeps the newest 64 MiB: whole sends dropped from the front, each one counted.
    expect(log.dropped).toBeGreaterThan(0);
    expect(
      Buffer.from(sent)
        .subarray(total - log.bytesOut.length)
        .equals(log.bytesOut),
    ).toBe(true);
    await expectEngineStillWorks(dispatch);
  });

  it('a peer that sends 100 MB: every byte counted, the newest kept, and what fell out counted exactly', async () => {
    const total = 100_000_000;
    const stream = randomBytes(total);
    const { port } = await startServer((socket) => socket.end(stream));
    const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port });
    await eventually(async () => (await info(client.id)).state === 'closed', 'all 100 MB and the close', 20_000);
    const log = await expectIntactLog(dispatch, client.id);
    expect(log.info.bytesIn).toBe(total);
    expect(log.dropped).toBeGreaterThan(0);
    expect(log.bytesIn.length).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(stream.subarray(total - log.bytesIn.length).equals(log.bytesIn)).toBe(true);
    await expectEngineStillWorks(dispatch);
  });

  it('a listener stopped with 1,000 open connections closes every one, and every log is intact', async () => {
    const listener = await call(dispatch, 'tcp.listen', { host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const clients: TestClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => connectClient(port)))));
    }
    const hello = (client: TestClient): Buffer => Buffer.from(`hello from ${client.localPort}\n`);
    await Promise.all(clients.map((client) => client.write(hello(client))));
    const connections = async (): Promise<SocketInfo[]> =>
      (await call(dispatch, 'app.snapshot', {})).sockets.filter((s) => s.parentId === listener.id);
    await eventually(async () => (await connections()).filter((c) => c.bytesIn > 0).length === 1000, 'every hello');

    await call(dispatch, 'listener.stop', { id: listener.id, closeConnections: true });
    await waitFor(() => clients.every((client) => client.closed), 'every client to see its connection close');

    const snapshot = await call(dispatch, 'app.snapshot', {});
    const byPort = new Map(clients.map((client) => [client.localPort, client]));
    const accepted = snapshot.sockets.filter((s) => s.parentId === listener.id);
    expect(accepted).toHaveLength(1000);
    for (const connection of accepted) {
      const log = await expectIntactLog(dispatch, connection.id, snapshot);
      const client = byPort.get(connection.remote?.port);
      expect(client, `the client behind ${connection.id}`).toBeDefined();
      expect(log.bytesIn).toEqual(client && hello(client));
      expect(log.info.state).toBe('closed');
    }
    const listenerLog = await expectIntactLog(dispatch, listener.id, snapshot);
    expect(listenerLog.info.state).toBe('closed');
    expect(listenerLog.events.filter((e) => e.event === 'accepted')).toHaveLength(1000);
    await expectEngineStillWorks(dispatch);
  });

  it('a host name that does not resolve: a clear error, no socket left behind', async () => {
    for (const command of ['tcp.connect', 'udp.bind'] as const) {
      const error = await refusal(dispatch, command, { host: UNRESOLVABLE_HOST, port: command === 'udp.bind' ? 0 : 80 });
      expect(error.code).toBe('ENOTFOUND');
      expect(error.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    }
    const udp = await call(dispatch, 'udp.bind', { host: '127.0.0.1', port: 0 });
    const error = await refusal(dispatch, 'socket.send', { id: udp.id, data: payload(10), target: { host: UNRESOLVABLE_HOST, port: 9 } });
    expect(error.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    expect((await call(dispatch, 'app.snapshot', {})).sockets.map((s) => s.id)).toEqual([udp.id]);
    expect((await info(udp.id)).state).toBe('open');
    await expectEngineStillWorks(dispatch);
  });
});
