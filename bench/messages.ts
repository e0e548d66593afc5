/**
 * 2. Message rate: one million 64-byte messages over TCP and over UDP from the same sender, into
 * socat and into Sockscope (a listener / a bound UDP socket, with a subscribed client). UDP loss
 * is counted at the receiver and cross-checked with the kernel's drop count for its socket (the
 * per-socket side of RcvbufErrors, which other processes' traffic on the machine would pollute).
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costedSendToSockscope, sendToSocat } from './ingest';
import type { BenchContext } from './lib/context';
import { startHost, type HostClient } from './lib/host';
import { freePort, waitUntilBound } from './lib/net';
import { sleep, startPeer, startProcess, until } from './lib/proc';
import { APART } from './lib/placement';
import { interleavedRounds } from './lib/rounds';
import { median, pairedRatios, perSecond, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';
import { socketDrops } from './lib/udp-counters';
import { UDP_RECEIVE_BUFFER_BYTES } from '../src/main/engine/udp-socket';

const MESSAGE = 64;

interface UdpRun {
  sent: number;
  received: number;
  /** Datagrams received per second of sending. */
  rate: number;
  /** Dropped by the kernel for the receiving socket (its queue was full). */
  drops: number;
}

async function sendUdp(port: number, count: number): Promise<{ sent: number; secs: number }> {
  const sender = startPeer('udp-sender.ts', ['--port', String(port), '--count', String(count), '--size', String(MESSAGE)]);
  const done = await sender.waitForLine(/^done (.*)$/, 120_000);
  await sender.exited;
  return JSON.parse(done[1]) as { sent: number; secs: number };
}

/** Polls `read` until it stops changing for `quietMs` (the receiver has drained its queue). */
async function settled(read: () => number | Promise<number>, quietMs = 300): Promise<number> {
  let last = await read();
  let since = performance.now();
  for (let i = 0; i < 1000; i++) {
    await sleep(25);
    const now = await read();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) break;
  }
  return last;
}

async function udpToSocat(count: number): Promise<UdpRun> {
  const port = await freePort();
  const file = join(tmpdir(), `sockscope-bench-udp-${process.pid}-${port}.bin`);
  const socat = startProcess('socat', [
    '-u',
    '-b',
    '65536',
    `UDP4-RECV:${port},bind=127.0.0.1,rcvbuf=${UDP_RECEIVE_BUFFER_BYTES}`,
    `OPEN:${file},creat,trunc,wronly`,
  ]);
  try {
    await waitUntilBound(port, 'udp');
    const before = socketDrops(port) ?? 0;
    const { sent, secs } = await sendUdp(port, count);
    const bytes = await settled(() => statSync(file, { throwIfNoEntry: false })?.size ?? 0);
    const received = bytes / MESSAGE;
    return { sent, received, rate: received / secs, drops: (socketDrops(port) ?? 0) - before };
  } finally {
    await socat.stop();
    rmSync(file, { force: true });
  }
}

async function udpToBareNode(count: number): Promise<UdpRun> {
  const receiver = startPeer('bare-receiver.ts', ['--udp', '--rcvbuf', String(UDP_RECEIVE_BUFFER_BYTES)]);
  /** Its count now: asked for on stdin, answered with a new line. */
  const countNow = async (): Promise<number> => {
    const answered = receiver.lines.length;
    receiver.child.stdin?.write('count\n');
    await until(() => receiver.lines.length > answered, 'the bare receiver’s count', 5000);
    return Number(/^count (\d+)/.exec(receiver.lines[receiver.lines.length - 1])?.[1] ?? NaN);
  };
  try {
    const port = Number((await receiver.waitForLine(/^ready (\d+)/))[1]);
    const before = socketDrops(port) ?? 0;
    const { sent, secs } = await sendUdp(port, count);
    // Read to the end as Sockscope's count is: until it stops growing.
    const received = await settled(countNow);
    return { sent, received, rate: received / secs, drops: (socketDrops(port) ?? 0) - before };
  } finally {
    receiver.child.stdin?.end();
    await receiver.stop();
  }
}

