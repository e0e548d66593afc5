import { createHash, randomBytes } from 'node:crypto';
import { Server, Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '@shared/contract';
import { Engine } from './engine';
import { READ_BUFFER_BYTES, acceptIntoShared, adoptAccepted, plainSocket, readDirectly } from './read-buffer';
import { logBudget } from './log-budget';
import { loggedBytes } from './test-support/engine-log';
import { connectClient, startServer, stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

const cleanup: (() => void)[] = [];
let engine: Engine | undefined;

afterEach(async () => {
  for (const done of cleanup.splice(0)) done();
  await engine?.dispose();
  engine = undefined;
  await stopPeers();
});

/** A server like TcpListener's for plain TCP: paused on connect, each connection adopted. */
async function adoptingServer(onAdopted: (socket: Socket, accepted: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = new Server({ allowHalfOpen: true, pauseOnConnect: true }, (accepted) => {
    const socket = adoptAccepted(accepted, { allowHalfOpen: true });
    cleanup.push(() => socket.destroy());
    socket.on('error', () => undefined); // peers may reset
    onAdopted(socket, accepted);
  });
  cleanup.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A server like TcpListener's for plain TCP once listening: each connection accepted straight into the shared buffer. */
async function acceptingServer(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number; connectionEvents: () => number }> {
  let connectionEvents = 0;
  const server = new Server({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => {
    connectionEvents++;
    cleanup.push(() => socket.destroy());
  });
  cleanup.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const taken = acceptIntoShared(server, { allowHalfOpen: true, noDelay: true }, (socket) => {
    cleanup.push(() => socket.destroy());
    socket.on('error', () => undefined); // peers may reset
    onSocket(socket);
  });
  expect(taken).toBeDefined();
  return { server, port: (server.address() as AddressInfo).port, connectionEvents: () => connectionEvents };
}

/** What a 'data' listener that keeps bytes must do: copy each chunk, and note whose memory it was. */
function collect(socket: Socket): { bytes: () => Buffer; arrayBuffers: Set<ArrayBufferLike>; chunks: () => number } {
  const copies: Buffer[] = [];
  const arrayBuffers = new Set<ArrayBufferLike>();
  socket.on('data', (chunk: Buffer) => {
    arrayBuffers.add(chunk.buffer);
    copies.push(Buffer.from(chunk));
  });
  return { bytes: () => Buffer.concat(copies), arrayBuffers, chunks: () => copies.length };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('reading plain TCP into one reused buffer', () => {
  it('delivers every byte of an accepted connection, in order, from one buffer', async () => {
    const payload = randomBytes(8 * 1024 * 1024);
    let received: ReturnType<typeof collect> | undefined;
    let adopted: Socket | undefined;
    let accepted: Socket | undefined;
    let ended = false;
    const { port } = await adoptingServer((socket, original) => {
      adopted = socket;
      accepted = original;
      received = collect(socket);
      socket.on('end', () => (ended = true));
    });
    const client = await connectClient(port);
    client.socket.end(payload);

    await waitFor(() => ended, 'the peer’s FIN after the payload');
    expect(adopted).not.toBe(accepted);
    expect(received?.bytes().length).toBe(payload.length);
    expect(sha256(received?.bytes() ?? new Uint8Array())).toBe(sha256(payload));
    // Many reads, one piece of memory: no read allocated a buffer of its own.
    expect(received?.chunks()).toBeGreaterThanOrEqual(payload.length / READ_BUFFER_BYTES);
    expect(received?.arrayBuffers.size).toBe(1);
    expect(adopted?.remotePort).toBe(client.localPort);
  });

  it('dials with a socket that reads into the same buffer as accepted connections', async () => {
    const payload = randomBytes(1024 * 1024);
    let serverSide: ReturnType<typeof collect> | undefined;
    const { port: adoptingPort } = await adoptingServer((socket) => (serverSide = collect(socket)));
    const { port } = await startServer((socket) => socket.end(payload));

    const socket = plainSocket({ allowHalfOpen: false });
    cleanup.push(() => socket.destroy());
    const received = collect(socket);
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.connect({ port, host: '127.0.0.1' });
    await waitFor(() => closed, 'the whole payload and the close');
    expect(sha256(received.bytes())).toBe(sha256(payload));

    const other = await connectClient(adoptingPort);
    await other.write(Buffer.from('x'));
    await waitFor(() => (serverSide?.chunks() ?? 0) > 0, 'a read on the accepted side');
    expect(received.arrayBuffers.size).toBe(1);
    expect([...(serverSide?.arrayBuffers ?? [])]).toEqual([...received.arrayBuffers]);
  });

  it('hands back a socket it cannot adopt, resumed, rather than losing it', () => {
    const unconnected = new Socket();
    cleanup.push(() => unconnected.destroy());
    expect(adoptAccepted(unconnected, { allowHalfOpen: false })).toBe(unconnected);
    expect(unconnected.isPaused()).toBe(false);
    // It reads with Node's own buffers: its reads come as 'data', not to a direct reader.
    expect(readDirectly(unconnected, { received: () => undefined })).toBe(false);
  });

  it('keeps connections reading at once through the engine apart: each log and each echo is its own client’s bytes', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    engine.setAutoReply(commands['autoReply.set'].input.parse({ id: listener.id, echo: true }));
    const payloads = [randomBytes(4 * 1024 * 1024), randomBytes(4 * 1024 * 1024), randomBytes(3 * 1024 * 1024)];
    const clients = await Promise.all(payloads.map(() => connectClient(listener.local?.port ?? 0)));
    await Promise.all(clients.map((client, i) => client.write(payloads[i])));
    await waitFor(() => clients.every((client, i) => client.received().length === payloads[i].length), 'every echo back', 15_000);
    const connections = engine.snapshot().sockets.filter((s) => s.parentId === listener.id);
    for (const [i, client] of clients.entries()) {
      expect(sha256(client.received()), `client ${i}'s echo`).toBe(sha256(payloads[i]));
      const connection = connections.find((c) => c.remote?.port === client.localPort);
      expect(sha256(loggedBytes(engine, connection?.id ?? '', 'in')), `client ${i}'s log`).toBe(sha256(payloads[i]));
    }
  });
});

describe('reading a stream straight into its log', () => {
  it('logs most reads where they landed, in the log’s own slabs, and every byte intact around sends made as it arrives', async () => {
    // The whole stream is held, to be compared byte for byte (log.test.ts has slabs fall out and be reused while lent).
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    let reads = 0;
    let inSlabs = 0;
    cleanup.push(
      engine.tap((_record, entry) => {
        if (entry.dir !== 'in') return;
        reads++;
        // The shared buffer is one read long; a slab a read was lent is longer.
        if (entry.bytes.buffer.byteLength > READ_BUFFER_BYTES) inSlabs++;
      }),
    );
    const payload = randomBytes(16 * 1024 * 1024);
    const client = await connectClient(listener.local?.port ?? 0);
    const arrived = client.write(payload);
    const connectionId = (): string | undefined => engine?.snapshot().sockets.find((s) => s.parentId === listener.id)?.id;
    await waitFor(() => connectionId() !== undefined, 'the accepted connection');
    const id = connectionId() ?? '';
    const bytesIn = (): number => engine?.snapshot().sockets.find((s) => s.id === id)?.bytesIn ?? 0;
    const sent: Buffer[] = [];
    while (bytesIn() < payload.length) {
      // Bounded, so that the log holds every entry (its default 200,000) however slowly the stream comes.
      if (sent.length === 5000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const data = randomBytes(1 + ((sent.length * 997) % 5000));
      sent.push(data);
      await engine.send(commands['socket.send'].input.parse({ id, data }));
    }
    await arrived;
    const allSent = Buffer.concat(sent);
    expect(loggedBytes(engine, id, 'in').equals(payload), 'every byte received, as sent').toBe(true);
    expect(loggedBytes(engine, id, 'out').equals(allSent), 'every byte sent, as sent').toBe(true);
    await waitFor(() => client.received().length >= allSent.length, 'every send at the peer');
    expect(client.received().equals(allSent), 'what the peer received').toBe(true);
    expect(inSlabs / reads).toBeGreaterThan(0.5);
  });
});

describe('reading a stream that never fills a read straight into its log', () => {
  it('lends the log to the read after one of a quarter of the shared buffer or more, and after one small read that follows it; further small reads stay in the shared buffer', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    // Where each read landed: the first one, lent nothing, in the shared buffer.
    const landed: { size: number; into: ArrayBufferLike; inSlab: boolean }[] = [];
    cleanup.push(
      engine.tap((_record, entry) => {
        if (entry.dir !== 'in') return;
        const into = entry.bytes.buffer;
        landed.push({ size: entry.bytes.byteLength, into, inSlab: landed.length > 0 && into !== landed[0].into });
      }),
    );
    const client = await connectClient(listener.local?.port ?? 0);
    const connectionId = (): string | undefined => engine?.snapshot().sockets.find((s) => s.parentId === listener.id)?.id;
    await waitFor(() => connectionId() !== undefined, 'the accepted connection');
    const id = connectionId() ?? '';
    const bytesIn = (): number => engine?.snapshot().sockets.find((s) => s.id === id)?.bytesIn ?? 0;
    // Each message logged before the next is written: one read each, and none fills the shared buffer.
    // 40 KiB messages; then 40 KiB ones each with a small tail, as loopback splits a 64 KiB write
    // into a 65,483-byte segment and a 53-byte one; then small ones alone.
    const messages = [
      ...Array.from({ length: 8 }, () => randomBytes(40 * 1024)),
      ...Array.from({ length: 6 }, () => [randomBytes(40 * 1024), randomBytes(53)]).flat(),
      ...Array.from({ length: 4 }, () => randomBytes(100)),
    ];
    for (const message of messages) {
      const before = bytesIn();
      await client.write(message);
      await waitFor(() => bytesIn() === before + message.length, 'the message logged');
    }
    expect(loggedBytes(engine, id, 'in').equals(Buffer.concat(messages)), 'every byte, in order').toBe(true);
    expect(landed.length, 'one read per message').toBe(messages.length);
    const large = (i: number): boolean => landed[i].size >= READ_BUFFER_BYTES / 4;
    const afterLarge = landed.filter((_read, i) => i > 0 && large(i - 1));
    const afterOneSmall = landed.filter((_read, i) => i > 1 && !large(i - 1) && large(i - 2));
    const afterTwoSmall = landed.filter((_read, i) => i > 1 && !large(i - 1) && !large(i - 2));
    expect(afterLarge.length).toBeGreaterThan(10);
    expect(
      afterLarge.every((read) => read.inSlab),
      'each read after a large one, in the log',
    ).toBe(true);
    expect(afterOneSmall.length).toBeGreaterThan(5);
    expect(
      afterOneSmall.every((read) => read.inSlab),
      'each read after a small one that followed a large one, in the log',
    ).toBe(true);
    expect(afterTwoSmall.length).toBe(3);
    expect(
      afterTwoSmall.every((read) => !read.inSlab),
      'each read after two small ones, in the shared buffer',
    ).toBe(true);
  });
});

describe('accepting plain TCP straight into the shared buffer', () => {
  it('makes one socket per connection, reading every byte in order into the shared buffer', async () => {
    const payload = randomBytes(8 * 1024 * 1024);
    let received: ReturnType<typeof collect> | undefined;
    let socket: Socket | undefined;
    let ended = false;
    const { port, connectionEvents } = await acceptingServer((accepted) => {
      socket = accepted;
      received = collect(accepted);
      accepted.on('end', () => (ended = true));
    });
    const client = await connectClient(port);
    client.socket.end(payload);
    await waitFor(() => ended, 'the peer’s FIN after the payload');
    // No Socket for Node's 'connection' made first and thrown away.
    expect(connectionEvents()).toBe(0);
    expect(sha256(received?.bytes() ?? new Uint8Array())).toBe(sha256(payload));
    expect(received?.chunks()).toBeGreaterThanOrEqual(payload.length / READ_BUFFER_BYTES);
    expect(received?.arrayBuffers.size).toBe(1);
    expect(socket?.remotePort).toBe(client.localPort);
  });

  it('leaves a maxConnections limit to Node: its connections come through connection, those past it are dropped', async () => {
    const accepted: Socket[] = [];
    const { server, port, connectionEvents } = await acceptingServer((socket) => accepted.push(socket));
    server.maxConnections = 1;
    let drops = 0;
    server.on('drop', () => drops++);
    await connectClient(port);
    await waitFor(() => connectionEvents() === 1, "the first connection, as Node's 'connection'");
    const second = await connectClient(port);
    await waitFor(() => second.closed, 'the second connection to be closed by the server');
    expect(drops).toBe(1);
    expect(accepted).toHaveLength(0);
  });
});

describe.each([
  ['adopted from Node’s socket', adoptingServer],
  ['accepted straight into the shared buffer', acceptingServer],
] as const)('connections %s', (_how, serve) => {
  it('stay half-open after the peer’s FIN, so they can still answer', async () => {
    const { port } = await serve((socket) => {
      const request = collect(socket);
      socket.on('end', () => socket.end(`got ${request.bytes().toString()}`));
    });
    const client = await connectClient(port, '127.0.0.1', true);
    client.socket.end('ping');
    await waitFor(() => client.ended, 'the answer and its FIN');
    expect(client.received().toString()).toBe('got ping');
  });

  it('give their reads to a direct reader, no data listener needed, and still end at the peer’s FIN', async () => {
    const payload = randomBytes(2 * 1024 * 1024);
    const copies: Buffer[] = [];
    let dataEvents = 0;
    let ended = false;
    const { port } = await serve((socket) => {
      expect(readDirectly(socket, { received: (into, size) => copies.push(Buffer.from(into.subarray(0, size))) })).toBe(true);
      socket.on('end', () => (ended = true));
      // Counted without listening (a 'data' listener would switch the stream to flowing).
      const emit = socket.emit.bind(socket);
      socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
        if (event === 'data') dataEvents++;
        return emit(event, ...args);
      };
    });
    const client = await connectClient(port);
    client.socket.end(payload);
    await waitFor(() => ended, 'the peer’s FIN after the payload');
    expect(sha256(Buffer.concat(copies))).toBe(sha256(payload));
    expect(dataEvents).toBe(0);
  });

  it('count as the server’s own, so that it closes once they have closed', async () => {
    let accepted: Socket | undefined;
    const { server, port } = await serve((socket) => {
      accepted = socket;
      socket.on('end', () => socket.end());
    });
    const client = await connectClient(port);
    await waitFor(() => accepted !== undefined, 'the connection');
    const count = await new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    expect(count).toBe(1);
    let serverClosed = false;
    server.close(() => (serverClosed = true));
    // Still one connection open: the server waits for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(serverClosed).toBe(false);
    client.socket.destroy();
    await waitFor(() => serverClosed, 'the server to close after its last connection');
  });
});

describe('a direct reader that throws', () => {
  it('never has a read land in memory it lent after the throw; the error is thrown later', async () => {
    // The reader's own memory, lent in turn as a log lends its slab; a read ends its loan as it
    // arrives (SocketLog.appendData), then the reader throws, as an auto-reply bug would.
    const mine = new Uint8Array(1024 * 1024);
    let loanOpen = false;
    let loanStart = 0;
    let intoEndedLoan = 0;
    let reads = 0;
    let received = 0;
    let ended = false;
    const errors: unknown[] = [];
    process.setUncaughtExceptionCaptureCallback((err) => errors.push(err));
    cleanup.push(() => process.setUncaughtExceptionCaptureCallback(null));
    const payload = randomBytes(16 * 1024 * 1024);
    const { port } = await acceptingServer((socket) => {
      socket.on('end', () => (ended = true));
      readDirectly(socket, {
        received(into, size) {
          reads++;
          received += size;
          const intoMine = into.buffer === mine.buffer;
          if (intoMine && !loanOpen) intoEndedLoan++;
          loanOpen = false;
          if (intoMine) throw new Error(`reader bug on read ${reads}`);
        },
        lendForRead(_atLeast, atMost) {
          loanOpen = true;
          loanStart = (loanStart + atMost) % (mine.byteLength - atMost);
          return mine.subarray(loanStart, loanStart + atMost);
        },
      });
    });
    const client = await connectClient(port);
    client.socket.end(payload);
    await waitFor(() => ended, 'the peer’s FIN after the payload');
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toBe(payload.length);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(intoEndedLoan).toBe(0);
  });
});

describe('memory lent to a read that does not come', () => {
  /** No slab lent to any read: the budget may lend its whole share. */
  const nothingLent = (): boolean => logBudget.mayLend(logBudget.limitBytes / 4);

  it('is taken back from connections gone idle after a burst, each log still whole', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const payloads = Array.from({ length: 20 }, () => randomBytes(4 * 1024 * 1024));
    const clients = [];
    for (const payload of payloads) {
      const client = await connectClient(listener.local?.port ?? 0);
      clients.push(client);
      await client.write(payload);
    }
    const connections = () => engine?.snapshot().sockets.filter((s) => s.parentId === listener.id) ?? [];
    await waitFor(() => connections().filter((c) => c.bytesIn === 4 * 1024 * 1024).length === 20, 'every burst logged', 15_000);
    await waitFor(nothingLent, 'every idle connection’s loan taken back');
    // Taken back, not lost: the connections read on, into the shared buffer or a new loan.
    const more = payloads.map(() => randomBytes(1024 * 1024));
    await Promise.all(clients.map((client, i) => client.write(more[i])));
    await waitFor(() => connections().filter((c) => c.bytesIn === 5 * 1024 * 1024).length === 20, 'every second burst logged', 15_000);
    for (const [i, client] of clients.entries()) {
      const connection = connections().find((c) => c.remote?.port === client.localPort);
      expect(sha256(loggedBytes(engine, connection?.id ?? '', 'in')), `client ${i}'s log`).toBe(sha256(Buffer.concat([payloads[i], more[i]])));
    }
  });

  it('is taken back from a connection paused mid-stream, which then reads on intact', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await connectClient(listener.local?.port ?? 0);
    await waitFor(() => engine?.snapshot().sockets.some((s) => s.parentId === listener.id) === true, 'the accepted connection');
    const id = engine.snapshot().sockets.find((s) => s.parentId === listener.id)?.id ?? '';
    const bytesIn = (): number => engine?.snapshot().sockets.find((s) => s.id === id)?.bytesIn ?? 0;
    // Paused until the peer's data fills the kernel's buffers: then every read is a full one, and
    // the read before the pause below leaves the next one lent a slab.
    engine.setReading(id, false);
    const payload = randomBytes(32 * 1024 * 1024);
    const arrived = client.write(payload);
    await waitFor(() => client.socket.writableLength > 0, 'the kernel’s buffers full');
    // Paused again after a read of a megabyte or so, until the last read before the pause was a
    // full one (the reader may catch up with the peer): its next read is lent a slab.
    for (let tries = 0; tries === 0 || (nothingLent() && tries < 20); tries++) {
      const from = bytesIn();
      engine.setReading(id, true);
      await waitFor(() => bytesIn() >= from + 1024 * 1024, 'another megabyte');
      engine.setReading(id, false);
    }
    expect(nothingLent(), 'a slab lent to the paused connection’s next read').toBe(false);
    await waitFor(nothingLent, 'the paused connection’s loan taken back');
    engine.setReading(id, true);
    await arrived;
    await waitFor(() => bytesIn() === payload.length, 'the whole stream');
    expect(sha256(loggedBytes(engine, id, 'in'))).toBe(sha256(payload));
  });
});
