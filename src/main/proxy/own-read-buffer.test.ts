/**
 * How proxy sockets read (own-read-buffer.ts), with real sockets: small reads share one buffer
 * but are handed on as copies that later reads cannot change; a bulk read gives the socket a
 * buffer of its own.
 */
import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkBuffersInUse, MAX_BULK_BUFFERS, ownReadBuffer, type ProxyReader } from './own-read-buffer';

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server that sends `bytes` to each client; resolves with its port. */
async function serving(bytes: Buffer): Promise<number> {
  const server = createServer((socket) => socket.end(bytes));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Reads everything a proxy-style socket receives from `port`, keeping each chunk as it was handed over. */
async function readAll(port: number): Promise<Buffer[]> {
  const socket = new Socket({ onread: ownReadBuffer() });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('end', () => resolve());
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1');
  });
  return chunks;
}

describe('a proxy socket reading', () => {
  it("hands on small reads as copies that another socket's read does not overwrite", async () => {
    const first = await readAll(await serving(Buffer.from('first conversation')));
    const second = await readAll(await serving(Buffer.from('SECOND CONVERSATION, LONGER')));
    expect(Buffer.concat(first).toString()).toBe('first conversation');
    expect(Buffer.concat(second).toString()).toBe('SECOND CONVERSATION, LONGER');
  });

  it('reads a stream into a buffer of its own: every byte arrives in order', async () => {
    const stream = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < stream.length; i += 4) stream.writeUInt32BE(i, i);
    const port = await serving(stream);
    const socket = new Socket({ onread: ownReadBuffer() });
    sockets.push(socket);
    // Chunks are views into a reused buffer: copied here, as the proxy's log copies them.
    const copies: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => copies.push(Buffer.from(chunk)));
    await new Promise<void>((resolve) => {
      socket.once('end', () => resolve());
      socket.connect(port, '127.0.0.1');
    });
    expect(Buffer.concat(copies).equals(stream)).toBe(true);
  });

  it("hands each read to its reader instead: small ones as views to copy, a stream's as views into its own buffer", async () => {
    const stream = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < stream.length; i += 4) stream.writeUInt32BE(i, i);
    const port = await serving(Buffer.concat([Buffer.from('hello'), stream]));
    const reading = ownReadBuffer();
    const socket = new Socket({ onread: reading });
    sockets.push(socket);
    const copies: Buffer[] = [];
    let lentReads = 0;
    let dataEvents = 0;
    const reader: ProxyReader = {
      read(bytes, lent) {
        // Valid only during the call, as the pipe treats them.
        copies.push(Buffer.from(bytes));
        if (lent) lentReads++;
      },
    };
    reading.reader = reader;
    socket.on('data', () => dataEvents++);
    await new Promise<void>((resolve) => {
      socket.once('end', () => resolve());
      socket.connect(port, '127.0.0.1');
    });
    expect(Buffer.concat(copies).equals(Buffer.concat([Buffer.from('hello'), stream]))).toBe(true);
    expect(lentReads).toBeGreaterThan(0);
    expect(dataEvents).toBe(0);
  });

  it('gives at most MAX_BULK_BUFFERS streaming sockets a buffer of their own, and takes them back when they close', async () => {
    const stream = Buffer.alloc(1024 * 1024, 7);
    const port = await serving(stream);
    const count = MAX_BULK_BUFFERS + 8;
    const streams = Array.from({ length: count }, () => {
      // Half-open, as a proxy's sockets are: each stays open (holding its buffer) after the server's FIN.
      const socket = new Socket({ onread: ownReadBuffer(), allowHalfOpen: true });
      sockets.push(socket);
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.byteLength));
      const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
      socket.connect(port, '127.0.0.1');
      return { socket, ended, received: () => received };
    });
    await Promise.all(streams.map((s) => s.ended));
    // Every socket got all its bytes, whether it read into a buffer of its own or took the copy path.
    expect(streams.map((s) => s.received())).toEqual(Array.from({ length: count }, () => stream.byteLength));
    // More sockets streamed than there are buffers: the rest took the copy path.
    expect(bulkBuffersInUse()).toBe(MAX_BULK_BUFFERS);
    const closed = streams.map(({ socket }) => new Promise((resolve) => socket.once('close', resolve)));
    for (const { socket } of streams) socket.destroy();
    await Promise.all(closed);
    expect(bulkBuffersInUse()).toBe(0);
  });
});
