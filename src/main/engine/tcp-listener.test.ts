import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { Engine, EngineError } from './engine';
import { eventKinds, logEvents, loggedBytes, recordEvents } from './test-support/engine-log';
import { connectClient, freePort, randomPayload, stopPeers, type TestClient } from './test-support/peers';
import { rejection } from './test-support/rejection';
import { waitFor } from './test-support/wait-for';
import { UNRESOLVABLE_HOST } from './test-support/dns';
import { startBurst } from './test-support/burst';
import { setImmediate as nextTurn } from 'node:timers/promises';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

function connectionsOf(listenerId: string): SocketInfo[] {
  return engine.snapshot().sockets.filter((s) => s.parentId === listenerId);
}

/** The accepted connection whose remote end is this client. */
function connectionFor(listenerId: string, client: TestClient): SocketInfo {
  const found = connectionsOf(listenerId).find((s) => s.remote?.port === client.localPort);
  if (!found) throw new Error(`No connection for client port ${client.localPort}`);
  return found;
}

describe('TCP listener', () => {
  it('shows the address each connection arrived at when it listens on every address', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '0.0.0.0', port: 0 });
    const port = listener.local?.port ?? 0;
    const first = await connectClient(port, '127.0.0.1');
    const second = await connectClient(port, '127.0.0.2');
    await waitFor(() => connectionsOf(listener.id).length === 2, 'both connections');
    expect(connectionFor(listener.id, first).local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
    expect(connectionFor(listener.id, second).local).toEqual({ address: '127.0.0.2', port, family: 'IPv4' });
  });

  it('listens on port 0 and reports the real port', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    expect(listener.kind).toBe('tcp-listener');
    expect(listener.state).toBe('listening');
    expect(listener.local?.address).toBe('127.0.0.1');
    expect(listener.local?.port).toBeGreaterThan(0);
    expect(logEvents(engine, listener.id).map((e) => e.message)).toEqual([`Listening on 127.0.0.1:${listener.local?.port}`]);
  });

  it('accepts 50 concurrent clients, logs each byte-exact, sends to one and to all', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const clients = await Promise.all(Array.from({ length: 50 }, () => connectClient(port)));
    const sent = new Map<TestClient, Buffer>();
    await Promise.all(
      clients.map(async (client) => {
        // Two writes each, so a connection's log holds more than one chunk to put back together.
        const parts = [randomPayload(8000), randomPayload(8000)];
        sent.set(client, Buffer.concat(parts));
        for (const part of parts) await client.write(part);
      }),
    );
    await waitFor(
      () => clients.every((c) => connectionsOf(listener.id).some((s) => s.remote?.port === c.localPort && s.bytesIn === sent.get(c)?.length)),
      'all 50 connections to receive everything',
    );
    const connections = connectionsOf(listener.id);
    expect(connections).toHaveLength(50);
    expect(new Set(connections.map((c) => c.id)).size).toBe(50);
    for (const client of clients) {
      const connection = connectionFor(listener.id, client);
      expect(connection).toMatchObject({ kind: 'tcp-connection', state: 'open', parentId: listener.id });
      expect(connection.id).toMatch(/^con-\d+$/);
      expect(connection.local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
      expect(loggedBytes(engine, connection.id, 'in').equals(sent.get(client) ?? Buffer.alloc(0))).toBe(true);
    }
    expect(eventKinds(engine, listener.id).filter((k) => k === 'accepted')).toHaveLength(50);

    const chosen = clients[17];
    const toOne = randomBytes(300);
    const one = await engine.send({ id: connectionFor(listener.id, chosen).id, data: toOne });
    expect(one).toEqual({ bytes: 300, recipients: 1 });
    const toAll = randomBytes(700);
    const all = await engine.send({ id: listener.id, data: toAll });
    expect(all).toEqual({ bytes: 700, recipients: 50 });
    await waitFor(() => clients.every((c) => c.received().length === (c === chosen ? 1000 : 700)), 'every client to receive the broadcast');
    // Per-connection ordering makes this exact: nobody else got the bytes meant for one.
    for (const client of clients) {
      expect(client.received().equals(client === chosen ? Buffer.concat([toOne, toAll]) : toAll)).toBe(true);
    }

    await engine.stopListener(listener.id, true);
    expect(engine.info(listener.id).state).toBe('closed');
    await waitFor(() => clients.every((c) => c.ended), 'every client to see FIN');
    await waitFor(() => connectionsOf(listener.id).every((c) => c.state === 'closed'), 'connections closed');
    await expect(connectClient(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('close() stops listening but keeps the accepted connections', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const client = await connectClient(port);
    await waitFor(() => connectionsOf(listener.id).length === 1, 'the connection');
    await engine.close(listener.id);
    expect(engine.info(listener.id).state).toBe('closed');
    expect(eventKinds(engine, listener.id)).toEqual(['listening', 'accepted', 'closed']);
    await expect(connectClient(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const connection = connectionFor(listener.id, client);
    await engine.send({ id: connection.id, data: Buffer.from('still here') });
    await waitFor(() => client.received().toString() === 'still here', 'the client to receive');
    expect(engine.info(connection.id).state).toBe('open');
  });

  it('close() in a burst makes the connections it accepted and had not yet made: listed, open, logged from when each was accepted', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const burst = await startBurst(listener.local?.port ?? 0, 50);
    burst.arriveWhileBusy();
    // A few loop turns: one accepted in each, none made while the kernel has more to hand over.
    for (let i = 0; i < 5; i++) await nextTurn();
    const closedAt = Date.now();
    await engine.close(listener.id);
    const connections = connectionsOf(listener.id);
    expect(connections.length).toBeGreaterThanOrEqual(5);
    for (const connection of connections) {
      expect(connection.state).toBe('open');
      expect(connection.createdAt).toBeLessThanOrEqual(closedAt + 1);
      expect(logEvents(engine, connection.id)[0]).toMatchObject({ event: 'accepted', time: connection.createdAt });
    }
    expect(eventKinds(engine, listener.id).filter((kind) => kind === 'accepted')).toHaveLength(connections.length);
    burst.end();
  });

  it('logs a client closing its accepted connection', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await connectClient(listener.local?.port ?? 0);
    await client.write(Buffer.from('bye'));
    client.socket.end();
    await waitFor(() => connectionsOf(listener.id)[0]?.state === 'closed', 'the connection to close');
    const connection = connectionFor(listener.id, client);
    expect(eventKinds(engine, connection.id)).toEqual(['accepted', 'peer-closed', 'closed']);
    expect(loggedBytes(engine, connection.id, 'in').toString()).toBe('bye');
    await waitFor(() => client.ended, 'the client to see our FIN');
  });

  it('accepts IPv4 clients on a dual-stack :: listener', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '::', port: 0 });
    expect(listener.local).toMatchObject({ address: '::', family: 'IPv6' });
    const client = await connectClient(listener.local?.port ?? 0, '127.0.0.1');
    await waitFor(() => connectionsOf(listener.id).length === 1, 'the connection');
    const connection = connectionFor(listener.id, client);
    expect(['::ffff:127.0.0.1', '127.0.0.1']).toContain(connection.remote?.address);
  });

  it('listens and talks over IPv6 loopback', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '::1', port: 0 });
    expect(listener.local).toMatchObject({ address: '::1', family: 'IPv6' });
    const client = await connectClient(listener.local?.port ?? 0, '::1');
    const payload = randomBytes(5000);
    await client.write(payload);
    await waitFor(() => connectionsOf(listener.id)[0]?.bytesIn === payload.length, 'the bytes');
    const connection = connectionFor(listener.id, client);
    expect(connection.remote).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(loggedBytes(engine, connection.id, 'in').equals(payload)).toBe(true);
    await engine.send({ id: connection.id, data: payload });
    await waitFor(() => client.received().equals(payload), 'the reply');
  });

  it('remove() closes and forgets the listener and all its connections', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const clients = await Promise.all([1, 2, 3].map(() => connectClient(listener.local?.port ?? 0)));
    await waitFor(() => connectionsOf(listener.id).length === 3, 'three connections');
    const ids = [listener.id, ...connectionsOf(listener.id).map((c) => c.id)];
    const events = recordEvents(engine);
    await engine.remove(listener.id);
    const removed = events.flatMap((e) => (e.type === 'socket.removed' ? [e.id] : []));
    expect(removed.sort()).toEqual([...ids].sort());
    expect(engine.snapshot()).toEqual({ sockets: [], logs: [] });
    await waitFor(() => clients.every((c) => c.ended), 'every client to see FIN');
    expect(() => engine.info(listener.id)).toThrow(EngineError);
  });

  it('a removed connection no longer counts as a recipient', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const [first, second] = await Promise.all([1, 2].map(() => connectClient(listener.local?.port ?? 0)));
    await waitFor(() => connectionsOf(listener.id).length === 2, 'two connections');
    await engine.remove(connectionFor(listener.id, first).id);
    const result = await engine.send({ id: listener.id, data: Buffer.from('hi') });
    expect(result.recipients).toBe(1);
    await waitFor(() => second.received().toString() === 'hi', 'the remaining client');
  });

  it('refuses to send to a listener without connections', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const err = await rejection(engine.send({ id: listener.id, data: Buffer.from('x') }));
    expect(err.code).toBe('NO_RECIPIENTS');
    expect(err.message).toBe(`${listener.id} has no open connections to send to`);
  });
});

