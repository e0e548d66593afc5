/**
 * Real peers for the engine's tests: node servers and clients, and ncat / socat / python3 child
 * processes. Everything started here is tracked so `stopPeers()` in afterEach cleans it up.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Socket, createServer, type AddressInfo, type Server } from 'node:net';
import { waitFor } from './wait-for';

const children = new Set<ChildProcessWithoutNullStreams>();
const servers = new Set<Server>();
const sockets = new Set<Socket>();

export interface ChildPeer {
  child: ChildProcessWithoutNullStreams;
  /** Everything the child wrote to stdout so far. */
  stdout(): Buffer;
  stderr(): string;
}

/**
 * Starts a child and resolves once its stdout or stderr matches `ready` (within `timeoutMs`: the
 * CLI runs from source through tsx, which takes seconds to start on a busy two-core machine).
 */
export async function startChild(command: string, args: string[], ready: RegExp, timeoutMs = 12_000): Promise<ChildPeer> {
  const child = spawn(command, args, { stdio: 'pipe' });
  children.add(child);
  const out: Buffer[] = [];
  let err = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.on('exit', () => (exited = true));
  child.on('error', (e) => (err += String(e)));
  const peer: ChildPeer = { child, stdout: () => Buffer.concat(out), stderr: () => err };
  await waitFor(() => ready.test(err) || ready.test(Buffer.concat(out).toString()) || exited, `${command} to be ready`, timeoutMs);
  if (!ready.test(err) && !ready.test(Buffer.concat(out).toString())) {
    throw new Error(`${command} exited before it was ready: ${err}`);
  }
  return peer;
}

/** A port nobody listens on right now (bound by a throwaway server, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A node TCP server; every accepted socket is tracked for cleanup. */
export async function startServer(
  onConnection: (socket: Socket) => void,
  host = '127.0.0.1',
  options: { allowHalfOpen?: boolean } = {},
): Promise<{ server: Server; port: number }> {
  const server = createServer(options, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // peers in tests may be reset on purpose
    onConnection(socket);
  });
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** An echo server: every byte back, and FIN when the client sends FIN. */
export function startEchoServer(host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  return startServer((socket) => socket.pipe(socket), host);
}

/**
 * A node client that collects what it receives. Like most peers it answers our FIN with its own
 * unless `allowHalfOpen` is set.
 */
export async function connectClient(port: number, host = '127.0.0.1', allowHalfOpen = false): Promise<TestClient> {
  const socket = new Socket({ allowHalfOpen });
  sockets.add(socket);
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect({ port, host }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return client;
}

export class TestClient {
  private readonly chunks: Buffer[] = [];
  /** Kept because Node forgets it once the socket is closed. */
  localPort: number | undefined;
  ended = false;
  closed = false;
  errorCode: string | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    socket.on('connect', () => (this.localPort = socket.localPort));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', (err: NodeJS.ErrnoException) => (this.errorCode = err.code));
  }

  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }
}

export function randomPayload(maxLength: number): Buffer {
  return randomBytes(1 + Math.floor(Math.random() * maxLength));
}

/** Every byte value, twice, then random bytes: a payload that text-mangling would break. */
export function binaryPayload(randomLength = 4096): Buffer<ArrayBuffer> {
  const payload = Buffer.alloc(512 + randomLength);
  for (let i = 0; i < 512; i++) payload[i] = i % 256;
  randomBytes(randomLength).copy(payload, 512);
  return payload;
}

/** Kills every child and closes every server and socket started by this module. */
export async function stopPeers(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
  await Promise.all([...servers].map((server) => new Promise((resolve) => server.close(resolve))));
  servers.clear();
}
