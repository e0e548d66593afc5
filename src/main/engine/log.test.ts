import { getHeapStatistics } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogEntry as LogEntrySchema } from '@shared/contract';
import { DEFAULT_LOG_LIMITS, SocketLog, copyBytes, now, resolveLogLimits } from './log';
import { DEFAULT_LOG_BUDGET_BYTES, logBudget } from './log-budget';

function bytes(n: number, fill = 1): Uint8Array<ArrayBuffer> {
  return new Uint8Array(n).fill(fill);
}

describe('SocketLog', () => {
  it('keeps the newest maxEntries and counts the dropped ones exactly', () => {
    const log = new SocketLog('tcp-1', { maxEntries: 5, maxBytes: 1000 });
    for (let i = 0; i < 12; i++) log.appendData('in', bytes(1, i));
    expect(log.headInfo()).toEqual({ id: 'tcp-1', firstSeq: 7, nextSeq: 12, dropped: 7, bytes: 5 });
    const entries = log.read(0, 100);
    expect(entries.map((e) => e.seq)).toEqual([7, 8, 9, 10, 11]);
    expect(entries.map((e) => (e.dir === 'in' ? e.bytes[0] : -1))).toEqual([7, 8, 9, 10, 11]);
  });

  it('keeps payload bytes within maxBytes, dropping the oldest', () => {
    const log = new SocketLog('udp-1', { maxEntries: 100, maxBytes: 10 });
    log.appendData('in', bytes(4));
    log.appendData('out', bytes(4));
    expect(log.headInfo()).toMatchObject({ bytes: 8, dropped: 0 });
    log.appendData('in', bytes(4));
    expect(log.headInfo()).toMatchObject({ firstSeq: 1, nextSeq: 3, bytes: 8, dropped: 1 });
    log.appendData('in', bytes(10));
    expect(log.headInfo()).toMatchObject({ firstSeq: 3, nextSeq: 4, bytes: 10, dropped: 3 });
  });

  it('events take an entry but no payload bytes', () => {
    const log = new SocketLog('tcp-1', { maxEntries: 100, maxBytes: 4 });
    log.appendData('in', bytes(4));
    log.appendEvent('peer-closed', 'Peer closed its sending side');
    log.appendEvent('error', 'Connection reset by peer', 'ECONNRESET');
    expect(log.headInfo()).toMatchObject({ firstSeq: 0, nextSeq: 3, bytes: 4, dropped: 0 });
    expect(log.read(1, 2)).toEqual([
      expect.objectContaining({ seq: 1, dir: 'event', event: 'peer-closed', message: 'Peer closed its sending side' }),
      expect.objectContaining({ seq: 2, dir: 'event', event: 'error', code: 'ECONNRESET' }),
    ]);
    expect('code' in log.read(1, 1)[0]).toBe(false);
  });

  it('drops a payload larger than maxBytes on arrival, and everything before it', () => {
    const log = new SocketLog('tcp-1', { maxEntries: 100, maxBytes: 10 });
    log.appendData('in', bytes(3));
    log.appendData('in', bytes(11));
    expect(log.headInfo()).toEqual({ id: 'tcp-1', firstSeq: 2, nextSeq: 2, dropped: 2, bytes: 0 });
    expect(log.read(0, 10)).toEqual([]);
    log.appendData('in', bytes(2));
    expect(log.read(0, 10).map((e) => e.seq)).toEqual([2]);
  });

  it('reads ranges: clamps to firstSeq, honours count, empty past the end', () => {
    const log = new SocketLog('tcp-1', { maxEntries: 4, maxBytes: 1000 });
    for (let i = 0; i < 6; i++) log.appendEvent('info', `e${i}`);
    expect(log.read(0, 2).map((e) => e.seq)).toEqual([2, 3]);
    expect(log.read(3, 2).map((e) => e.seq)).toEqual([3, 4]);
    expect(log.read(5, 10).map((e) => e.seq)).toEqual([5]);
    expect(log.read(6, 10)).toEqual([]);
    expect(log.read(100, 10)).toEqual([]);
    expect(log.read(2, 0)).toEqual([]);
  });

  it('clear: firstSeq jumps to nextSeq, seq numbers are never reused', () => {
    const log = new SocketLog('tcp-1', { maxEntries: 3, maxBytes: 1000 });
    for (let i = 0; i < 5; i++) log.appendData('in', bytes(2));
    // The drop count goes on across a clear; the head says what it was then, so that a window counts
    // only what fell out since (nothing the user has seen since the clear is missing).
    expect(log.clear()).toEqual({ id: 'tcp-1', firstSeq: 5, nextSeq: 5, dropped: 2, bytes: 0, cleared: { dropped: 2, budgetDropped: 0 } });
    expect(log.read(0, 10)).toEqual([]);
    log.appendEvent('info', 'after');
    expect(log.read(0, 10).map((e) => e.seq)).toEqual([5]);
    expect(log.headInfo()).toMatchObject({ firstSeq: 5, nextSeq: 6, dropped: 2, cleared: { dropped: 2 } });
    for (let i = 0; i < 3; i++) log.appendData('in', bytes(2));
    expect(log.headInfo()).toMatchObject({ dropped: 3, cleared: { dropped: 2 } });
  });

  it('stamps entries with epoch milliseconds that never go backwards', () => {
    const log = new SocketLog('tcp-1');
    const before = Date.now();
    for (let i = 0; i < 50; i++) log.appendEvent('info', 'tick');
    const times = log.read(0, 50).map((e) => e.time);
    expect(times[0]).toBeGreaterThanOrEqual(before - 5);
    expect(times[49]).toBeLessThanOrEqual(Date.now() + 5);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    // Bracketed by the wall clock: a busy machine may pause this test between any two calls.
    const wallBefore = Date.now();
    const stamp = now();
    const wallAfter = Date.now();
    expect(stamp).toBeGreaterThan(wallBefore - 50);
    expect(stamp).toBeLessThan(wallAfter + 50);
  });

  it('allocates nothing before its first entry, and little for a few notices', () => {
    // Heap growth per log, over enough logs that one collection during the loop cannot hide it
    // (a collection only lowers the figure: the logs themselves stay reachable).
    const perLog = (fill: (log: SocketLog) => void): number => {
      const logs: SocketLog[] = [];
      const before = getHeapStatistics().used_heap_size;
      for (let i = 0; i < 20_000; i++) {
        const log = new SocketLog(`con-${i}`);
        fill(log);
        logs.push(log);
      }
      const grown = getHeapStatistics().used_heap_size - before;
      expect(logs).toHaveLength(20_000);
      return grown / logs.length;
    };
    // ~200 B here: the SocketLog object and its id. Columns made up front (six arrays for 8
    // entries) took 1.3 KB more on every socket.
    expect(perLog(() => undefined)).toBeLessThan(350);
    const notices = perLog((log) => {
      log.appendEvent('accepted', 'Accepted from 127.0.0.1:50000 on 127.0.0.1:40000');
      log.appendEvent('info', 'Closing');
    });
    // ~900 B: columns for 4 entries in three arrays, and the two notices.
    expect(notices).toBeLessThan(1000);
    // An accepted connection's "Accepted from …" alone takes no columns: the notice and its text.
    const lone = perLog((log) => log.appendEvent('accepted', 'Accepted from 127.0.0.1:50000 on 127.0.0.1:40000'));
    expect(lone).toBeLessThan(notices - 300);
    const empty = new SocketLog('tcp-1');
    expect(empty.read(0, 10)).toEqual([]);
    expect(empty.peek(0)).toBeUndefined();
    expect(empty.charged).toBe(0);
  });

  it('holds a lone first notice without columns, and reads, peeks, bounds, evicts and clears it like any entry', () => {
    const lone = new SocketLog('con-1', { maxEntries: 2, maxBytes: 100 });
    lone.appendEvent('accepted', 'Accepted from 127.0.0.1:50000 on 127.0.0.1:40000');
    expect(lone.headInfo()).toMatchObject({ firstSeq: 0, nextSeq: 1, dropped: 0, bytes: 0 });
    expect(lone.oldestTime()).toBeGreaterThan(0);
    expect(lone.peek(0)).toEqual({ dir: 'event', message: 'Accepted from 127.0.0.1:50000 on 127.0.0.1:40000' });
    expect(lone.read(0, 10)).toMatchObject([{ seq: 0, dir: 'event', event: 'accepted' }]);
    // Not read yet: the next entries come after it, and the bound of two entries drops it first.
    const unread = new SocketLog('con-2', { maxEntries: 2, maxBytes: 100 });
    unread.appendEvent('accepted', 'first');
    unread.appendData('in', bytes(3));
    expect(unread.read(0, 10).map((e) => e.dir)).toEqual(['event', 'in']);
    unread.appendEvent('closed', 'third');
    expect(unread.read(0, 10).map((e) => e.seq)).toEqual([1, 2]);
    expect(unread.headInfo()).toMatchObject({ firstSeq: 1, nextSeq: 3, dropped: 1 });
    const evicted = new SocketLog('con-3');
    evicted.appendEvent('accepted', 'first');
    expect(evicted.evictAll()).toBe(1);
    expect(evicted.read(0, 10)).toEqual([]);
    const cleared = new SocketLog('con-4');
    cleared.appendEvent('accepted', 'first');
    expect(cleared.clear()).toMatchObject({ firstSeq: 1, nextSeq: 1 });
    cleared.appendEvent('info', 'after the clear');
    expect(cleared.read(0, 10)).toMatchObject([{ seq: 1, message: 'after the clear' }]);
  });

  it('says a lazy notice when read, from the socket it speaks of, whether held alone or in columns', () => {
    const about = { id: 'con-7', local: undefined, remote: { address: '127.0.0.1', port: 50000, family: 'IPv4' as const } };
    const notice = { event: 'accepted' as const, text: (s: typeof about) => `Accepted ${s.remote.port} as ${s.id}` };
    const told: string[] = [];
    const taps = { size: 1, data: () => undefined, event: (_o: unknown, entry: { message: string }) => told.push(entry.message) };
    const log = new SocketLog('tcp-1', DEFAULT_LOG_LIMITS, { budgetDropped: () => undefined }, taps);
    log.appendNotice(notice, about);
    expect(log.peek(0)).toEqual({ dir: 'event', message: 'Accepted 50000 as con-7' });
    log.appendNotice(notice, { ...about, id: 'con-8' });
    log.appendEvent('error', 'x', 'EPIPE');
    const entries = log.read(0, 10);
    expect(entries).toMatchObject([
      { seq: 0, dir: 'event', event: 'accepted', message: 'Accepted 50000 as con-7' },
      { seq: 1, dir: 'event', event: 'accepted', message: 'Accepted 50000 as con-8' },
      { seq: 2, dir: 'event', event: 'error', message: 'x', code: 'EPIPE' },
    ]);
    expect(entries[0]).not.toHaveProperty('code');
    for (const entry of entries) expect(LogEntrySchema.safeParse(entry).success).toBe(true);
    expect(told).toEqual(['Accepted 50000 as con-7', 'Accepted 50000 as con-8', 'x']);
  });

  it('a loss note reads back with the bytes it says were lost, held alone or in columns, and taps see it so', () => {
    const seen: unknown[] = [];
    const taps = { size: 1, data: () => undefined, event: (_o: unknown, entry: unknown) => seen.push(entry) };
    const log = new SocketLog('proxy-1', DEFAULT_LOG_LIMITS, { budgetDropped: () => undefined }, taps);
    log.appendLoss("timeout toxic 't' dropped 12 bytes to the server", { dir: 'out', bytes: 12 });
    expect(log.read(0, 1)[0]).toMatchObject({ seq: 0, event: 'info', lost: { dir: 'out', bytes: 12 } });
    log.appendData('in', bytes(3));
    log.appendLoss('4 bytes to the client not delivered: the connection closed first', { dir: 'in', bytes: 4 });
    const entries = log.read(0, 10);
    expect(entries.map((e) => (e.dir === 'event' ? e.lost : e.dir))).toEqual([{ dir: 'out', bytes: 12 }, 'in', { dir: 'in', bytes: 4 }]);
    expect(seen).toEqual([entries[0], entries[2]]);
    for (const entry of entries) expect(LogEntrySchema.safeParse(entry).success).toBe(true);
  });

  it('entries match the contract schema', () => {
    const log = new SocketLog('udp-1');
    log.appendData('in', bytes(3), { address: '::1', port: 5, family: 'IPv6' });
    log.appendEvent('error', 'x', 'EPIPE');
    for (const entry of log.read(0, 10)) expect(LogEntrySchema.safeParse(entry).success).toBe(true);
  });

  it('behaves like a simple bounded list for any sequence of appends, reads and clears', () => {
    type Op = { kind: 'data'; size: number } | { kind: 'event' } | { kind: 'clear' } | { kind: 'read'; from: number; count: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }).map((size) => ({ kind: 'data' as const, size })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'event' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
      {
        weight: 2,
        arbitrary: fc
          .record({ from: fc.integer({ min: 0, max: 400 }), count: fc.integer({ min: 0, max: 200 }) })
          .map((r) => ({ kind: 'read' as const, ...r })),
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(op, { maxLength: 400 }),
        (maxEntries, maxBytes, ops) => {
          const log = new SocketLog('m', { maxEntries, maxBytes });
          // The model: a plain array, dropping from the front with shift().
          let model: { seq: number; size: number }[] = [];
          let nextSeq = 0;
          let dropped = 0;
          let firstSeq = 0;
          let droppedAtClear: number | undefined;
          const modelBytes = (): number => model.reduce((n, e) => n + e.size, 0);
          for (const o of ops) {
            if (o.kind === 'data' || o.kind === 'event') {
              const size = o.kind === 'data' ? o.size : 0;
              if (o.kind === 'data') log.appendData('in', bytes(size, nextSeq % 256));
              else log.appendEvent('info', String(nextSeq));
              const seq = nextSeq++;
              if (size > maxBytes) {
                dropped += model.length + 1;
                model = [];
                firstSeq = nextSeq;
                continue;
              }
              model.push({ seq, size });
              while (model.length > maxEntries || modelBytes() > maxBytes) {
                model.shift();
                dropped++;
              }
              firstSeq = model.length > 0 ? model[0].seq : nextSeq;
            } else if (o.kind === 'clear') {
              log.clear();
              model = [];
              firstSeq = nextSeq;
              droppedAtClear = dropped;
            } else {
              const expected = model.filter((e) => e.seq >= o.from).slice(0, o.count);
              const actual = log.read(o.from, o.count);
              expect(actual.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
              for (const [i, entry] of actual.entries()) {
                if (entry.dir === 'event') expect(entry.message).toBe(String(entry.seq));
                else expect(entry.bytes.byteLength).toBe(expected[i].size);
              }
            }
            expect(log.headInfo()).toEqual({
              id: 'm',
              firstSeq,
              nextSeq,
              dropped,
              bytes: modelBytes(),
              ...(droppedAtClear ? { cleared: { dropped: droppedAtClear, budgetDropped: 0 } } : {}),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SocketLog payload storage', () => {
  it('returns the bytes as appended, across slabs that are filled, released and reused', () => {
    // 3 KiB budget, payloads up to 2 KiB: slabs fill, fall out and come back many times over.
    const log = new SocketLog('tcp-1', { maxEntries: 1000, maxBytes: 3 * 1024 });
    const appended = new Map<number, Uint8Array>();
    let seed = 7;
    for (let seq = 0; seq < 5000; seq++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const payload = new Uint8Array(seed % 2048).map((_, i) => (seq * 31 + i) % 256);
      appended.set(seq, payload.slice());
      log.appendData(seq % 2 ? 'in' : 'out', payload);
      payload.fill(0); // the caller reuses its buffer: the log kept its own copy
    }
    const head = log.headInfo();
    const held = log.read(head.firstSeq, 1000);
    expect(held.length).toBe(head.nextSeq - head.firstSeq);
    expect(held.reduce((n, e) => n + (e.dir === 'event' ? 0 : e.bytes.byteLength), 0)).toBe(head.bytes);
    for (const entry of held) {
      if (entry.dir === 'event') throw new Error('no events were appended');
      expect(entry.bytes).toEqual(appended.get(entry.seq));
      expect(entry.bytes.buffer.byteLength).toBe(entry.bytes.byteLength);
    }
  });

  it('hands out copies: later appends never change what a reader holds', () => {
    const log = new SocketLog('udp-1', { maxEntries: 2, maxBytes: 1000 });
    log.appendData('in', new Uint8Array([1, 2, 3]), { address: '127.0.0.1', port: 9, family: 'IPv4' });
    const [first] = log.read(0, 1);
    for (let i = 0; i < 100; i++) log.appendData('in', new Uint8Array([9, 9, 9]));
    expect(first).toMatchObject({ seq: 0, dir: 'in', peer: { address: '127.0.0.1', port: 9 } });
    expect(first.dir !== 'event' && [...first.bytes]).toEqual([1, 2, 3]);
  });
});

describe('SocketLog reads lent the slab being filled', () => {
  const READ = 64 * 1024;
  const MiB = 1024 * 1024;

  /** What the kernel does with a lent region: writes a read's bytes into it; the socket then logs that view. */
  function readInto(region: Uint8Array, length: number, fill: number): Uint8Array {
    const view = region.subarray(0, length).fill(fill % 256);
    view[length - 1] = (fill * 7) % 256;
    return view;
  }
  const same = (a: Uint8Array, b: Uint8Array | undefined): boolean => b !== undefined && Buffer.from(a).equals(b);

  it('logs a read where it landed, without a copy', () => {
    const log = new SocketLog('tcp-1');
    const region = log.lendForRead(READ, READ);
    if (!region) throw new Error('nothing lent');
    const seq = log.lastSeq + 1;
    log.appendData('in', readInto(region, 1000, 3));
    const entry = log.peek(seq);
    expect(entry?.dir !== 'event' && entry?.bytes.buffer).toBe(region.buffer);
    expect(entry?.dir !== 'event' && entry?.bytes.byteOffset).toBe(region.byteOffset);
    expect(log.read(seq, 1)[0]).toMatchObject({ dir: 'in', bytes: readInto(new Uint8Array(1000), 1000, 3) });
    log.dispose();
  });

  it('says which region is lent until its read lands, another is lent, it is taken back or the socket closes', () => {
    const log = new SocketLog('tcp-1');
    expect(log.lentRegion()).toBeUndefined();
    const region = log.lendForRead(READ, 4 * READ);
    if (!region) throw new Error('nothing lent');
    const sameMemory = (view: Uint8Array | undefined): boolean =>
      view !== undefined && view.buffer === region.buffer && view.byteOffset === region.byteOffset && view.byteLength === region.byteLength;
    expect(sameMemory(log.lentRegion())).toBe(true);
    log.appendData('in', readInto(region, READ, 1));
    expect(log.lentRegion(), 'its read landed').toBeUndefined();
    const next = log.lendForRead(READ, READ);
    expect(next && log.lentRegion()?.byteOffset).toBe(next?.byteOffset);
    log.appendData('out', bytes(10));
    expect(log.lentRegion()?.byteOffset, 'a send between leaves the loan').toBe(next?.byteOffset);
    log.loanTakenBack();
    expect(log.lentRegion(), 'taken back').toBeUndefined();
    log.lendForRead(READ, READ);
    log.markClosed();
    expect(log.lentRegion(), 'closed').toBeUndefined();
    log.dispose();
  });

  it('keeps what it holds intact whatever comes between a loan and its read: sends, notices, clears, eviction, another log on the same pool', () => {
    let lentReads = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            // Up to what the socket is lent: from one shared buffer's worth to four (read-buffer.ts).
            { arbitrary: fc.record({ op: fc.constant('read' as const), length: fc.integer({ min: 1, max: 4 * READ }) }), weight: 8 },
            { arbitrary: fc.record({ op: fc.constant('send' as const), length: fc.integer({ min: 0, max: 2 * READ }) }), weight: 3 },
            { arbitrary: fc.record({ op: fc.constant('notice' as const) }), weight: 1 },
            { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
            { arbitrary: fc.record({ op: fc.constant('evict' as const) }), weight: 1 },
            // Sizes the pool keeps (powers of two): the other log takes back slabs this one gave up.
            { arbitrary: fc.record({ op: fc.constant('other' as const), length: fc.constantFrom(READ, 2 * READ, 4 * READ) }), weight: 3 },
          ),
          { minLength: 1, maxLength: 60 },
        ),
        (steps) => {
          // Small bounds: slabs fill, fall out, go back to the pool and are taken again by either log.
          const log = new SocketLog('tcp-1', { maxEntries: 40, maxBytes: 1024 * 1024 });
          const other = new SocketLog('tcp-2', { maxEntries: 40, maxBytes: 512 * 1024 });
          const expected = new Map<SocketLog, Map<number, Uint8Array>>([
            [log, new Map()],
            [other, new Map()],
          ]);
          const append = (target: SocketLog, dir: 'in' | 'out', bytes: Uint8Array): void => {
            expected.get(target)?.set(target.lastSeq + 1, bytes.slice());
            target.appendData(dir, bytes);
          };
          // What the socket's next read goes into: a lent region, or (none lent) a buffer of its own.
          let lent = log.lendForRead(READ, 4 * READ);
          let region = lent ?? new Uint8Array(READ);
          let fill = 0;
          for (const step of steps) {
            fill++;
            if (step.op === 'read') {
              if (lent) lentReads++;
              append(log, 'in', readInto(region, Math.min(step.length, region.byteLength), fill));
              lent = log.lendForRead(READ, 4 * READ);
              region = lent ?? new Uint8Array(READ);
            } else if (step.op === 'send') append(log, 'out', new Uint8Array(step.length).fill(fill));
            else if (step.op === 'other') append(other, 'in', new Uint8Array(step.length).fill(fill));
            else if (step.op === 'notice') log.appendEvent('info', `notice ${fill}`);
            else if (step.op === 'evict') log.evictOldest();
            else log.clear();
          }
          // A read that comes after everything else may still write into its region: nothing held may change.
          readInto(region, region.byteLength, 7);
          for (const [target, appended] of expected) {
            const head = target.headInfo();
            for (const entry of target.read(head.firstSeq, 100)) {
              if (entry.dir !== 'event') expect(same(entry.bytes, appended.get(entry.seq)), `${target.id} entry ${entry.seq}`).toBe(true);
            }
          }
          log.dispose();
          other.dispose();
          expect(log.charged + other.charged, 'every charge given back').toBe(0);
        },
      ),
      { numRuns: 150 },
    );
    // Most reads were lent a region (the property would hold trivially otherwise).
    expect(lentReads).toBeGreaterThan(200);
  });

  it('keeps a lent slab charged to the budget, and out of the pool, until its read comes; the budget takes from other logs meanwhile', () => {
    logBudget.setLimit(16 * MiB);
    try {
      const lender = new SocketLog('tcp-1');
      // A slab of its own, lent: everything in it is then evicted (the log is the oldest).
      for (let i = 0; i < 4; i++) lender.appendData('in', bytes(READ, i));
      const region = lender.lendForRead(READ, READ);
      if (!region) throw new Error('nothing lent');
      const slabBytes = region.buffer.byteLength;
      expect(lender.evictOldest()).toBeGreaterThan(0);
      expect(lender.evictAll()).toBeGreaterThanOrEqual(0);
      expect(lender.headInfo()).toMatchObject({ bytes: 0 });
      expect(lender.charged, 'still charged').toBeGreaterThanOrEqual(slabBytes);
      // Others fill the budget: it takes from them (the lent slab cannot go), and stays within its limit.
      const others = Array.from({ length: 20 }, (_, i) => new SocketLog(`tcp-${i + 2}`));
      for (let round = 0; round < 16; round++) for (const other of others) other.appendData('in', bytes(READ, round));
      expect(logBudget.status().usedBytes).toBeLessThanOrEqual(16 * MiB);
      // Whatever others took from the pool, the read lands intact, and is kept.
      const seq = lender.lastSeq + 1;
      lender.appendData('in', readInto(region, READ, 9));
      expect(lender.read(seq, 1)[0]).toMatchObject({ dir: 'in', bytes: readInto(new Uint8Array(READ), READ, 9) });
      for (const log of [lender, ...others]) {
        log.dispose();
        expect(log.charged, 'every charge given back').toBe(0);
      }
    } finally {
      logBudget.setLimit(DEFAULT_LOG_BUDGET_BYTES);
    }
  });

  it('never hands a slab lent to a read to another log, even once the lending log is gone', () => {
    const lender = new SocketLog('tcp-1');
    for (let i = 0; i < 8; i++) lender.appendData('in', bytes(READ, i));
    const region = lender.lendForRead(READ, 4 * READ);
    if (!region) throw new Error('nothing lent');
    lender.dispose();
    expect(lender.charged).toBe(0);
    // Another log takes slabs of every size from the pool; then the read comes after all.
    const other = new SocketLog('tcp-2');
    for (let size = 4096; size <= 1024 * 1024; size *= 2) for (let i = 0; i < 4; i++) other.appendData('in', bytes(size, 5));
    readInto(region, region.byteLength, 9);
    const held = other.read(0, 1000);
    expect(held.length).toBeGreaterThan(0);
    for (const entry of held) expect(entry.dir !== 'event' && entry.bytes.every((b) => b === 5)).toBe(true);
    other.dispose();
  });

  it('lends at most a quarter of the budget, and a closed socket’s loan ends', () => {
    logBudget.setLimit(16 * MiB);
    try {
      const logs = Array.from({ length: 64 }, (_, i) => new SocketLog(`tcp-${i}`));
      // Each streams a while (its slabs grow to 1 MiB), then is lent the next read's memory.
      for (const log of logs) for (let i = 0; i < 16; i++) log.appendData('in', bytes(READ, i));
      const lent = logs.map((log) => log.lendForRead(READ, READ));
      const lentBytes = lent.reduce((sum, region) => sum + (region?.buffer.byteLength ?? 0), 0);
      expect(lent.some((region) => region === undefined)).toBe(true);
      expect(lentBytes).toBeLessThanOrEqual(4 * MiB);
      // Closed: the socket reads no more, so its loan ends and another log may be lent.
      const borrower = logs.findIndex((_, i) => lent[i] !== undefined);
      const refused = logs.findIndex((_, i) => lent[i] === undefined);
      expect(logs[refused].lendForRead(READ, READ)).toBeUndefined();
      logs[borrower].markClosed();
      expect(logs[refused].lendForRead(READ, READ)).toBeDefined();
      for (const log of logs) {
        log.dispose();
        expect(log.charged, 'every charge given back').toBe(0);
      }
    } finally {
      logBudget.setLimit(DEFAULT_LOG_BUDGET_BYTES);
    }
  });
});

describe('stored bytes', () => {
  it('copyBytes always copies, even from a Buffer', () => {
    const source = Buffer.alloc(3, 1);
    const copy = copyBytes(source);
    source.fill(9);
    expect(Buffer.isBuffer(copy)).toBe(false);
    expect([...copy]).toEqual([1, 1, 1]);
  });
});

describe('resolveLogLimits', () => {
  it('fills in the defaults (200 000 entries, 64 MiB)', () => {
    expect(DEFAULT_LOG_LIMITS).toEqual({ maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 });
    expect(resolveLogLimits({ maxEntries: 10 })).toEqual({ maxEntries: 10, maxBytes: 64 * 1024 * 1024 });
  });

  it('rejects limits that cannot work', () => {
    expect(() => resolveLogLimits({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => resolveLogLimits({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => resolveLogLimits({ maxBytes: -1 })).toThrow(RangeError);
  });
});

describe('SocketLog byte totals', () => {
  it('count each way exactly the payload before firstSeq: dropped, refused on arrival, and cleared', () => {
    const log = new SocketLog('t', { maxEntries: 3, maxBytes: 100 });
    log.appendData('in', new Uint8Array(10));
    log.appendData('out', new Uint8Array(20));
    log.appendEvent('info', 'x');
    log.appendData('in', new Uint8Array(30)); // drops the first (10 in)
    expect(log.droppedBytes()).toEqual({ in: 10, out: 0 });
    log.appendData('out', new Uint8Array(101)); // never fits: everything goes, and it too
    expect(log.droppedBytes()).toEqual({ in: 40, out: 121 });
    expect(log.heldBytes()).toEqual({ in: 0, out: 0 });
    log.appendData('in', new Uint8Array(5));
    expect(log.heldBytes()).toEqual({ in: 5, out: 0 });
    expect(log.lastSeq).toBe(log.headInfo().nextSeq - 1);
    log.clear();
    expect(log.droppedBytes()).toEqual({ in: 45, out: 121 });
  });
});
