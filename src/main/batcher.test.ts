import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch, LogHead, SocketInfo, SocketKind, SocketStats } from '@shared/contract';
import { statsOf } from '@shared/socket-stats';
import { EventBatcher, EventCoalescer, type BatcherOptions } from './batcher';
import type { Announced } from './engine/announcements';

const socket = (id: string, bytesIn: number): SocketInfo => ({
  id,
  kind: 'tcp-client',
  state: 'open',
  bytesIn,
  bytesOut: 0,
  messagesIn: bytesIn,
  messagesOut: 0,
  queuedBytes: 0,
  createdAt: 0,
});

describe('EventBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('coalesces updates per socket and per log into one batch per interval', () => {
    vi.useFakeTimers();
    const batcher = new EventBatcher({ intervalMs: 30 });
    const batches: EventBatch[] = [];
    batcher.subscribe((b) => batches.push(b));
    for (let i = 1; i <= 1000; i++) {
      batcher.push({ type: 'socket.upsert', socket: socket('a', i) });
      batcher.push({ type: 'log.head', head: { id: 'a', firstSeq: 0, nextSeq: i, dropped: 0, bytes: i } });
    }
    batcher.push({ type: 'socket.upsert', socket: socket('b', 1) });
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(30);
    expect(batches).toHaveLength(1);
    expect(batches[0].rev).toBe(1);
    expect(batches[0].events).toHaveLength(3);
    const a = batches[0].events.find((e) => e.type === 'socket.upsert' && e.socket.id === 'a');
    expect(a?.type === 'socket.upsert' && a.socket.bytesIn).toBe(1000);
    expect(batcher.rev).toBe(1);
  });

  it('keeps every error and drops the log head of a removed socket', () => {
    const batcher = new EventBatcher({ intervalMs: 1000 });
    const batches: EventBatch[] = [];
    batcher.subscribe((b) => batches.push(b));
    const error = { code: 'ECONNRESET', message: 'Connection reset by peer' };
    batcher.push({ type: 'engine.error', id: 'a', error, time: 1 });
    batcher.push({ type: 'engine.error', id: 'a', error, time: 2 });
    batcher.push({ type: 'log.head', head: { id: 'a', firstSeq: 0, nextSeq: 3, dropped: 0, bytes: 3 } });
    batcher.push({ type: 'socket.removed', id: 'a' });
    batcher.flush();
    expect(batches[0].events.map((e) => e.type)).toEqual(['engine.error', 'engine.error', 'socket.removed']);
    batcher.dispose();
  });

  it('keeps a removal after an earlier error about the same socket', () => {
    const coalescer = new EventCoalescer();
    coalescer.add({ type: 'socket.upsert', socket: socket('a', 1) });
    coalescer.add({ type: 'socket.upsert', socket: socket('b', 1) });
    coalescer.add({ type: 'engine.error', id: 'a', error: { code: 'ECONNRESET', message: 'reset' }, time: 1 });
    coalescer.add({ type: 'log.head', head: { id: 'a', firstSeq: 0, nextSeq: 1, dropped: 0, bytes: 1 } });
    coalescer.add({ type: 'socket.removed', id: 'a' });
    const order = coalescer
      .take()
      .map((event) => `${event.type}:${'id' in event ? event.id : event.type === 'socket.upsert' ? event.socket.id : ''}`);
    expect(order).toEqual(['socket.upsert:b', 'engine.error:a', 'socket.removed:a']);
  });

  it('folds counters into a pending upsert, lets an upsert replace counters, and drops counters of a removed socket', () => {
    const coalescer = new EventCoalescer();
    const stats = (id: string, bytesIn: number) => ({ id, bytesIn, bytesOut: 0, messagesIn: bytesIn, messagesOut: 0, queuedBytes: 0 });
    coalescer.add({ type: 'socket.upsert', socket: { ...socket('a', 1), framing: { mode: 'raw' } } });
    coalescer.add({ type: 'socket.stats', stats: stats('a', 5) });
    coalescer.add({ type: 'socket.stats', stats: stats('b', 1) });
    coalescer.add({ type: 'socket.stats', stats: stats('b', 7) });
    coalescer.add({ type: 'socket.stats', stats: stats('c', 1) });
    coalescer.add({ type: 'socket.upsert', socket: socket('c', 2) });
    coalescer.add({ type: 'socket.removed', id: 'd' });
    coalescer.add({ type: 'socket.stats', stats: stats('d', 1) });
    expect(coalescer.take()).toEqual([
      { type: 'socket.upsert', socket: { ...socket('a', 5), framing: { mode: 'raw' } } },
      { type: 'socket.stats', stats: stats('b', 7) },
      { type: 'socket.upsert', socket: socket('c', 2) },
      { type: 'socket.removed', id: 'd' },
    ]);
  });

  it('spaces batches out during a sustained flood, and is quick again after a pause', () => {
    vi.useFakeTimers();
    const batcher = new EventBatcher({ intervalMs: 30, busyIntervalMs: 100, busyAfter: 5, now: () => Date.now() });
    const flushedAt: number[] = [];
    batcher.subscribe(() => flushedAt.push(Date.now()));
    const start = Date.now();
    // A datagram every millisecond for two seconds.
    for (let i = 1; i <= 2000; i++) {
      batcher.push({ type: 'socket.upsert', socket: socket('a', i) });
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    const gaps = flushedAt.slice(1).map((t, i) => t - flushedAt[i]);
    expect(gaps.slice(0, 5).every((gap) => gap <= 31)).toBe(true);
    expect(gaps.slice(6).every((gap) => gap >= 99 && gap <= 101)).toBe(true);
    expect(flushedAt.length).toBeLessThan(30);
    // The last state always goes out.
    expect(flushedAt.at(-1)).toBeGreaterThanOrEqual(start + 2000);
    // After the flood, a lone event waits only the short interval.
    const lone = Date.now();
    batcher.push({ type: 'socket.upsert', socket: socket('a', 2001) });
    vi.advanceTimersByTime(30);
    expect(flushedAt.at(-1)).toBe(lone + 30);
    batcher.dispose();
  });

  it('flushes early when a batch grows past its size limit', () => {
    const batcher = new EventBatcher({ intervalMs: 10_000, maxEvents: 10 });
    const batches: EventBatch[] = [];
    batcher.subscribe((b) => batches.push(b));
    for (let i = 0; i < 25; i++) batcher.push({ type: 'socket.upsert', socket: socket(`s${i}`, 1) });
    expect(batches.map((b) => b.events.length)).toEqual([10, 10]);
    batcher.dispose();
  });
});

