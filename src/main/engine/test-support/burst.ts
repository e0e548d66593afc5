/**
 * A burst of connections that arrives while the test's event loop is busy: a python3 child
 * connects them one after another (the kernel completes each handshake and queues it for accept)
 * while the test waits without turning its loop, as a listener busy with something else would.
 * Then, if asked, it uses each connection once the test's loop turns again: "hello <i>\n" sent
 * on each (over TLS if asked), and read back if the far end echoes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SocketKind } from '@shared/contract';
import type { Engine } from '../engine';
import { now } from '../log';
import { startChild } from './peers';
import { waitFor } from './wait-for';

/**
 * Opens `count` connections when told (a line on stdin), touches `marker` once all have connected,
 * then (unless `use` is 'hold') sends each its line and, for 'echo', reads it back, or for
 * 'watch' waits for the far end to close each, and says 'served'; holds them until stdin closes.
 */
const CLIENTS = `
import select, socket, ssl, sys
port, count, marker, use, tls = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == 'tls'
print('ready', flush=True)
sys.stdin.readline()
held = [socket.create_connection(('127.0.0.1', port)) for _ in range(count)]
open(marker, 'w').close()
if use == 'watch':
    left = set(held)
    while left:
        for s in select.select(list(left), [], [])[0]:
            try:
                closed = s.recv(65536) == b''
            except OSError:
                closed = True
            if closed:
                left.discard(s)
    print('served', flush=True)
elif use != 'hold':
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        held = [context.wrap_socket(s) for s in held]
    for i, s in enumerate(held):
        line = ('hello %d\\n' % i).encode()
        s.sendall(line)
        if use == 'echo':
            back = b''
            while len(back) < len(line):
                chunk = s.recv(len(line) - len(back))
                if not chunk:
                    sys.exit('connection %d closed before its echo' % i)
                back += chunk
            if back != line:
                sys.exit('connection %d echoed %r' % (i, back))
    print('served', flush=True)
sys.stdin.read()
`;

/** What the burst does with its connections once all are connected. */
export interface BurstUse {
  /** 'hold' (the default): nothing; 'send': its line on each; 'echo': its line on each, read back; 'watch': see each closed by the far end. */
  use?: 'hold' | 'send' | 'echo' | 'watch';
  /** Over TLS (the listener's certificate is not verified). */
  tls?: boolean;
}

export interface Burst {
  /** Has every connection made, blocking this thread (no loop turn) until the kernel has queued them all. */
  arriveWhileBusy(): void;
  /** Resolves once every connection was used as asked (its line sent, and echoed if asked; closed by the far end, if watched). */
  served(): Promise<void>;
  /** Closes the connections (stopPeers also does). */
  end(): void;
}

export async function startBurst(port: number, count: number, { use = 'hold', tls = false }: BurstUse = {}): Promise<Burst> {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-burst-'));
  const marker = join(dir, 'connected');
  const args = ['-c', CLIENTS, String(port), String(count), marker, use, tls ? 'tls' : 'tcp'];
  const clients = await startChild('python3', args, /ready/);
  const exited = (): boolean => clients.child.exitCode !== null || clients.child.signalCode !== null;
  return {
    arriveWhileBusy(): void {
      clients.child.stdin.write('go\n');
      const deadline = Date.now() + 20_000;
      while (!existsSync(marker) && Date.now() < deadline);
      const arrived = existsSync(marker);
      rmSync(dir, { recursive: true, force: true });
      if (!arrived) throw new Error(`${count} connections did not all connect within 20 s: ${clients.stderr()}`);
    },
    async served(): Promise<void> {
      await waitFor(() => clients.stdout().includes('served') || exited(), `the ${count} connections to be served`);
      if (!clients.stdout().includes('served')) throw new Error(`the burst's clients gave up: ${clients.stderr()}`);
    },
    end(): void {
      clients.child.stdin.end();
    },
  };
}

/**
 * When the engine first showed a socket of `kind`: connections taken off the kernel's queue
 * before it was made have a `createdAt` (when accepted) no later than that.
 */
export function firstShownAt(engine: Engine, kind: SocketKind): () => number | undefined {
  let shown: number | undefined;
  const stop = engine.subscribe(
    () => {
      shown = now();
      stop();
    },
    ['socket.upsert'],
    [kind],
  );
  return () => shown;
}
