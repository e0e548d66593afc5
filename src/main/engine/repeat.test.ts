import { createSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, formatInteger } from '@shared/codec';
import { commands, type RepeatStatus } from '@shared/contract';
import { Engine } from './engine';
import { allEntries, logEvents } from './test-support/engine-log';
import { startServer, stopPeers } from './test-support/peers';
import { rejection } from './test-support/rejection';
import { timerFloor } from './test-support/timing';
import { waitFor } from './test-support/wait-for';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

/** A TCP server that collects what it receives; `peer()` is the accepted socket once there. */
async function collectingServer() {
  const chunks: Buffer[] = [];
  let accepted: Socket | undefined;
  const { port } = await startServer((socket) => {
    accepted = socket;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  return { port, received: () => Buffer.concat(chunks), peer: () => accepted };
}

async function clientTo(port: number) {
  return engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
}

function repeatOf(id: string): RepeatStatus | undefined {
  return engine.info(id).repeat;
}

describe('repeated sends', () => {
  it('sends a payload N times back to back, each taken by the kernel, and shows the count', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const { jobId } = await engine.startRepeat({ id: client.id, data: Buffer.from('ping\n'), count: 5 });
    await waitFor(() => repeatOf(client.id)?.state === 'finished', 'the repeat to finish');
    const status = repeatOf(client.id);
    expect(status).toEqual({
      jobId,
      state: 'finished',
      sent: 5,
      total: 5,
      intervalMs: 0,
      bytes: 5,
      startedAt: expect.any(Number),
      endedAt: expect.any(Number),
    });
    // On the engine's clock, from before the first send to the last: what the log note says.
    const tookMs = (status?.endedAt ?? NaN) - (status?.startedAt ?? NaN);
    expect(tookMs).toBeGreaterThan(0);
    await waitFor(() => server.received().length === 25, 'five pings at the server');
    expect(server.received().toString()).toBe('ping\n'.repeat(5));
    expect(allEntries(engine, client.id).filter((e) => e.dir === 'out')).toHaveLength(5);
    const notes = logEvents(engine, client.id).map((e) => e.message);
    expect(notes).toContain(`Repeating 5 bytes 5 times, back to back (${jobId})`);
    expect(notes).toContain(
      `Repeat ${jobId} finished (5 of 5 sent in ${formatDuration(tookMs)} · ${formatInteger(Math.round((5 * 1000) / tookMs))}/s)`,
    );
  });

  it('keeps to the interval between sends', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const started = performance.now();
    await engine.startRepeat({ id: client.id, data: Buffer.from('x'), count: 4, intervalMs: 40 });
    await waitFor(() => repeatOf(client.id)?.state === 'finished', 'the repeat to finish');
    // Three gaps of 40 ms; timers never fire early.
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    const times = allEntries(engine, client.id).flatMap((e) => (e.dir === 'out' ? [e.time] : []));
    expect(times).toHaveLength(4);
    // Sends keep to a 40 ms grid from the first (one delayed by a busy machine does not shift the rest).
    expect(times[3] - times[0]).toBeGreaterThanOrEqual(115);
    // The repeat's own times span the three gaps; with an interval its rate is the interval's, not said.
    const status = repeatOf(client.id);
    expect((status?.endedAt ?? NaN) - (status?.startedAt ?? NaN)).toBeGreaterThanOrEqual(timerFloor(120));
    expect(logEvents(engine, client.id).map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Repeat rep-\d+ finished \(4 of 4 sent in [\d.]+ m?s\)$/),
    );
  });

  it('repeats every interval until stopped, and nothing goes out after the stop', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const { jobId } = await engine.startRepeat({ id: client.id, data: Buffer.from('tick'), intervalMs: 10 });
    await waitFor(() => (repeatOf(client.id)?.sent ?? 0) >= 3, 'three ticks');
    expect(repeatOf(client.id)).toMatchObject({ state: 'running', intervalMs: 10 });
    expect(repeatOf(client.id)?.total).toBeUndefined();
    engine.cancelRepeat(jobId);
    const stopped = repeatOf(client.id);
    expect(stopped).toMatchObject({ state: 'stopped' });
    expect(stopped?.endedAt).toBeGreaterThanOrEqual(stopped?.startedAt ?? Infinity);
    const sentAtStop = engine.info(client.id).messagesOut;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(engine.info(client.id).messagesOut).toBe(sentAtStop);
    expect(repeatOf(client.id)?.sent).toBe(stopped?.sent);
    // Stopping what has ended is fine; an id never handed out is not.
    expect(() => engine.cancelRepeat(jobId)).not.toThrow();
    expect(() => engine.cancelRepeat('rep-999')).toThrow(/No repeated send with id rep-999/);
  });

  it('fails the command when the first send cannot go, and starts nothing', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const error = await rejection(engine.startRepeat({ id: listener.id, data: Buffer.from('hi'), count: 3 }));
    expect(error).toMatchObject({ code: 'NO_RECIPIENTS' });
    expect(repeatOf(listener.id)).toBeUndefined();
  });

  it('refuses a second repeat on the same socket while one runs', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const { jobId } = await engine.startRepeat({ id: client.id, data: Buffer.from('a'), intervalMs: 50 });
    const error = await rejection(engine.startRepeat({ id: client.id, data: Buffer.from('b'), count: 2 }));
    expect(error).toMatchObject({ code: 'BUSY', message: expect.stringContaining(jobId) });
  });

  it('refuses the second of two repeats started at the same moment on one socket: only one runs', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const [first, second] = await Promise.allSettled([
      engine.startRepeat({ id: client.id, data: Buffer.from('a'), intervalMs: 20 }),
      engine.startRepeat({ id: client.id, data: Buffer.from('b'), intervalMs: 20 }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'BUSY' } });
    const { jobId } = (first as PromiseFulfilledResult<{ jobId: string }>).value;
    expect(repeatOf(client.id)).toMatchObject({ jobId, state: 'running' });
    await waitFor(() => server.received().length >= 3, 'a few sends');
    engine.cancelRepeat(jobId);
    // Only the first job's payload ever went out: the second never ran alongside it.
    expect(server.received().toString()).toMatch(/^a+$/);
    expect(logEvents(engine, client.id).filter((e) => e.message.startsWith('Repeating'))).toHaveLength(1);
  });

  it('ends as failed, with the reason, when the connection goes away mid-repeat', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    await engine.startRepeat({ id: client.id, data: Buffer.from('data'), intervalMs: 5 });
    await waitFor(() => server.peer() !== undefined && (repeatOf(client.id)?.sent ?? 0) >= 2, 'a few sends');
    server.peer()?.resetAndDestroy();
    await waitFor(() => repeatOf(client.id)?.state === 'failed', 'the repeat to fail', 5000);
    expect(repeatOf(client.id)?.error?.message).toMatch(/\S/);
  });

  it('stops when its socket is removed', async () => {
    engine = new Engine();
    const server = await collectingServer();
    const client = await clientTo(server.port);
    const { jobId } = await engine.startRepeat({ id: client.id, data: Buffer.from('z'), intervalMs: 5 });
    await engine.remove(client.id);
    // What was sent before the remove may still be on its way to the server: counted once the
    // server has read to the end of the connection.
    await waitFor(() => server.peer()?.closed === true, 'the server to see the connection end');
    const before = server.received().length;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(server.received().length).toBe(before);
    expect(() => engine.cancelRepeat(jobId)).not.toThrow();
  });

  it('repeats UDP datagrams to a target, each one a datagram', async () => {
    engine = new Engine();
    const peer = createSocket('udp4');
    const datagrams: Buffer[] = [];
    peer.on('message', (message) => datagrams.push(message));
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    try {
      const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
      await engine.startRepeat({ id: udp.id, data: Buffer.from('dgram'), count: 3, target: { host: '127.0.0.1', port: peer.address().port } });
      await waitFor(() => datagrams.length === 3, 'three datagrams');
      expect(datagrams.map(String)).toEqual(['dgram', 'dgram', 'dgram']);
    } finally {
      peer.close();
    }
  });

  it('the contract wants a count, an interval, or both, within bounds', () => {
    const input = commands['send.repeat'].input;
    const data = new Uint8Array(1);
    expect(input.safeParse({ id: 'tcp-1', data }).error?.issues[0]?.message).toBe('Give a count, an interval, or both');
    expect(input.safeParse({ id: 'tcp-1', data, count: 0 }).success).toBe(false);
    expect(input.safeParse({ id: 'tcp-1', data, intervalMs: 0 }).success).toBe(false);
    expect(input.safeParse({ id: 'tcp-1', data, count: 2, intervalMs: 5 }).success).toBe(true);
  });
});
