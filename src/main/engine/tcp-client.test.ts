import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from './engine';
import { eventKinds, logEvents, loggedBytes, recordEvents } from './test-support/engine-log';
import { binaryPayload, freePort, startChild, startEchoServer, startServer, stopPeers } from './test-support/peers';
import { rejection } from './test-support/rejection';
import { waitFor } from './test-support/wait-for';
import { UNRESOLVABLE_HOST } from './test-support/dns';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

function newEngine(): Engine {
  engine = new Engine();
  return engine;
}

describe('TCP client', () => {
  it('round-trips every byte value through an ncat echo server', async () => {
    newEngine();
    const port = await freePort();
    await startChild('ncat', ['-v', '-l', '127.0.0.1', String(port), '-k', '--exec', '/bin/cat'], /Listening on/);
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    expect(socket.state).toBe('open');
    expect(socket.kind).toBe('tcp-client');
    expect(socket.remote).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
    expect(socket.local?.family).toBe('IPv4');

    const payload = binaryPayload();
    const result = await engine.send({ id: socket.id, data: payload });
    expect(result).toEqual({ bytes: payload.length, recipients: 1 });
    await waitFor(() => engine.info(socket.id).bytesIn === payload.length, 'the echo');
    expect(loggedBytes(engine, socket.id, 'in').equals(payload)).toBe(true);
    expect(loggedBytes(engine, socket.id, 'out').equals(payload)).toBe(true);
    const info = engine.info(socket.id);
    expect(info).toMatchObject({ bytesOut: payload.length, messagesOut: 1, queuedBytes: 0 });
    expect(info.lastActivityAt).toBeGreaterThanOrEqual(info.createdAt);

    // ncat's cat sees EOF after our FIN and exits, so the peer closes and close() completes.
    await engine.close(socket.id);
    expect(engine.info(socket.id).state).toBe('closed');
    expect(eventKinds(engine, socket.id)).toEqual(['connecting', 'connected', 'info', 'peer-closed', 'closed']);
  });

  it('exchanges binary data both ways with a socat peer, which then closes', async () => {
    newEngine();
    const port = await freePort();
    const socat = await startChild('socat', ['-d', '-d', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'STDIO'], /listening on/);
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const fromPeer = randomBytes(3000);
    socat.child.stdin.write(fromPeer);
    await waitFor(() => engine.info(socket.id).bytesIn === fromPeer.length, 'bytes from socat');
    expect(loggedBytes(engine, socket.id, 'in').equals(fromPeer)).toBe(true);

    const toPeer = binaryPayload(2000);
    await engine.send({ id: socket.id, data: toPeer });
    await waitFor(() => socat.stdout().length === toPeer.length, 'bytes at socat');
    expect(socat.stdout().equals(toPeer)).toBe(true);

    // socat shuts down its sending side at stdin EOF: we log it, finish our side, and close.
    socat.child.stdin.end();
    await waitFor(() => engine.info(socket.id).state === 'closed', 'the connection to close');
    expect(eventKinds(engine, socket.id)).toEqual(['connecting', 'connected', 'peer-closed', 'closed']);
  });

  it('sends 1 MiB in one send to a node echo server and gets every byte back', async () => {
    newEngine();
    const { port } = await startEchoServer();
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const payload = randomBytes(1024 * 1024);
    await engine.send({ id: socket.id, data: payload });
    await waitFor(() => engine.info(socket.id).bytesIn === payload.length, '1 MiB echoed');
    expect(loggedBytes(engine, socket.id, 'in').equals(payload)).toBe(true);
    expect(engine.info(socket.id).queuedBytes).toBe(0);
  });

  it('reports queued bytes while a slow peer holds a send back, and resolves once flushed', async () => {
    newEngine();
    let peer: Socket | undefined;
    let received = 0;
    const { port } = await startServer((socket) => {
      peer = socket;
      socket.pause(); // not reading: the kernel buffers fill and Node queues the rest
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
    });
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const payload = randomBytes(16 * 1024 * 1024);
    let settled = false;
    const sending = engine.send({ id: socket.id, data: payload }).then(() => (settled = true));
    await waitFor(() => engine.info(socket.id).queuedBytes > 0, 'bytes queued in Node');
    expect(settled).toBe(false);
    peer?.resume();
    await sending;
    await waitFor(() => engine.info(socket.id).queuedBytes === 0, 'the queue to drain');
    await waitFor(() => received === payload.length, 'the peer to read everything');
    expect(engine.info(socket.id).bytesOut).toBe(payload.length);
  });

  it('logs the bytes as sent even if the caller reuses its buffer', async () => {
    newEngine();
    const { port } = await startEchoServer();
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const buffer = Buffer.from('first');
    await engine.send({ id: socket.id, data: buffer });
    buffer.write('XXXXX');
    await waitFor(() => engine.info(socket.id).bytesIn === 5, 'the echo');
    expect(loggedBytes(engine, socket.id, 'out').toString()).toBe('first');
    expect(loggedBytes(engine, socket.id, 'in').toString()).toBe('first');
  });

  it('connects over IPv6 loopback', async () => {
    newEngine();
    const { port } = await startEchoServer('::1');
    const socket = await engine.connectTcp({ host: '::1', port, timeoutMs: 5000 });
    expect(socket.remote).toEqual({ address: '::1', port, family: 'IPv6' });
    expect(socket.local).toMatchObject({ address: '::1', family: 'IPv6' });
    const payload = binaryPayload(100);
    await engine.send({ id: socket.id, data: payload });
    await waitFor(() => engine.info(socket.id).bytesIn === payload.length, 'the echo');
    expect(loggedBytes(engine, socket.id, 'in').equals(payload)).toBe(true);
  });

  it('resolves a host name and keeps what the user asked for', async () => {
    newEngine();
    const { port } = await startEchoServer('127.0.0.1');
    const socket = await engine.connectTcp({ host: 'localhost', port, timeoutMs: 5000 });
    expect(socket.requested).toEqual({ host: 'localhost', port });
    expect(socket.remote).toEqual({ address: '127.0.0.1', port, family: 'IPv4' });
  });

  it('logs a peer FIN, goes half-closed, then ends its side so the connection closes', async () => {
    newEngine();
    let serverSawOurFin = false;
    const { port } = await startServer(
      (peer) => {
        peer.on('end', () => (serverSawOurFin = true));
        peer.end('bye');
      },
      '127.0.0.1',
      { allowHalfOpen: true },
    );
    const events = recordEvents(engine);
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await waitFor(() => engine.info(socket.id).state === 'closed', 'the connection to close');
    expect(loggedBytes(engine, socket.id, 'in').toString()).toBe('bye');
    const peerClosed = logEvents(engine, socket.id).find((e) => e.event === 'peer-closed');
    expect(peerClosed?.message).toBe('Peer closed its sending side');
    expect(eventKinds(engine, socket.id)).toEqual(['connecting', 'connected', 'peer-closed', 'closed']);
    const states = events.flatMap((e) => (e.type === 'socket.upsert' ? [e.socket.state] : []));
    expect(states).toContain('half-closed');
    expect(states.indexOf('half-closed')).toBeLessThan(states.lastIndexOf('closed'));
    await waitFor(() => serverSawOurFin, 'the server to see our FIN');
  });

  it('half-closes our side and keeps receiving until the peer finishes', async () => {
    newEngine();
    const { port } = await startServer(
      (peer) => {
        let received = 0;
        peer.on('data', (chunk: Buffer) => (received += chunk.length));
        // Answers only after our FIN: proof that we still receive once half-closed.
        peer.on('end', () => peer.end(`got ${received} bytes`));
      },
      '127.0.0.1',
      { allowHalfOpen: true },
    );
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await engine.send({ id: socket.id, data: Buffer.from('hello') });
    await engine.halfClose(socket.id);
    expect(['half-closed', 'closed']).toContain(engine.info(socket.id).state);
    const sendAfter = await rejection(engine.send({ id: socket.id, data: Buffer.from('more') }));
    expect(sendAfter.code).toBe('NOT_OPEN');
    await waitFor(() => engine.info(socket.id).state === 'closed', 'the connection to close');
    expect(loggedBytes(engine, socket.id, 'in').toString()).toBe('got 5 bytes');
    expect(eventKinds(engine, socket.id)).toEqual(['connecting', 'connected', 'half-closed', 'peer-closed', 'closed']);
  });

  it('records a reset by the peer as ECONNRESET and keeps working', async () => {
    newEngine();
    const { port } = await startServer((peer) => peer.once('data', () => peer.resetAndDestroy()));
    const events = recordEvents(engine);
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await engine.send({ id: socket.id, data: Buffer.from('x') });
    await waitFor(() => engine.info(socket.id).state === 'error', 'the reset to be noticed');
    const info = engine.info(socket.id);
    expect(info.error).toEqual({ code: 'ECONNRESET', message: 'Connection reset by peer' });
    const errorEntry = logEvents(engine, socket.id).find((e) => e.event === 'error');
    expect(errorEntry).toMatchObject({ code: 'ECONNRESET', message: 'Connection reset by peer' });
    const engineErrors = events.filter((e) => e.type === 'engine.error');
    expect(engineErrors).toHaveLength(1);
    expect(engineErrors[0]).toMatchObject({ id: socket.id, error: { code: 'ECONNRESET' } });
    expect((await rejection(engine.send({ id: socket.id, data: Buffer.from('y') }))).code).toBe('NOT_OPEN');

    const echo = await startEchoServer();
    const next = await engine.connectTcp({ host: '127.0.0.1', port: echo.port, timeoutMs: 5000 });
    await engine.send({ id: next.id, data: Buffer.from('still alive') });
    await waitFor(() => engine.info(next.id).bytesIn === 11, 'the echo');
  });

  it('resets the connection itself: the peer sees ECONNRESET', async () => {
    newEngine();
    let peerError: string | undefined;
    let peerSocket: Socket | undefined;
    const { port } = await startServer((peer) => {
      peerSocket = peer;
      peer.on('error', (err: NodeJS.ErrnoException) => (peerError = err.code));
    });
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await waitFor(() => peerSocket !== undefined, 'the server to accept');
    await engine.reset(socket.id);
    expect(engine.info(socket.id).state).toBe('closed');
    expect(eventKinds(engine, socket.id)).toEqual(['connecting', 'connected', 'reset']);
    await waitFor(() => peerError === 'ECONNRESET', 'the peer to see the reset');
  });

  it('close() gives up waiting for a silent peer after about 2 s', async () => {
    newEngine();
    // A peer that never sends FIN back.
    const { port } = await startServer(() => undefined, '127.0.0.1', { allowHalfOpen: true });
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const started = performance.now();
    await engine.close(socket.id);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(1900);
    expect(elapsed).toBeLessThan(4000);
    expect(engine.info(socket.id).state).toBe('closed');
    expect(logEvents(engine, socket.id).map((e) => e.message)).toContain('The peer did not close within 2 s; closing anyway');
  });
});