/** A socket as the engine marks it (SocketRecord), its state read when a batch is built. */
class Source implements Announced {
  readonly log = {};
  constructor(
    readonly id: string,
    public bytesIn = 0,
    readonly kind: SocketKind = 'tcp-connection',
  ) {}

  get info(): SocketInfo {
    return { ...socket(this.id, this.bytesIn), kind: this.kind };
  }

  stats(): SocketStats {
    return statsOf(this.info);
  }

  head(): LogHead {
    return { id: this.id, firstSeq: 0, nextSeq: this.bytesIn, dropped: 0, bytes: this.bytesIn };
  }

  built(): void {}
}

/** Each batch's events as `type:id`. */
const said = (batches: EventBatch[]): string[][] =>
  batches.map((batch) =>
    batch.events.map((e) => {
      const id =
        e.type === 'socket.upsert' ? e.socket.id : e.type === 'socket.stats' ? e.stats.id : e.type === 'log.head' ? e.head.id : 'id' in e ? e.id : '';
      return `${e.type}:${id}`;
    }),
  );
const shownIn = (events: string[]): string[] => events.filter((e) => e.startsWith('socket.upsert:')).map((e) => e.slice('socket.upsert:'.length));

/** A batcher on fake timers, and the batches it sends. */
function batching(options: BatcherOptions): { batcher: EventBatcher; batches: EventBatch[] } {
  vi.useFakeTimers();
  const batcher = new EventBatcher(options);
  const batches: EventBatch[] = [];
  batcher.subscribe((b) => batches.push(b));
  return { batcher, batches };
}

