/**
 * 4. Bounded memory, two ways, each in a fresh host:
 * - one log: a lot more than one log's limit (64 MiB by default) streamed into one connection;
 * - many logs, one budget: 2,000 connections each receiving 1 MB (2 GB in all) against the
 *   process-wide budget for all logs (512 MiB by default), the connections held open (their logs
 *   cannot simply be forgotten, as closed ones past a cap are).
 * The host's peak RSS (VmHWM) must stay within the limit plus a fixed overhead.
 */
import { DEFAULT_LOG_LIMITS } from '../src/main/engine/log';
import { DEFAULT_LOG_BUDGET_BYTES } from '../src/main/engine/log-budget';
import { sendToSockscope } from './ingest';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { memoryOf, sleep, startPeer } from './lib/proc';
import { mb, mbPerSec, type Row } from './lib/report';

const OVERHEAD_BYTES = 150e6;
const MiB = 1024 * 1024;

async function oneLog(ctx: BenchContext): Promise<Row> {
  const bytes = ctx.smoke ? 256 * MiB : 4 * 1024 ** 3;
  const limit = DEFAULT_LOG_LIMITS.maxBytes;
  const host = await startHost(ctx.hostNodeArgs);
  const { idle, peak, rate } = await (async () => {
    try {
      const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
      await sleep(200);
      const idleRss = memoryOf(host.pid).rss;
      // The engine forgets the connection at the end of the run, so the peak is read from VmHWM.
      const run = await sendToSockscope(host, listener.id, listener.local?.port ?? 0, bytes);
      return { idle: idleRss, peak: memoryOf(host.pid).peakRss, rate: run.bytes / run.secs };
    } finally {
      await host.stop();
    }
  })();
  ctx.log(`memory, one log: idle host ${mb(idle)}, peak ${mb(peak)} while streaming at ${mbPerSec(rate)}`);
  return {
    benchmark: '4 Bounded memory',
    measure: `one log: peak host RSS, ${ctx.smoke ? '256 MiB' : '4 GiB'} into one connection at ${mbPerSec(rate)}`,
    sockscope: mb(peak),
    reference: `one log's limit ${mb(limit)} (of the ${mb(DEFAULT_LOG_BUDGET_BYTES)} budget for all logs); idle host ${mb(idle)}`,
    ratio: peak / (limit + OVERHEAD_BYTES),
    target: `≤ one log's limit + 150 MB (${mb(limit + OVERHEAD_BYTES)})`,
    pass: ctx.smoke ? undefined : peak <= limit + OVERHEAD_BYTES,
  };
}

async function manyLogs(ctx: BenchContext): Promise<Row> {
  // Smoke: fewer, smaller connections into the smallest budget, so that it is still exceeded.
  const count = ctx.smoke ? 200 : 2000;
  const bytesEach = ctx.smoke ? 256 * 1024 : 1e6;
  const budget = ctx.smoke ? 16 * MiB : DEFAULT_LOG_BUDGET_BYTES;
  const host = await startHost(ctx.hostNodeArgs, ctx.smoke ? ['--log-budget', '16M'] : []);
  const { idle, peak, secs, dropped } = await (async () => {
    try {
      const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
      await sleep(200);
      const idleRss = memoryOf(host.pid).rss;
      const start = performance.now();
      const writers = startPeer('tcp-writers.ts', [
        '--port',
        String(listener.local?.port ?? 0),
        '--count',
        String(count),
        '--bytes',
        String(bytesEach),
      ]);
      try {
        const received = (): number => {
          let sum = 0;
          for (const socket of host.sockets.values()) if (socket.parentId === listener.id) sum += socket.bytesIn;
          return sum;
        };
        await host.waitFor(() => received() >= count * bytesEach, `${count} connections' bytes`, 300_000);
        const written = JSON.parse((await writers.waitForLine(/^written (.*)$/, 60_000))[1]) as { failed: number };
        if (written.failed > 0) throw new Error(`${written.failed} of ${count} connections failed`);
        const secs = (performance.now() - start) / 1000;
        const status = await host.invoke('logBudget.get', {});
        return { idle: idleRss, peak: memoryOf(host.pid).peakRss, secs, dropped: status.droppedEntries };
      } finally {
        writers.child.stdin?.end();
        await writers.exited;
      }
    } finally {
      await host.stop();
    }
  })();
  const total = count * bytesEach;
  ctx.log(
    `memory, many logs: idle host ${mb(idle)}, peak ${mb(peak)}, ${mb(total)} in ${secs.toFixed(1)} s, ${dropped} entries dropped by the budget`,
  );
  return {
    benchmark: '4 Bounded memory',
    measure:
      `many logs: peak host RSS, ${count.toLocaleString('en')} connections each receiving ${bytesEach >= 1e6 ? mb(bytesEach) : `${bytesEach / 1024} KiB`} (${mb(total)} at ${mbPerSec(total / secs)}), ` +
      `held open; the budget took ${dropped.toLocaleString('en')} entries`,
    sockscope: mb(peak),
    reference: `budget for all logs ${mb(budget)}; idle host ${mb(idle)}`,
    ratio: peak / (budget + OVERHEAD_BYTES),
    target: `≤ budget + 150 MB (${mb(budget + OVERHEAD_BYTES)})`,
    pass: ctx.smoke ? undefined : peak <= budget + OVERHEAD_BYTES,
  };
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  return [await oneLog(ctx), await manyLogs(ctx)];
}
