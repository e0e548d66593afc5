/**
 * 3. Connections: N concurrent TCP connections from client processes into one listener. Accept
 * rate against a bare node:net server fed by the same clients, and the memory each connection
 * costs the process that holds it. 19,000 is just under the 20,000 open files a process may
 * have on these machines, so the clients are spread over several processes (each holds its own
 * descriptors) and source addresses 127.0.0.2… (each has its own ephemeral ports).
 */
import { DEFAULT_LISTEN_BACKLOG } from '../src/main/engine/tcp-listener';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { memoryOf, sleep, startPeer } from './lib/proc';
import { mb, perSecond, type Row } from './lib/report';

const CONCURRENCY = 256;

interface Run {
  /** Connections accepted per second, from the client's start to the last accept. */
  rate: number;
  rssBefore: number;
  rssHeld: number;
}

/** Client processes that together open `count` connections; resolves with the earliest start. */
class Clients {
  private readonly peers: ReturnType<typeof startPeer>[];

  /**
   * `firstAddress`: the last byte of the first source address. Each run takes addresses of its own:
   * the previous run's connections sit in TIME_WAIT on theirs, and a port search past 19,000 of
   * them slowed every connect (the clients, not the server, then set the pace).
   */
  constructor(port: number, count: number, processes: number, firstAddress: number) {
    const share = Math.ceil(count / processes);
    this.peers = Array.from({ length: processes }, (_, i) =>
      startPeer('tcp-clients.ts', [
        '--port',
        String(port),
        '--count',
        String(Math.min(share, count - share * i)),
        '--concurrency',
        String(Math.ceil(CONCURRENCY / processes)),
        '--local-address',
        `127.0.0.${firstAddress + i}`,
      ]),
    );
  }

  async started(): Promise<number> {
    return Math.min(...(await Promise.all(this.peers.map(async (p) => Number((await p.waitForLine(/^started (\S+)/))[1])))));
  }

  async connected(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.waitForLine(/^connected /, 120_000)));
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.child.stdin?.end();
    await Promise.all(this.peers.map((p) => p.exited));
  }
}

async function bareServer(count: number, processes: number): Promise<Run> {
  const server = startPeer('bare-server.ts', ['--count', String(count), '--backlog', String(DEFAULT_LISTEN_BACKLOG)]);
  const port = Number((await server.waitForLine(/^ready (\d+)/))[1]);
  const pid = server.child.pid ?? -1;
  await sleep(200);
  const rssBefore = memoryOf(pid).rss;
  const clients = new Clients(port, count, processes, 2);
  try {
    const started = await clients.started();
    const accepted = JSON.parse((await server.waitForLine(/^accepted (.*)$/, 120_000))[1]) as { last: number };
    await clients.connected();
    await sleep(500);
    return { rate: count / ((accepted.last - started) / 1000), rssBefore, rssHeld: memoryOf(pid).rss };
  } finally {
    await clients.close();
    server.child.stdin?.end();
    await server.stop();
  }
}

async function sockscope(ctx: BenchContext, count: number, processes: number): Promise<Run> {
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    await sleep(200);
    const rssBefore = memoryOf(host.pid).rss;
    const clients = new Clients(listener.local?.port ?? 0, count, processes, 2 + processes);
    try {
      const started = await clients.started();
      const accepted = (): SocketInfoLike[] => [...host.sockets.values()].filter((s) => s.parentId === listener.id);
      await host.waitFor(() => accepted().length >= count, `${count} accepted connections`, 120_000);
      const last = accepted().reduce((latest, s) => Math.max(latest, s.createdAt), 0);
      await clients.connected();
      await sleep(500);
      return { rate: count / ((last - started) / 1000), rssBefore, rssHeld: memoryOf(host.pid).rss };
    } finally {
      await clients.close();
    }
  } finally {
    await host.stop();
  }
}

interface SocketInfoLike {
  parentId?: string;
  createdAt: number;
}

export async function connections(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.smoke ? 500 : 19_000;
  const processes = ctx.smoke ? 1 : 4;
  const bare = await bareServer(count, processes);
  const ours = await sockscope(ctx, count, processes);
  ctx.log(
    `connections: bare ${perSecond(bare.rate, 'conn')} (${mb(bare.rssHeld)} held), sockscope ${perSecond(ours.rate, 'conn')} ` +
      `(${mb(ours.rssBefore)} → ${mb(ours.rssHeld)})`,
  );
  const ratio = ours.rate / bare.rate;
  const perConnection = (run: Run): number => (run.rssHeld - run.rssBefore) / count;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const n = count.toLocaleString('en');
  return [
    {
      benchmark: '3 Connections',
      measure: `accept rate, ${n} concurrent from ${processes} client processes (${CONCURRENCY} connecting at once, backlog ${DEFAULT_LISTEN_BACKLOG} for both)`,
      sockscope: perSecond(ours.rate, 'conn'),
      reference: `bare node:net ${perSecond(bare.rate, 'conn')}`,
      ratio,
      target: '≥ 0.7× bare',
      pass: ctx.smoke ? undefined : ratio >= 0.7,
    },
    {
      benchmark: '3 Connections',
      measure: `host memory per connection above idle, holding ${n} (RSS ${mb(ours.rssBefore)} → ${mb(ours.rssHeld)}; 1 M connections would take ~${((perConnection(ours) * 1e6) / 1e9).toFixed(1)} GB)`,
      sockscope: kib(perConnection(ours)),
      reference: `bare node:net ${kib(perConnection(bare))} per connection`,
      ratio: perConnection(ours) / perConnection(bare),
      target: '≤ 6 KiB per connection',
      pass: ctx.smoke ? undefined : perConnection(ours) <= 6 * 1024,
    },
  ];
}
