import { describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import { createRangeCache } from './rangeCache';

interface Item {
  index: number;
}
interface Head {
  first: number;
  next: number;
}

/** A sequence [0, next) whose reads the test releases. */
function fakeSequence(next: number) {
  const reads: { from: number; count: number; release: () => void }[] = [];
  const read = (_id: string, from: number, count: number) =>
    new Promise<Result<{ head: Head; items: Item[] }>>((resolve) => {
      reads.push({
        from,
        count,
        release: () => {
          const start = from < 0 ? Math.max(0, next + from) : from;
          const items: Item[] = [];
          for (let index = start; index < Math.min(next, start + count); index++) items.push({ index });
          resolve({ ok: true, value: { head: { first: 0, next }, items } });
        },
      });
    });
  return { read, reads };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('range cache', () => {
  it('keeps at most maxItems beyond what is wanted, dropping the farthest from the view first and never the kept tail', async () => {
    const sequence = fakeSequence(1000);
    const cache = createRangeCache<Item, Head, Record<never, never>>(
      {
        read: sequence.read,
        indexOf: (item) => item.index,
        boundsOf: (head) => head,
        slot: 100,
        tail: 10,
        maxItems: 250,
        keep: (index, head) => index >= head.next - 10,
      },
      {},
    );
    cache.refresh('s');
    sequence.reads[0].release();
    await flush();
    expect(cache.get('s', 995)).toEqual({ index: 995 });
    for (const from of [0, 100, 200, 300]) {
      cache.ensure('s', from, from + 100);
      sequence.reads.at(-1)?.release();
      await flush();
    }
    // Reads of one slot each, never more than one a time; the oldest view (0..100) went first.
    expect(sequence.reads.slice(1).map((read) => [read.from, read.count])).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
      [300, 100],
    ]);
    // 410 held: the 160 farthest from 300..400 go, the tail stays.
    expect(cache.get('s', 0)).toBeUndefined();
    expect(cache.get('s', 159)).toBeUndefined();
    expect(cache.get('s', 160)).toEqual({ index: 160 });
    expect(cache.get('s', 350)).toEqual({ index: 350 });
    expect(cache.get('s', 999)).toEqual({ index: 999 });
  });

  it('reads a slot again for what was wanted while it was in flight, and not otherwise', async () => {
    const sequence = fakeSequence(1000);
    const cache = createRangeCache<Item, Head, Record<never, never>>(
      {
        read: sequence.read,
        indexOf: (item) => item.index,
        boundsOf: (head) => head,
        knownHead: () => ({ first: 0, next: 1000 }),
        slot: 100,
        maxItems: 1000,
      },
      {},
    );
    cache.ensure('s', 0, 10);
    cache.ensure('s', 0, 20);
    expect(sequence.reads.map((read) => [read.from, read.count])).toEqual([[0, 10]]);
    sequence.reads[0].release();
    await flush();
    expect(sequence.reads.map((read) => [read.from, read.count])).toEqual([
      [0, 10],
      [10, 10],
    ]);
    sequence.reads[1].release();
    await flush();
    expect(sequence.reads).toHaveLength(2);
    expect(cache.store.getState().versions).toEqual({ s: 2 });
  });
});
