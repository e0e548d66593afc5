/**
 * 3. Connections: N concurrent TCP connections from client processes into one listener. Accept
 * rate against a bare node:net server fed by the same clients, and the memory each connection
 * costs the process that holds it. 19,000 is just under the 20,000 open files a process may
 * have on these machines, so the clients are spread over several processes (each holds its own
 * descriptors) and source addresses of their own (each has its own ephemeral ports). Rounds
 * alternate the bare server and Sockscope (the order reversed every other round); the accept rate
 * is judged on the median of the round-by-round ratios.
 */
import { loadavg } from 'node:os';
import { DEFAULT_LISTEN_BACKLOG } from '../src/main/engine/tcp-listener';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { listenCounters, listenCountersSince } from './lib/listen-counters';
import { cpuSecondsOf, mainThreadCpuSecondsOf, memoryOf, sleep, startPeer } from './lib/proc';
import { Clients, CONCURRENCY } from './lib/tcp-clients';
import { mb, pairedRatios, perSecond, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';

/**
 * Connections opened and closed before each measured wave, unmeasured, for both servers: as every
 * other benchmark does, a server is measured once its code is compiled, not while V8 compiles and
 * optimises its accept path on the same two cores (a host's helper threads spent ~11 µs of CPU per
 * accept cold and ~6 µs warm, in a burst of the same size).
 */
const WARM_UP = 2000;

interface Run {
  /** Connections accepted per second, from the client's start to the last accept. */
  rate: number;
  rssBefore: number;
  rssHeld: number;
  /**
   * CPU seconds the server process spent from the clients' start until it had accepted them all
   * (Sockscope: until its subscribed client was told): what each accept costs, whatever else runs
   * on the machine, where the rate also says how much of the CPU the server was given.
   */
  cpu: number;
  /**
   * The part of `cpu` on the server's main thread: what paces its accepts (Node accepts one
   * connection per event-loop turn). The rest is V8's helper threads, scavenging the young
   * generation in parallel above all, which compete with it for the cores.
   */
  mainCpu: number;
  /** What the kernel turned away during the round (listen-counters.ts), and how many connects that cost a retransmission. */
  kernel: string;
  slow: number;
}

/** Opens `count` connections from one client process, waits until the server has them (`accepted`), and closes them. */
async function warmUp(port: number, count: number, accepted: () => Promise<unknown>): Promise<void> {
  const clients = new Clients(port, count, 1);
  try {
    await clients.connected();
    await accepted();
  } finally {
    await clients.close();
  }
}

async function bareServer(count: number, processes: number, warmUpCount: number): Promise<Run> {
  const server = startPeer('bare-server.ts', [
    '--count',
    String(count),
    '--backlog',
    String(DEFAULT_LISTEN_BACKLOG),
    '--warm-up',
    String(warmUpCount),
  ]);
  const port = Number((await server.waitForLine(/^ready (\d+)/))[1]);
  const pid = server.child.pid ?? -1;
  if (warmUpCount > 0) await warmUp(port, warmUpCount, () => server.waitForLine(/^warmed/));
  await sleep(200);
  const rssBefore = memoryOf(pid).rss;
  const cpuBefore = cpuSecondsOf(pid);
  const mainBefore = mainThreadCpuSecondsOf(pid);
  const kernelBefore = listenCounters();
  const clients = new Clients(port, count, processes);
  try {
    const started = await clients.started();
    const accepted = JSON.parse((await server.waitForLine(/^accepted (.*)$/, 120_000))[1]) as { last: number };
    const cpu = cpuSecondsOf(pid) - cpuBefore;
    const mainCpu = mainThreadCpuSecondsOf(pid) - mainBefore;
    const kernel = listenCountersSince(kernelBefore);
    const slow = await clients.connected();
    await sleep(500);
    return { rate: count / ((accepted.last - started) / 1000), rssBefore, rssHeld: memoryOf(pid).rss, cpu, mainCpu, kernel, slow };
  } finally {
    await clients.close();
    server.child.stdin?.end();
    await server.stop();
  }
}

async function sockscope(ctx: BenchContext, count: number, processes: number, warmUpCount: number): Promise<Run> {
  const host = await startHost(ctx.hostNodeArgs);
  try {
    if (warmUpCount > 0) {
      // On a listener of its own, removed with its connections before the measured one opens.
      const warm = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
      const warmed = (): boolean => [...host.sockets.values()].filter((s) => s.parentId === warm.id).length >= warmUpCount;
      await warmUp(warm.local?.port ?? 0, warmUpCount, () => host.waitFor(warmed, `${warmUpCount} warm-up connections`, 60_000));
      await host.invoke('socket.remove', { id: warm.id });
    }
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    await sleep(200);
    const rssBefore = memoryOf(host.pid).rss;
    const cpuBefore = cpuSecondsOf(host.pid);
    const mainBefore = mainThreadCpuSecondsOf(host.pid);
    const kernelBefore = listenCounters();
    const clients = new Clients(listener.local?.port ?? 0, count, processes);
    try {
      const started = await clients.started();
      const accepted = (): SocketInfoLike[] => [...host.sockets.values()].filter((s) => s.parentId === listener.id);
      // The size first: a pass over every socket on each batch would be this process's work, on the cores the host shares.
      await host.waitFor(() => host.sockets.size > count && accepted().length >= count, `${count} accepted connections`, 120_000);
      const last = accepted().reduce((latest, s) => Math.max(latest, s.createdAt), 0);
      const cpu = cpuSecondsOf(host.pid) - cpuBefore;
      const mainCpu = mainThreadCpuSecondsOf(host.pid) - mainBefore;
      const kernel = listenCountersSince(kernelBefore);
      const slow = await clients.connected();
      await sleep(500);
      return { rate: count / ((last - started) / 1000), rssBefore, rssHeld: memoryOf(host.pid).rss, cpu, mainCpu, kernel, slow };
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
  // Seven: a round's rate is one of two speeds, ~1.2 s or ~2.1 s for the 19,000, by whether the
  // accept queue overflowed (every SYN then in flight waits a second). In four runs of three rounds
  // each server crossed that line in 3 of 12, Sockscope and bare node:net alike, so a median of
  // three missed whenever two rounds caught Sockscope alone (~1 run in 10; of seven, ~1 in 35).
  // A round costs ~8 s.
  const rounds = ctx.smoke ? 1 : 7;
  const warmUpCount = ctx.smoke ? 50 : WARM_UP;
  const bare: Run[] = [];
  const ours: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Taken in turn, the order reversed every other round, as lib/rounds.ts does.
    let b: Run | undefined;
    let k: Run | undefined;
    const runBare = async (): Promise<void> => void (b = await bareServer(count, processes, warmUpCount));
    const runOurs = async (): Promise<void> => void (k = await sockscope(ctx, count, processes, warmUpCount));
    for (const run of round % 2 === 1 ? [runBare, runOurs] : [runOurs, runBare]) await run();
    if (!b || !k) throw new Error('a round ran without both servers');
    bare.push(b);
    ours.push(k);
    const us = (run: Run): string =>
      `${((run.cpu / count) * 1e6).toFixed(0)} µs CPU each (main thread ${((run.mainCpu / count) * 1e6).toFixed(0)}), ${run.slow} connects ≥ 1 s; kernel: ${run.kernel}`;
    ctx.log(
      `connections round ${round} (load average ${loadavg()[0].toFixed(1)}): bare ${perSecond(b.rate, 'conn')}, ${us(b)} (${mb(b.rssHeld)} held), ` +
        `sockscope ${perSecond(k.rate, 'conn')}, ${us(k)} (${mb(k.rssBefore)} → ${mb(k.rssHeld)})`,
    );
  }
  const ratios = spreadOf(
    pairedRatios(
      ours.map((r) => r.rate),
      bare.map((r) => r.rate),
    ),
  );
  const perConnection = (run: Run): number => (run.rssHeld - run.rssBefore) / count;
  // Memory is judged on the median round too; its RSS figures are that round's.
  const memoryRound = (runs: Run[]): Run => [...runs].sort((a, b) => perConnection(a) - perConnection(b))[Math.floor(runs.length / 2)];
  const held = memoryRound(ours);
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const n = count.toLocaleString('en');
  const rate = (n: number): string => perSecond(n, 'conn');
  // What an accept costs the server whatever share of the cores it was given: on a loaded machine
  // the rates swing with the scheduler, this far less.
  const perAccept = (runs: Run[], of: (run: Run) => number): string => spreadOf(runs.map((r) => (of(r) / count) * 1e6)).median.toFixed(0);
  const cpuEach = (runs: Run[]): string => `${perAccept(runs, (r) => r.cpu)} µs (main thread ${perAccept(runs, (r) => r.mainCpu)})`;
  return [
    {
      benchmark: '3 Connections',
      measure:
        `accept rate, ${n} concurrent from ${processes} client processes (${CONCURRENCY} connecting at once, backlog ${DEFAULT_LISTEN_BACKLOG} for both, ` +
        `each server warmed by ${warmUpCount.toLocaleString('en')} connections first); ratio ${ratioSpread(ratios)}; ` +
        `CPU per accept, median: sockscope ${cpuEach(ours)}, bare ${cpuEach(bare)}`,
      sockscope: valueSpread(spreadOf(ours.map((r) => r.rate)), rate),
      reference: `bare node:net ${valueSpread(spreadOf(bare.map((r) => r.rate)), rate)}`,
      ratio: ratios.median,
      target: '≥ 0.7× bare (median)',
      pass: ctx.smoke ? undefined : ratios.median >= 0.7,
    },
    {
      benchmark: '3 Connections',
      measure: `host memory per connection above idle, holding ${n}, median round (RSS ${mb(held.rssBefore)} → ${mb(held.rssHeld)}; 1 M connections would take ~${((perConnection(held) * 1e6) / 1e9).toFixed(1)} GB)`,
      sockscope: kib(perConnection(held)),
      reference: `bare node:net ${kib(perConnection(memoryRound(bare)))} per connection`,
      ratio: perConnection(held) / perConnection(memoryRound(bare)),
      target: '≤ 6 KiB per connection',
      pass: ctx.smoke ? undefined : perConnection(held) <= 6 * 1024,
    },
  ];
}
