/**
 * The TCP 64 B benchmark's writes (bench/messages.ts) with the writer and the receiver pinned to
 * CPUs (taskset): on the same CPU, then on two. Where the scheduler happens to place the two
 * processes decides the rate more than which receiver it is. Measured on this 2-core machine
 * (load average 2.5-4, 1 M × 64 B): sharing a CPU, socat and a bare Node receiver both took the
 * writes at ~370 k msg/s (the receiver runs when the writer is preempted: ~700 B a read); on two
 * CPUs both at ~200 k msg/s (the receiver waits in its poll and is woken by nearly every 64 B
 * segment: ~90 B a read). An unpinned run lands in either, or between, and a round's ratio pairs
 * whichever each side met; under heavier load the two placements blur. Rounds interleave the
 * receivers, so that the machine's load falls on each alike.
 *
 *   npx electron-vite build && flock /tmp/bench.lock npx tsx bench/tools/tcp-placement.ts [--count=1000000] [--rounds=2]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startHost, type HostClient } from '../lib/host';
import { freePort, waitUntilBound } from '../lib/net';
import { moveProcess, onCpu } from '../lib/placement';
import { cpuSecondsOf, startPeer, startProcess, type Peer } from '../lib/proc';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '2' } } });
const count = Number(values.count);
const MESSAGE = 64;

const pinned = (cpu: number, command: string, args: string[]): Peer => startProcess(...onCpu(cpu, command, args));
const peer = (cpu: number, script: string, args: string[]): Peer => startPeer(script, args, [], cpu);

interface Run {
  secs: number;
  /** Sockscope's: CPU seconds the host used, and its reads (socat and a bare receiver exit as their peer closes, before they could be asked). */
  cpu?: number;
  reads?: number;
}

/** Sends the messages from `cpu` and waits for the writer's figure (connected to the receiver's close). */
async function send(cpu: number, port: number): Promise<number> {
  const sender = peer(cpu, 'tcp-sender.ts', ['--port', String(port), '--bytes', String(count * MESSAGE), '--chunk', String(MESSAGE)]);
  const done = await sender.waitForLine(/^done (.*)$/, 180_000);
  await sender.exited;
  return (JSON.parse(done[1]) as { secs: number }).secs;
}

async function toSocat(receiverCpu: number, senderCpu: number): Promise<Run> {
  const port = await freePort();
  const socat = pinned(receiverCpu, 'socat', ['-u', '-b', '65536', `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'OPEN:/dev/null,wronly']);
  try {
    await waitUntilBound(port, 'tcp');
    return { secs: await send(senderCpu, port) };
  } finally {
    await socat.stop();
  }
}

async function toNode(receiverCpu: number, senderCpu: number): Promise<Run> {
  const receiver = peer(receiverCpu, 'bare-receiver.ts', ['--tcp']);
  try {
    const port = Number((await receiver.waitForLine(/^ready (\d+)/))[1]);
    return { secs: await send(senderCpu, port) };
  } finally {
    await receiver.stop();
  }
}

async function toSockscope(host: HostClient, listenerId: string, port: number, receiverCpu: number, senderCpu: number): Promise<Run> {
  // Every thread of the host (its collector's helpers too) on the receiver's CPU.
  moveProcess(host.pid, receiverCpu);
  const known = new Set(host.sockets.keys());
  const entries = host.entriesSeen();
  const before = cpuSecondsOf(host.pid);
  const secs = await send(senderCpu, port);
  const connection = [...host.sockets.values()].find((s) => s.parentId === listenerId && !known.has(s.id));
  await host.waitFor(() => (host.sockets.get(connection?.id ?? '')?.bytesIn ?? 0) >= count * MESSAGE, 'every byte', 30_000);
  const run = { secs, cpu: cpuSecondsOf(host.pid) - before, reads: host.entriesSeen() - entries };
  if (connection) await host.invoke('socket.remove', { id: connection.id });
  return run;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(`load average ${load()}`);
  const host = await startHost();
  try {
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const receivers: Record<string, (receiverCpu: number, senderCpu: number) => Promise<Run>> = {
      socat: toSocat,
      node: toNode,
      sockscope: (r, s) => toSockscope(host, listener.id, port, r, s),
    };
    const placements = { 'same CPU': [0, 0], 'two CPUs': [0, 1] } as const;
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const [placement, [receiverCpu, senderCpu]] of Object.entries(placements)) {
        const names = Object.keys(receivers);
        const line: string[] = [];
        for (const name of round % 2 === 1 ? names : names.reverse()) {
          const run = await receivers[name](receiverCpu, senderCpu);
          const cost = run.cpu === undefined ? '' : ` (${run.reads} reads, host CPU ${run.cpu.toFixed(2)} s)`;
          line.push(`${name} ${(count / run.secs / 1e3).toFixed(0)} k msg/s${cost}`);
        }
        console.log(`round ${round}, ${placement}: ${line.join('; ')}`);
      }
    }
  } finally {
    await host.stop();
  }
  console.log(`load average ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