describe('TCP listener errors', () => {
  it('EADDRINUSE: a readable sentence, and nothing left behind', async () => {
    engine = new Engine();
    const first = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = first.local?.port ?? 0;
    const events = recordEvents(engine);
    const err = await rejection(engine.listenTcp({ host: '127.0.0.1', port }));
    expect(err.code).toBe('EADDRINUSE');
    expect(err.message).toBe(`127.0.0.1:${port} is already in use`);
    expect(events).toEqual([]);
    expect(engine.snapshot().sockets.map((s) => s.id)).toEqual([first.id]);
  });

  it('EADDRNOTAVAIL: an address this machine does not have', async () => {
    engine = new Engine();
    // 192.0.2.1 is TEST-NET-1: never assigned here; binding fails locally, nothing is sent.
    const err = await rejection(engine.listenTcp({ host: '192.0.2.1', port: 0 }));
    expect(err.code).toBe('EADDRNOTAVAIL');
    expect(err.message).toBe('192.0.2.1 is not an address of this machine');
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('host not found', async () => {
    engine = new Engine();
    const err = await rejection(engine.listenTcp({ host: UNRESOLVABLE_HOST, port: 0 }));
    expect(err.code).toBe('ENOTFOUND');
    expect(err.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('the port is free again after stopping', async () => {
    engine = new Engine();
    const port = await freePort();
    const first = await engine.listenTcp({ host: '127.0.0.1', port });
    await engine.stopListener(first.id, false);
    const second = await engine.listenTcp({ host: '127.0.0.1', port });
    expect(second.local?.port).toBe(port);
  });
});