describe('TCP client errors', () => {
  it('refused: rejects with a sentence and removes the socket it showed', async () => {
    newEngine();
    const port = await freePort();
    const events = recordEvents(engine);
    const err = await rejection(engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 }));
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe(`Connection refused by 127.0.0.1:${port} — nothing is listening there`);
    const upserted = events.find((e) => e.type === 'socket.upsert');
    expect(upserted?.type === 'socket.upsert' && upserted.socket.state).toBe('connecting');
    const id = upserted?.type === 'socket.upsert' ? upserted.socket.id : '';
    expect(events.at(-1)).toEqual({ type: 'socket.removed', id });
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('host not found', async () => {
    newEngine();
    const err = await rejection(engine.connectTcp({ host: UNRESOLVABLE_HOST, port: 80, timeoutMs: 5000 }));
    expect(err.code).toBe('ENOTFOUND');
    expect(err.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('a DNS server that does not answer in time: the timeout says the lookup was not answered, not that the host was not', async () => {
    newEngine();
    // The system's lookup, asked and never answering: a resolver whose server drops every query.
    const lookup = vi.spyOn(dns, 'lookup').mockImplementation((() => undefined) as unknown as typeof dns.lookup);
    try {
      const err = await rejection(engine.connectTcp({ host: 'dead-resolver.test', port: 80, timeoutMs: 200 }));
      expect(lookup).toHaveBeenCalled();
      expect(err.code).toBe('ETIMEDOUT');
      expect(err.message).toBe(
        'Timed out after 200 ms looking up dead-resolver.test: no DNS server answered in that time — check the network, or use an IP address',
      );
    } finally {
      lookup.mockRestore();
    }
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('times out against a listener whose accept queue is full', async () => {
    newEngine();
    // backlog 0 and never accepting: once one connection waits in the queue, SYNs are dropped.
    const python = await startChild(
      'python3',
      [
        '-c',
        'import socket,time\n' +
          's=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0)\n' +
          'print(s.getsockname()[1], flush=True)\n' +
          'time.sleep(60)',
      ],
      /^\d+/,
    );
    const port = Number(python.stdout().toString().trim());
    const filler = await startChild('python3', ['-c', fillQueueScript(port)], /filled/);
    expect(filler.stdout().toString()).toContain('filled');
    const started = performance.now();
    const err = await rejection(engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 300 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toBe(`Timed out after 300 ms connecting to 127.0.0.1:${port}`);
    expect(engine.snapshot().sockets).toEqual([]);
  });
});

/** Opens one connection (it fills the queue) and a second that hangs, then reports. */
function fillQueueScript(port: number): string {
  return (
    'import socket,time\n' +
    `a=socket.create_connection(("127.0.0.1",${port}))\n` +
    'b=socket.socket(); b.setblocking(False)\n' +
    `b.connect_ex(("127.0.0.1",${port}))\n` +
    'print("filled", flush=True)\n' +
    'time.sleep(60)'
  );
}
