/**
 * A burst of connections that arrives while the test's event loop is busy: a python3 child
 * connects them one after another (the kernel completes each handshake and queues it for accept)
 * while the test waits without turning its loop, as a listener busy with something else would.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './peers';

/** Opens `count` connections when told (a line on stdin), touches `marker` once all have connected, holds them until stdin closes. */
const CLIENTS = `
import socket, sys
port, count, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print('ready', flush=True)
sys.stdin.readline()
held = [socket.create_connection(('127.0.0.1', port)) for _ in range(count)]
open(marker, 'w').close()
sys.stdin.read()
`;

export interface Burst {
  /** Has every connection made, blocking this thread (no loop turn) until the kernel has queued them all. */
  arriveWhileBusy(): void;
  /** Closes the connections (stopPeers also does). */
  end(): void;
}

export async function startBurst(port: number, count: number): Promise<Burst> {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-burst-'));
  const marker = join(dir, 'connected');
  const clients = await startChild('python3', ['-c', CLIENTS, String(port), String(count), marker], /ready/);
  return {
    arriveWhileBusy(): void {
      clients.child.stdin.write('go\n');
      const deadline = Date.now() + 20_000;
      while (!existsSync(marker) && Date.now() < deadline);
      const arrived = existsSync(marker);
      rmSync(dir, { recursive: true, force: true });
      if (!arrived) throw new Error(`${count} connections did not all connect within 20 s: ${clients.stderr()}`);
    },
    end(): void {
      clients.child.stdin.end();
    },
  };
}
