import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server in the test process: keeps every byte it receives and can write to its clients. */
export interface Collector {
  port: number;
  received(): Buffer;
  /** Writes to every connected client. */
  write(bytes: string | Uint8Array): void;
  connections(): number;
  /** Resets every connection (RST), as a server that crashes or refuses to go on does. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('collector has no port');
  return {
    port: address.port,
    received: () => Buffer.concat(chunks),
    write: (bytes) => sockets.forEach((socket) => socket.write(bytes)),
    connections: () => sockets.size,
    reset: () => sockets.forEach((socket) => socket.resetAndDestroy()),
    stop: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
