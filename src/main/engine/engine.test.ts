import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineEvent, LogHead, SocketInfo, commands } from '@shared/contract';
import { Engine, EngineError } from './engine';
import { allEntries, recordEvents } from './test-support/engine-log';
import { connectClient, startEchoServer, stopPeers } from './test-support/peers';
import { rejection } from './test-support/rejection';
import { waitFor } from './test-support/wait-for';

let engine: Engine;

afterEach(async () => {
  vi.restoreAllMocks();
  await engine.dispose();
  await stopPeers();
});

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('Expected an EngineError');
}

/** One socket of each kind: client, listener, accepted connection, UDP. */
async function oneOfEach() {
  const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
  const client = await engine.connectTcp({ host: '127.0.0.1', port: listener.local?.port ?? 0, timeoutMs: 5000 });
  await waitFor(() => engine.snapshot().sockets.some((s) => s.kind === 'tcp-connection'), 'the accepted connection');
  const connection = engine.snapshot().sockets.find((s) => s.kind === 'tcp-connection');
  const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
  if (!connection) throw new Error('no connection');
  return { listener, client, connection, udp };
}

describe('Engine', () => {
  it('gives every socket a unique, kind-prefixed id', async () => {
    engine = new Engine();
    const { listener, client, connection, udp } = await oneOfEach();
    expect(listener.id).toMatch(/^lst-\d+$/);
    expect(client.id).toMatch(/^tcp-\d+$/);
    expect(connection.id).toMatch(/^con-\d+$/);
    expect(udp.id).toMatch(/^udp-\d+$/);
    expect(new Set([listener.id, client.id, connection.id, udp.id]).size).toBe(4);
  });

  it('every event and snapshot matches the contract schemas', async () => {
    engine = new Engine();
    const events = recordEvents(engine);
    const { client, connection, udp, listener } = await oneOfEach();
    await engine.send({ id: client.id, data: Buffer.from('ping') });
    await engine.send({ id: udp.id, data: Buffer.from('self'), target: { host: '127.0.0.1', port: udp.local?.port ?? 0 } });
    await waitFor(() => engine.info(connection.id).bytesIn === 4 && engine.info(udp.id).bytesIn === 4, 'the bytes');
    await engine.reset(client.id);
    await waitFor(() => engine.info(connection.id).state === 'error', 'the reset at the other end');
    await engine.remove(listener.id);

    const types = new Set(events.map((e) => e.type));
    expect(types).toEqual(new Set(['socket.upsert', 'socket.stats', 'log.head', 'engine.error', 'socket.removed']));
    for (const event of events) expect(EngineEvent.safeParse(event).success).toBe(true);
    const snapshot = engine.snapshot();
    for (const socket of snapshot.sockets) expect(SocketInfo.safeParse(socket).success).toBe(true);
    for (const head of snapshot.logs) expect(LogHead.safeParse(head).success).toBe(true);
    const read = engine.readLog(udp.id, 0, 100);
    expect(commands['log.read'].output.safeParse(read).success).toBe(true);
    // Plain Uint8Arrays that survive structured clone (what Electron IPC does).
    const data = read.entries.filter((e) => e.dir !== 'event');
    expect(data.length).toBe(2);
    for (const entry of data) expect(Buffer.isBuffer(entry.bytes)).toBe(false);
    expect(structuredClone(read).entries).toEqual(read.entries);
  });

  it('announces byte counters and log heads as they change', async () => {
    engine = new Engine();
    const { port } = await startEchoServer();
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const events = recordEvents(engine);
    await engine.send({ id: socket.id, data: Buffer.from('abc') });
    await waitFor(() => engine.info(socket.id).bytesIn === 3, 'the echo');
    // Counters alone: stats, not the whole socket again.
    const stats = events.flatMap((e) => (e.type === 'socket.stats' && e.stats.id === socket.id ? [e.stats] : []));
    expect(stats.some((s) => s.bytesOut === 3 && s.messagesOut === 1)).toBe(true);
    expect(stats.at(-1)).toMatchObject({ bytesIn: 3, bytesOut: 3 });
    expect(events.some((e) => e.type === 'socket.upsert' && e.socket.id === socket.id)).toBe(false);
    const heads = events.flatMap((e) => (e.type === 'log.head' && e.head.id === socket.id ? [e.head] : []));
    expect(heads.at(-1)).toEqual(engine.readLog(socket.id, 0, 1).head);
    expect(heads.at(-1)?.nextSeq).toBe(allEntries(engine, socket.id).length);
  });

  it('snapshot lists every socket with its log head', async () => {
    engine = new Engine();
    const { listener, client, connection, udp } = await oneOfEach();
    const snapshot = engine.snapshot();
    expect(snapshot.sockets.map((s) => s.id).sort()).toEqual([listener.id, client.id, connection.id, udp.id].sort());
    expect(snapshot.logs.map((h) => h.id).sort()).toEqual(snapshot.sockets.map((s) => s.id).sort());
    expect(snapshot.sockets.find((s) => s.id === connection.id)?.parentId).toBe(listener.id);
  });

  it('unsubscribe stops events', async () => {
    engine = new Engine();
    const events: EngineEvent[] = [];
    const unsubscribe = engine.subscribe((e) => events.push(e));
    await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const seen = events.length;
    expect(seen).toBeGreaterThan(0);
    unsubscribe();
    await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    expect(events.length).toBe(seen);
  });

  it('tells a subscriber the upserts of the socket kinds it asked for, and the others all of them', async () => {
    engine = new Engine();
    const listenersOnly: EngineEvent[] = [];
    const everything: EngineEvent[] = [];
    engine.subscribe((e) => listenersOnly.push(e), ['socket.upsert', 'socket.removed'], ['tcp-listener']);
    engine.subscribe((e) => everything.push(e), ['socket.upsert']);
    const { listener, client, connection } = await oneOfEach();
    const upserted = (events: EngineEvent[]): Set<string> => new Set(events.flatMap((e) => (e.type === 'socket.upsert' ? [e.socket.id] : [])));
    expect([...upserted(listenersOnly)]).toEqual([listener.id]);
    expect([...upserted(everything)]).toEqual(expect.arrayContaining([listener.id, client.id, connection.id]));
    // Removals of every kind still reach it.
    await engine.remove(connection.id);
    expect(listenersOnly).toContainEqual({ type: 'socket.removed', id: connection.id });
  });

  it('a subscriber that throws breaks neither the socket nor other subscribers', async () => {
    engine = new Engine();
    const errorOutput = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    engine.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const events = recordEvents(engine);
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    await engine.send({ id: udp.id, data: Buffer.from('x'), target: { host: '127.0.0.1', port: udp.local?.port ?? 0 } });
    await waitFor(() => engine.info(udp.id).bytesIn === 1, 'the datagram');
    expect(events.length).toBeGreaterThan(0);
    expect(errorOutput).toHaveBeenCalled();
  });

  it('bounds each log by the configured limits and reads and clears it', async () => {
    engine = new Engine({ log: { maxEntries: 10 } });
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const target = { host: '127.0.0.1', port: udp.local?.port ?? 0 };
    for (let i = 0; i < 20; i++) await engine.send({ id: udp.id, data: Buffer.from([i]), target });
    await waitFor(() => engine.info(udp.id).messagesIn === 20, 'all datagrams back');
    // 1 'bound' event + 20 out + 20 in = 41 entries, 10 kept.
    const { head, entries } = engine.readLog(udp.id, 0, 100);
    expect(head).toMatchObject({ firstSeq: 31, nextSeq: 41, dropped: 31 });
    expect(entries.map((e) => e.seq)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    expect(engine.readLog(udp.id, 35, 2).entries.map((e) => e.seq)).toEqual([35, 36]);

    const events = recordEvents(engine);
    const cleared = engine.clearLog(udp.id);
    expect(cleared).toEqual({ id: udp.id, firstSeq: 41, nextSeq: 41, dropped: 31, bytes: 0, cleared: { dropped: 31, budgetDropped: 0 } });
    expect(events).toEqual([{ type: 'log.head', head: cleared }]);
    expect(engine.readLog(udp.id, 0, 100).entries).toEqual([]);
  });

  it('remove() forgets a socket and its log and announces it', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const events = recordEvents(engine);
    await engine.remove(udp.id);
    expect(events.at(-1)).toEqual({ type: 'socket.removed', id: udp.id });
    expect(thrown(() => engine.readLog(udp.id, 0, 1)).code).toBe('NOT_FOUND');
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('dispose() destroys every socket; peers see them go', async () => {
    engine = new Engine();
    const { port } = await startEchoServer();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const peer = await connectClient(listener.local?.port ?? 0);
    await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await waitFor(() => engine.snapshot().sockets.length === 3, 'three sockets');
    await engine.dispose();
    await waitFor(() => peer.closed, 'the accepted peer to be closed');
    expect(engine.snapshot().sockets).toEqual([]);
    expect((await rejection(engine.bindUdp({ host: '127.0.0.1', port: 0 }))).code).toBe('DISPOSED');
  });
});

describe('Engine errors', () => {
  it('NOT_FOUND for every command that takes an id', async () => {
    engine = new Engine();
    const id = 'tcp-999';
    const message = `No socket with id ${id}`;
    for (const fn of [
      () => engine.info(id),
      () => engine.readLog(id, 0, 1),
      () => engine.clearLog(id),
      () => engine.setDefaultTarget(id, undefined),
    ]) {
      expect(thrown(fn)).toMatchObject({ code: 'NOT_FOUND', message });
    }
    for (const promise of [
      engine.send({ id, data: new Uint8Array(1) }),
      engine.close(id),
      engine.halfClose(id),
      engine.reset(id),
      engine.stopListener(id, false),
      engine.remove(id),
    ]) {
      expect(await rejection(promise)).toMatchObject({ code: 'NOT_FOUND', message });
    }
  });

  it('UNSUPPORTED for a command on the wrong kind of socket', async () => {
    engine = new Engine();
    const { listener, client, udp } = await oneOfEach();
    const cases: [Promise<unknown>, RegExp][] = [
      [engine.reset(udp.id), /Reset applies to TCP connections only; udp-\d+ is a UDP socket/],
      [engine.halfClose(udp.id), /Half-close applies to TCP connections only/],
      [engine.halfClose(listener.id), /is a listener \(pick one of its connections\)/],
      [engine.reset(listener.id), /Reset applies to TCP connections only/],
      [engine.stopListener(client.id, false), /only listeners can be stopped/],
      [engine.send({ id: client.id, data: new Uint8Array(1), target: { host: 'x', port: 1 } }), /UDP sockets only/],
    ];
    for (const [promise, message] of cases) {
      const err = await rejection(promise);
      expect(err.code).toBe('UNSUPPORTED');
      expect(err.message).toMatch(message);
    }
    expect(thrown(() => engine.setDefaultTarget(client.id, { host: 'x', port: 1 })).code).toBe('UNSUPPORTED');
  });
});
