import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { stopChild } from './host';

/** A real command-line peer (ncat, socat) whose stdout we collect byte for byte. */
export interface Peer {
  process: ChildProcessWithoutNullStreams;
  /** Everything the peer printed so far. */
  received(): Buffer;
  write(bytes: string | Uint8Array): void;
  stop(): Promise<void>;
}

export function startPeer(command: string, args: string[]): Peer {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', () => undefined);
  return {
    process: child,
    received: () => Buffer.concat(chunks),
    write: (bytes) => void child.stdin.write(bytes),
    stop: () => stopChild(child),
  };
}

/** A port nothing listens on right now (the kernel picked it for us a moment ago). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `ready()` is true, polling; fails with `what` after `timeoutMs`. */
export async function until(ready: () => boolean, what: string, timeoutMs = 7000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
