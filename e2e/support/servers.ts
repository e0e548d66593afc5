import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { stopChild } from './host';
import { freePort } from './peers';

/** A real server the test started (redis-server, python3 -m http.server) on a free loopback port. */
export interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

/** Starts `command` with the port `args` asks for, and resolves once it accepts connections. */
export async function startServerProcess(command: string, args: (port: number) => string[]): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  try {
    await acceptsConnections(child, port, () => errors);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { port, stop: () => stopChild(child) };
}

async function acceptsConnections(child: ChildProcess, port: number, errors: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited: ${errors()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${child.spawnfile} did not listen on ${port}: ${errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Redis without persistence: nothing written to disk, nothing kept after the test. */
export function startRedis(): Promise<ServerProcess> {
  return startServerProcess('redis-server', (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
}

/** Python's http.server serving `directory` on loopback. */
export function startHttpServer(directory: string): Promise<ServerProcess> {
  return startServerProcess('python3', (port) => ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', directory]);
}