async function udpToSockscope(host: HostClient, count: number): Promise<UdpRun & { entriesPerSec: number }> {
  const udp = await host.invoke('udp.bind', { host: '127.0.0.1', port: 0 });
  const port = udp.local?.port ?? 0;
  const entriesBefore = host.entriesSeen();
  const before = socketDrops(port) ?? 0;
  const { sent, secs } = await sendUdp(port, count);
  const received = await settled(() => host.sockets.get(udp.id)?.messagesIn ?? 0);
  const entries = host.entriesSeen() - entriesBefore;
  const drops = (socketDrops(port) ?? 0) - before;
  await host.invoke('socket.remove', { id: udp.id });
  return { sent, received, rate: received / secs, drops, entriesPerSec: entries / secs };
}

/** A TCP transfer of the messages; Sockscope's also says in how many log entries (reads) they came, and their CPU. */
interface TcpRun {
  secs: number;
  entries?: number;
  hostCpu?: number;
  clientCpu?: number;
  /** socat's: its CPU seconds and read calls (sendToSocat). */
  cpu?: number;
  reads?: number;
}

/** Microseconds of CPU per read (per log entry). */
const usPerRead = (cpuSecs: number | undefined, run: TcpRun): number => ((cpuSecs ?? NaN) * 1e6) / (run.entries ?? NaN);
/** socat's microseconds of CPU per read call. */
const socatUsPerRead = (run: TcpRun): number => ((run.cpu ?? NaN) * 1e6) / (run.reads ?? NaN);

const lossText = (run: UdpRun): string =>
  `${(((run.sent - run.received) / run.sent) * 100).toFixed(2)} % lost (kernel drops for the socket ${run.drops})`;

