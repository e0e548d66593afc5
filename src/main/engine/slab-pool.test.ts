import { afterEach, describe, expect, it, vi } from 'vitest';
import { SocketLog, slabPool } from './log';
import { SlabPool } from './slab-pool';

afterEach(() => slabPool.trim());

describe('the slab pool', () => {
  it('hands back the slabs it was given, up to its bound, and only of its size', () => {
    const pool = new SlabPool(1024, 2, 60_000);
    const a = new Uint8Array(1024);
    const b = new Uint8Array(1024);
    pool.give(a);
    pool.give(new Uint8Array(512));
    pool.give(b);
    pool.give(new Uint8Array(1024));
    expect(pool.size).toBe(2);
    expect(pool.take()).toBe(b);
    expect(pool.take()).toBe(a);
    const fresh = pool.take();
    expect(fresh).not.toBe(a);
    expect(fresh.byteLength).toBe(1024);
    pool.trim();
  });

  it('empties itself after a quiet spell, so removed sockets give their memory back', async () => {
    const pool = new SlabPool(1024, 4, 20);
    pool.give(new Uint8Array(1024));
    pool.give(new Uint8Array(1024));
    expect(pool.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pool.size).toBe(0);
  });

  it('counts its quiet spell from the last slab given back', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const pool = new SlabPool(1024, 4, 10_000);
      pool.give(new Uint8Array(1024));
      vi.advanceTimersByTime(6000);
      pool.give(new Uint8Array(1024));
      vi.advanceTimersByTime(6000);
      expect(pool.size, 'quiet for 6 s of 10').toBe(2);
      vi.advanceTimersByTime(4000);
      expect(pool.size, 'quiet for 10 s').toBe(0);
      pool.give(new Uint8Array(1024));
      vi.advanceTimersByTime(10_000);
      expect(pool.size, 'a slab given after the pool emptied waits its own quiet spell').toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('logs sharing the pool', () => {
  const chunk = (fill: number): Uint8Array => new Uint8Array(64 * 1024).fill(fill);

  it('a disposed log’s slabs go to the next log, which shows only its own bytes', () => {
    slabPool.trim();
    const first = new SocketLog('first');
    for (let i = 0; i < 64; i++) first.appendData('in', chunk(0xaa));
    first.dispose();
    const pooled = slabPool.size;
    expect(pooled).toBeGreaterThan(0);
    expect(first.headInfo().bytes).toBe(0);

    const second = new SocketLog('second');
    for (let i = 0; i < 64; i++) second.appendData('in', chunk(0x55));
    expect(slabPool.size).toBeLessThan(pooled);
    const entries = second.read(0, 100);
    expect(entries).toHaveLength(64);
    for (const entry of entries) {
      expect(entry.dir === 'in' && entry.bytes.every((b) => b === 0x55)).toBe(true);
    }
  });

  it("a new log's first, smaller slabs come from those an older log gave back", () => {
    slabPool.trim();
    // 1 MB in 16 KiB reads fits in a new log's growing first slabs (4 KiB … 512 KiB).
    const fill = (log: SocketLog): void => {
      for (let i = 0; i < 64; i++) log.appendData('in', new Uint8Array(16 * 1024).fill(i));
    };
    const first = new SocketLog('first');
    fill(first);
    first.dispose();
    const pooled = slabPool.size;
    expect(pooled).toBeGreaterThanOrEqual(5);
    const allocatedBefore = slabPool.allocated;
    const second = new SocketLog('second');
    fill(second);
    expect(slabPool.size).toBe(0);
    expect(slabPool.allocated).toBe(allocatedBefore);
    const last = second.read(63, 1)[0];
    expect(last.dir === 'in' && last.bytes.length === 16 * 1024 && last.bytes.every((b) => b === 63)).toBe(true);
  });

  it('a log at its byte budget recycles its oldest slabs instead of allocating new ones', () => {
    slabPool.trim();
    const allocatedBefore = slabPool.allocated;
    const log = new SocketLog('bounded', { maxEntries: 10_000, maxBytes: 4 * 1024 * 1024 });
    for (let i = 0; i < 256; i++) log.appendData('in', chunk(i));
    // 16 MiB went through a 4 MiB log: about 4 MiB of standard slabs were ever made (5), and the
    // first, smaller ones a new log starts with (4 KiB … 512 KiB: 8 at most).
    expect(slabPool.allocated - allocatedBefore).toBeLessThanOrEqual(5 + 8);
    const newest = log.read(log.headInfo().nextSeq - 1, 1)[0];
    expect(newest.dir === 'in' && newest.bytes.every((b) => b === 255)).toBe(true);
    expect(log.headInfo().bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
