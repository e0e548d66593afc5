/** The loss toxic's burst model, driven directly: its long-run share and its bursts are statistics, not timings. */
import { describe, expect, it } from 'vitest';
import { createUdpStage } from './udp-toxics';

async function lossPattern(rate: number, correlation: number, count: number): Promise<boolean[]> {
  let hits = 0;
  const stage = createUdpStage(
    { name: 'loss', type: 'loss', stream: 'upstream', toxicity: 1, attributes: { rate, correlation } },
    { hit: () => hits++, close: () => undefined, reset: () => undefined },
  );
  const lost: boolean[] = [];
  for (let i = 0; i < count; i++) {
    let passed = false;
    await stage.data(new Uint8Array(1), 0, async () => {
      passed = true;
    });
    lost.push(!passed);
  }
  expect(hits).toBe(lost.filter(Boolean).length);
  return lost;
}

function meanBurst(lost: boolean[]): number {
  const bursts = lost.reduce<number[]>((runs, l, i) => (l ? (lost[i - 1] ? (runs[runs.length - 1]++, runs) : [...runs, 1]) : runs), []);
  return bursts.reduce((a, b) => a + b, 0) / bursts.length;
}

describe('loss toxic', () => {
  it('rate 1 loses all, rate 0 none, whatever the correlation', async () => {
    expect((await lossPattern(1, 0.7, 500)).every(Boolean)).toBe(true);
    expect((await lossPattern(0, 0.7, 500)).some(Boolean)).toBe(false);
  });

  it('correlation keeps the share lost at the rate but makes losses come in bursts', async () => {
    const independent = await lossPattern(0.3, 0, 20_000);
    const bursty = await lossPattern(0.3, 0.8, 20_000);
    for (const pattern of [independent, bursty]) expect(pattern.filter(Boolean).length / pattern.length).toBeCloseTo(0.3, 1);
    // Independent: mean burst 1/(1 − 0.3) ≈ 1.4; correlated: 1/((1 − 0.3)(1 − 0.8)) ≈ 7.
    expect(meanBurst(independent)).toBeLessThan(2);
    expect(meanBurst(bursty)).toBeGreaterThan(4);
  });
});
