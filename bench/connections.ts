/**
 * 3. Connections: N concurrent TCP connections from a client process into one listener. Accept
 * rate against a bare node:net server fed by the same client, and the memory each connection
 * costs the process that holds it.
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

function startClients(port: number, count: number): ReturnType<typeof startPeer> {
  return startPeer('tcp-clients.ts', ['--port', String(port), '--count', String(count), '--concurrency', String(CONCURRENCY)]);
}

async function bareServer(count: number): Promise<Run> {
  const server = startPeer('bare-server.ts', ['--count', String(count), '--backlog', String(DEFAULT_LISTEN_BACKLOG)]);
  const port = Number((await server.waitForLine(/^ready (\d+)/))[1]);
  const pid = server.child.pid ?? -1;
  await sleep(200);
  const rssBefore = memoryOf(pid).rss;
  const clients = startClients(port, count);
  try {
    const started = Number((await clients.waitForLine(/^started (\S+)/))[1]);
    const accepted = JSON.parse((await server.waitForLine(/^accepted (.*)$/, 60_000))[1]) as { last: number };
    await clients.waitForLine(/^connected /, 60_000);
    await sleep(500);
    return { rate: count / ((accepted.last - started) / 1000), rssBefore, rssHeld: memoryOf(pid).rss };
  } finally {
    clients.child.stdin?.end();
    await clients.exited;
    server.child.stdin?.end();
    await server.stop();
  }
}

async function sockscope(ctx: BenchContext, count: number): Promise<Run> {
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    await sleep(200);
    const rssBefore = memoryOf(host.pid).rss;
    const clients = startClients(listener.local?.port ?? 0, count);
    try {
      const started = Number((await clients.waitForLine(/^started (\S+)/))[1]);
      const accepted = (): SocketInfoLike[] => [...host.sockets.values()].filter((s) => s.parentId === listener.id);
      await host.waitFor(() => accepted().length >= count, `${count} accepted connections`, 60_000);
      const last = Math.max(...accepted().map((s) => s.createdAt));
      await clients.waitForLine(/^connected /, 60_000);
      await sleep(500);
      return { rate: count / ((last - started) / 1000), rssBefore, rssHeld: memoryOf(host.pid).rss };
    } finally {
      clients.child.stdin?.end();
      await clients.exited;
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
  const count = ctx.smoke ? 500 : 10_000;
  const bare = await bareServer(count);
  const ours = await sockscope(ctx, count);
  ctx.log(
    `connections: bare ${perSecond(bare.rate, 'conn')} (${mb(bare.rssHeld)} held), sockscope ${perSecond(ours.rate, 'conn')} ` +
      `(${mb(ours.rssBefore)} → ${mb(ours.rssHeld)})`,
  );
  const ratio = ours.rate / bare.rate;
  const perConnection = (run: Run): number => (run.rssHeld - run.rssBefore) / count;
  const n = ctx.smoke ? '500' : '10,000';
  return [
    {
      benchmark: '3 Connections',
      measure: `accept rate, ${n} concurrent (${CONCURRENCY} connecting at once, backlog ${DEFAULT_LISTEN_BACKLOG} for both)`,
      sockscope: perSecond(ours.rate, 'conn'),
      reference: `bare node:net ${perSecond(bare.rate, 'conn')}`,
      ratio,
      target: '≥ 0.5× bare',
      pass: ctx.smoke ? undefined : ratio >= 0.5,
    },
    {
      benchmark: '3 Connections',
      measure: `host RSS holding ${n} (${(perConnection(ours) / 1024).toFixed(1)} KiB per connection)`,
      sockscope: mb(ours.rssHeld),
      reference: `bare node:net ${mb(bare.rssHeld)} (${(perConnection(bare) / 1024).toFixed(1)} KiB per connection)`,
      ratio: ours.rssHeld / bare.rssHeld,
      target: '< 200 MB',
      pass: ctx.smoke ? undefined : ours.rssHeld < 200e6,
    },
  ];
}
