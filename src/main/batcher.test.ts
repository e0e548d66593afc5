import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch, SocketInfo } from '@shared/contract';
import { EventBatcher, EventCoalescer } from './batcher';

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