describe('EventBatcher, new sockets', () => {
  afterEach(() => vi.useRealTimers());

  it('shows a few new sockets with the next batch, each as its upsert then its log head', () => {
    const { batcher, batches } = batching({ intervalMs: 30, arrivalsDuringBurst: 10 });
    for (const id of ['a', 'b', 'c']) batcher.added(new Source(id));
    vi.advanceTimersByTime(30);
    expect(said(batches)).toEqual([['socket.upsert:a', 'log.head:a', 'socket.upsert:b', 'log.head:b', 'socket.upsert:c', 'log.head:c']]);
    batcher.dispose();
  });

  it('shows a burst a few per batch while it lasts, then the rest in full batches, each once and in arrival order', () => {
    const { batcher, batches } = batching({ intervalMs: 30, maxEvents: 200, arrivalsDuringBurst: 10 });
    const ids: string[] = [];
    // 5 new sockets a millisecond for 300 ms: 150 between two batches.
    for (let ms = 0; ms < 300; ms++) {
      for (let i = 0; i < 5; i++) {
        ids.push(`s${ids.length}`);
        batcher.added(new Source(ids[ids.length - 1]));
      }
      vi.advanceTimersByTime(1);
    }
    const duringBurst = batches.length;
    expect(duringBurst).toBeGreaterThanOrEqual(9);
    // While it lasts, each batch shows those that came first in it and as many of the waiting ones.
    for (const events of said(batches)) expect(shownIn(events).length).toBeLessThanOrEqual(20);
    vi.advanceTimersByTime(2000);
    // After it, up to a full batch each (an upsert and a log head per socket).
    const after = said(batches).slice(duringBurst);
    expect(after.length).toBeGreaterThan(1);
    for (const events of after) expect(shownIn(events).length).toBeLessThanOrEqual(100);
    expect(shownIn(after[0])).toHaveLength(100);
    const shown = said(batches).flatMap(shownIn);
    expect(shown).toEqual(ids);
    for (const events of said(batches)) {
      for (const id of shownIn(events)) expect(events.indexOf(`log.head:${id}`)).toBe(events.indexOf(`socket.upsert:${id}`) + 1);
    }
    batcher.dispose();
  });

  it('says nothing of a waiting socket before it is shown, then shows it as it is; one removed while waiting is never said', () => {
    const { batcher, batches } = batching({ intervalMs: 30, arrivalsDuringBurst: 2 });
    const sources = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => new Source(id));
    for (const source of sources) batcher.added(source);
    const [, , c, d, , f] = sources;
    // c receives while it waits; d closes and is removed before it is shown.
    c.bytesIn = 42;
    batcher.changed(c, 'stats');
    batcher.headChanged(c);
    batcher.removed(d);
    // f receives too, and waits one batch longer.
    f.bytesIn = 7;
    batcher.changed(f, 'stats');
    batcher.headChanged(f);
    vi.advanceTimersByTime(30);
    expect(said(batches)[0]).toEqual([
      'socket.upsert:a',
      'log.head:a',
      'socket.upsert:b',
      'log.head:b',
      'socket.upsert:c',
      'log.head:c',
      'socket.upsert:e',
      'log.head:e',
    ]);
    const upsertOfC = batches[0].events.find((e) => e.type === 'socket.upsert' && e.socket.id === 'c');
    expect(upsertOfC?.type === 'socket.upsert' && upsertOfC.socket.bytesIn).toBe(42);
    vi.advanceTimersByTime(30);
    expect(said(batches)[1]).toEqual(['socket.upsert:f', 'log.head:f']);
    expect(batches[1].events[0].type === 'socket.upsert' && batches[1].events[0].socket.bytesIn).toBe(7);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(2);
    // Once shown, its changes go out as any socket's do, and so does its removal.
    batcher.changed(f, 'stats');
    batcher.removed(f);
    batcher.flush();
    expect(said(batches)[2]).toEqual(['socket.removed:f']);
    batcher.dispose();
  });

  it('shows a socket the user opened with the next batch, whatever is arriving', () => {
    const { batcher, batches } = batching({ intervalMs: 30, arrivalsDuringBurst: 2 });
    for (const id of ['a', 'b', 'c', 'd']) batcher.added(new Source(id));
    batcher.added(new Source('mine', 0, 'tcp-client'));
    batcher.added(new Source('e'));
    vi.advanceTimersByTime(30);
    expect(shownIn(said(batches)[0])).toEqual(['a', 'b', 'mine', 'c', 'd']);
    vi.advanceTimersByTime(30);
    expect(shownIn(said(batches)[1])).toEqual(['e']);
    batcher.dispose();
  });

  it('forgets waiting sockets when disposed', () => {
    const { batcher, batches } = batching({ intervalMs: 30, arrivalsDuringBurst: 1 });
    for (const id of ['a', 'b', 'c']) batcher.added(new Source(id));
    batcher.dispose();
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(0);
  });
});
