/**
 * 7. Macros: a repeated send of a payload with three macros (counter, time, CRC-16), evaluated by
 * the engine for every send, against the same repeat of a fixed payload of the same size.
 * Rounds alternate so load on the machine falls on both; judged on the median of the
 * round-by-round ratios, as every benchmark is.
 */
import type { BenchContext } from './lib/context';
import { startHost, type HostClient } from './lib/host';
import { startPeer } from './lib/proc';
import { pairedRatios, perSecond, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';

const MACRO_PAYLOAD = 'reading {{counter:n:1:1:8}} at {{time:HH:mm:ss.SSS}} value=0042 unit=degC crc=';
const MACRO_TAIL = '{{crc16-modbus}}\\n';
const ROUNDS = 5;

async function repeatRate(host: HostClient, count: number, withMacros: boolean): Promise<number> {
  const receiver = startPeer('bare-receiver.ts', ['--tcp']);
  const port = Number((await receiver.waitForLine(/^ready (\d+)/))[1]);
  const client = await host.invoke('tcp.connect', { host: '127.0.0.1', port });
  try {
    const text = `${MACRO_PAYLOAD}${MACRO_TAIL}`;
    // The fixed payload is what the macros give, so both repeats send as many bytes.
    const fixed = new TextEncoder().encode(`reading 00000001 at 12:00:00.000 value=0042 unit=degC crc=\x01\x02\n`);
    await host.invoke('send.repeat', { id: client.id, data: fixed, count, ...(withMacros ? { macros: { text } } : {}) });
    await host.waitFor(() => host.sockets.get(client.id)?.repeat?.state === 'finished', 'the repeat to finish', 120_000);
    // Timed by the engine, first send to last: the client hears of the end with the next event
    // batch, up to 100 ms later in a flood (batcher.ts), a tenth of a 1 s repeat.
    const { startedAt, endedAt } = host.sockets.get(client.id)?.repeat ?? {};
    if (startedAt === undefined || endedAt === undefined) throw new Error('the repeat did not say when it started and ended');
    return count / ((endedAt - startedAt) / 1000);
  } finally {
    await host.invoke('socket.remove', { id: client.id });
    await receiver.waitForLine(/^received /);
    await receiver.stop();
  }
}

export async function macros(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.smoke ? 2000 : 100_000;
  const host = await startHost(ctx.hostNodeArgs);
  const plain: number[] = [];
  const evaluated: number[] = [];
  try {
    // Unmeasured: the first sends of each kind pay for the JIT, not for the macros.
    await repeatRate(host, Math.ceil(count / 10), false);
    await repeatRate(host, Math.ceil(count / 10), true);
    for (let round = 0; round < (ctx.smoke ? 1 : ROUNDS); round++) {
      plain.push(await repeatRate(host, count, false));
      evaluated.push(await repeatRate(host, count, true));
      ctx.log(`macros round ${round + 1}: fixed ${Math.round(plain.at(-1) ?? 0)}/s, three macros ${Math.round(evaluated.at(-1) ?? 0)}/s`);
    }
  } finally {
    await host.stop();
  }
  const ratios = spreadOf(pairedRatios(evaluated, plain));
  const rate = (n: number): string => perSecond(n, 'sends');
  return [
    {
      benchmark: '7 Macros',
      measure: `repeat of ${count.toLocaleString('en-US')} sends with {{counter}}, {{time}}, {{crc16-modbus}}; ratio ${ratioSpread(ratios)}`,
      sockscope: valueSpread(spreadOf(evaluated), rate),
      reference: `same repeat, fixed payload: ${valueSpread(spreadOf(plain), rate)}`,
      ratio: ratios.median,
      target: '≥ 0.8× (median)',
      pass: ctx.smoke ? undefined : ratios.median >= 0.8,
    },
  ];
}
