/**
 * What the proxy's tests share: a fresh engine and dispatcher per test, redis-server, raw node
 * servers that record each read, and a proxy made through the contract — all cleaned up after.
 */
import { createServer, type Server, Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import type { Result } from '@shared/contract';
import { createDispatcher, type Dispatcher } from '../dispatch';
import { Engine } from '../engine/engine';
import { freePort, startChild, stopPeers } from '../engine/test-support/peers';

export interface Testbed {
  engine: Engine;
  dispatcher: Dispatcher;
}

/** Registers the hooks; the returned object holds the current test's engine and dispatcher. */
export function useTestbed(): Testbed {
  const bed = {} as Testbed;
  const servers: Server[] = [];
  beforeEach(() => {
    bed.engine = new Engine();
    bed.dispatcher = createDispatcher(bed.engine, () => 0);
    rawServers = servers;
  });
  afterEach(async () => {
    await bed.engine.dispose();
    await stopPeers();
    for (const socket of accepted.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  return bed;
}

let rawServers: Server[] = [];
const accepted: Socket[] = [];

export function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

export async function startRedis(): Promise<number> {
  const port = await freePort();
  await startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/);
  return port;
}

/** A proxy on a free loopback port to `upstreamPort`, through the `proxy.create` command. */
export async function createProxy(bed: Testbed, upstreamPort: number, extra: Record<string, unknown> = {}): Promise<{ id: string; port: number }> {
  const created = value<{ id: string }>(
    await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort, ...extra }),
  );
  const port = bed.engine.info(created.id).local?.port;
  if (!port) throw new Error('the proxy has no port');
  return { id: created.id, port };
}

/** A node server (half-open allowed) that records each read and hands every socket to `onSocket`. */
export async function startRecordingServer(
  onSocket: (socket: Socket, received: () => string) => void = () => undefined,
): Promise<{ port: number; reads: Buffer[] }> {
  const reads: Buffer[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      reads.push(chunk);
      text += chunk.toString();
    });
    onSocket(socket, () => text);
  });
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, reads };
}

const UDP_ECHO = [
  'import socket',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  "s.bind(('127.0.0.1', 0))",
  "print('port', s.getsockname()[1], flush=True)",
  'while True:',
  '    data, peer = s.recvfrom(65535)',
  '    s.sendto(data, peer)',
].join('\n');

/** A Python UDP echo server on loopback (stopped with the other peers); resolves with its port. */
export async function startUdpEcho(): Promise<number> {
  const peer = await startChild('python3', ['-u', '-c', UDP_ECHO], /port \d+/);
  return Number(/port (\d+)/.exec(peer.stdout().toString())?.[1]);
}

/**
 * Registers the clean-up; the returned function opens a loopback connection and resolves with
 * both its ends (the dialled one first), destroyed after the test.
 */
export function useSocketPairs(): () => Promise<[Socket, Socket]> {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  return async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const dialled = new Socket();
    await new Promise<void>((resolve) => dialled.connect((server.address() as { port: number }).port, '127.0.0.1', resolve));
    const other = await accepted;
    sockets.push(dialled, other);
    return [dialled, other];
  };
}
