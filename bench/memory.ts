/**
 * 4. Bounded memory: stream a lot more than the log budget into one connection of a fresh host
 * with the default log limits; the host's peak RSS (VmHWM) must stay within the budget plus a
 * fixed overhead.
 */
import { DEFAULT_LOG_LIMITS } from '../src/main/engine/log';
import { sendToSockscope } from './ingest';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { memoryOf, sleep } from './lib/proc';
import { mb, mbPerSec, type Row } from './lib/report';

const OVERHEAD_BYTES = 150e6;

export async function memory(ctx: BenchContext): Promise<Row[]> {
  const bytes = ctx.smoke ? 256 * 1024 * 1024 : 4 * 1024 ** 3;
  const budget = DEFAULT_LOG_LIMITS.maxBytes;
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
  ctx.log(`memory: idle host ${mb(idle)}, peak ${mb(peak)} while streaming at ${mbPerSec(rate)}`);
  const size = ctx.smoke ? '256 MiB' : '4 GiB';
  return [
    {
      benchmark: '4 Bounded memory',
      measure: `peak host RSS, ${size} into one connection at ${mbPerSec(rate)}`,
      sockscope: mb(peak),
      reference: `log budget ${mb(budget)}; idle host ${mb(idle)}`,
      ratio: peak / (budget + OVERHEAD_BYTES),
      target: `≤ budget + 150 MB (${mb(budget + OVERHEAD_BYTES)})`,
      pass: ctx.smoke ? undefined : peak <= budget + OVERHEAD_BYTES,
    },
  ];
}