export async function messages(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.smoke ? 20_000 : 1_000_000;
  const warmUpCount = 100_000;
  const options = { rounds: ctx.smoke ? 1 : 5, warmUp: !ctx.smoke };
  const host = await startHost(ctx.hostNodeArgs);
  let tcpRuns: Record<'socat' | 'sockscope', TcpRun[]>;
  let udp: Record<'socat' | 'bare' | 'sockscope', (UdpRun & { entriesPerSec?: number })[]>;
  try {
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const first = (round: number): string => (round % 2 === 0 ? ' (Sockscope first)' : '');
    // TCP and UDP each in rounds of their own (lib/rounds.ts): every ratio pairs runs made seconds apart.
    tcpRuns = await interleavedRounds<'socat' | 'sockscope', TcpRun>(
      options,
      {
        socat: () => sendToSocat(count * MESSAGE, MESSAGE, APART),
        sockscope: () => costedSendToSockscope(host, listener.id, port, count * MESSAGE, MESSAGE, APART),
      },
      (round, { socat: s, sockscope: k }) =>
        ctx.log(
          `messages TCP round ${round}${first(round)}: socat ${perSecond(count / s.secs, 'msg')} in ${s.reads} reads (${socatUsPerRead(s).toFixed(1)} µs CPU each), sockscope ${perSecond(count / k.secs, 'msg')} in ${k.entries} entries ` +
            `(CPU per read: host ${usPerRead(k.hostCpu, k).toFixed(1)} µs, client ${usPerRead(k.clientCpu, k).toFixed(2)} µs)`,
        ),
      {
        socat: () => sendToSocat(warmUpCount * MESSAGE, MESSAGE, APART),
        sockscope: () => costedSendToSockscope(host, listener.id, port, warmUpCount * MESSAGE, MESSAGE, APART),
      },
    );
    udp = await interleavedRounds<'socat' | 'bare' | 'sockscope', UdpRun & { entriesPerSec?: number }>(
      options,
      { socat: () => udpToSocat(count), bare: () => udpToBareNode(count), sockscope: () => udpToSockscope(host, count) },
      (round, { socat: us, bare: ub, sockscope: uk }) =>
        ctx.log(
          `messages UDP round ${round}${first(round)}: socat ${perSecond(us.rate, 'msg')} (${lossText(us)}), node ${perSecond(ub.rate, 'msg')} (${lossText(ub)}), ` +
            `sockscope ${perSecond(uk.rate, 'msg')} (${lossText(uk)}), client shown ${perSecond(uk.entriesPerSec ?? NaN, 'entries')}`,
        ),
      { socat: () => udpToSocat(warmUpCount), bare: () => udpToBareNode(warmUpCount), sockscope: () => udpToSockscope(host, warmUpCount) },
    );
  } finally {
    await host.stop();
  }
  const tcp = {
    socat: tcpRuns.socat.map((r) => count / r.secs),
    sockscope: tcpRuns.sockscope.map((r) => count / r.secs),
    entries: tcpRuns.sockscope.map((r) => r.entries ?? NaN),
  };
  // Judged on medians of round-by-round ratios, as for ingest. Delivery is set against a bare
  // node:dgram receiver: what Node itself can take off the socket on this machine is the ceiling.
  const tcpRatios = spreadOf(pairedRatios(tcp.sockscope, tcp.socat));
  const udpRatios = spreadOf(
    pairedRatios(
      udp.sockscope.map((r) => r.rate),
      udp.socat.map((r) => r.rate),
    ),
  );
  const deliveryRatios = spreadOf(
    pairedRatios(
      udp.sockscope.map((r) => r.entriesPerSec ?? NaN),
      udp.bare.map((r) => r.rate),
    ),
  );
  const medianRun = <R extends UdpRun>(runs: R[]): R => [...runs].sort((a, b) => a.rate - b.rate)[Math.floor((runs.length - 1) / 2)];
  const us = medianRun(udp.socat);
  const uk = medianRun(udp.sockscope);
  const rate = (n: number): string => perSecond(n, 'msg');
  const n = ctx.smoke ? '20 k' : '1 M';
  return [
    {
      benchmark: '2 Messages',
      measure:
        `TCP, ${n} × 64 B writes, ${APART ? `sender on CPU ${APART.sender}, receiver on CPU ${APART.receiver}` : 'unpinned'} (~${Math.round(median(tcp.entries))} reads, one log entry each; CPU median per read: host ` +
        `${median(tcpRuns.sockscope.map((r) => usPerRead(r.hostCpu, r))).toFixed(1)} µs, subscribed client ` +
        `${median(tcpRuns.sockscope.map((r) => usPerRead(r.clientCpu, r))).toFixed(2)} µs; socat ~${Math.round(median(tcpRuns.socat.map((r) => r.reads ?? NaN)))} reads at ` +
        `${median(tcpRuns.socat.map(socatUsPerRead)).toFixed(1)} µs each); ratio ${ratioSpread(tcpRatios)}`,
      sockscope: valueSpread(spreadOf(tcp.sockscope), rate),
      reference: `socat ${valueSpread(spreadOf(tcp.socat), rate)}`,
      ratio: tcpRatios.median,
      target: '≥ 1.0× socat (median)',
      pass: ctx.smoke ? undefined : tcpRatios.median >= 1.0,
    },
    {
      benchmark: '2 Messages',
      measure: `UDP, ${n} × 64 B flat out; median round: Sockscope ${lossText(uk)}; ratio ${ratioSpread(udpRatios)}`,
      sockscope: valueSpread(spreadOf(udp.sockscope.map((r) => r.rate)), rate),
      reference: `socat ${rate(us.rate)} median (${lossText(us)})`,
      ratio: udpRatios.median,
      target: '≥ 0.5× socat (median)',
      pass: ctx.smoke ? undefined : udpRatios.median >= 0.5,
    },
    {
      benchmark: '2 Messages',
      measure: `UDP: log entries shown to a subscribed WebSocket client; ratio ${ratioSpread(deliveryRatios)}`,
      sockscope: valueSpread(spreadOf(udp.sockscope.map((r) => r.entriesPerSec ?? NaN)), rate),
      reference: `bare node:dgram receiver ${valueSpread(spreadOf(udp.bare.map((r) => r.rate)), rate)}`,
      ratio: deliveryRatios.median,
      target: '≥ 0.95× bare node (median)',
      pass: ctx.smoke ? undefined : deliveryRatios.median >= 0.95,
    },
  ];
}
