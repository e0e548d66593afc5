import type { EngineEvent, EventBatch } from '@shared/contract';
import { withStats } from '@shared/socket-stats';
import type { Announced, AnnouncementSink } from './engine/announcements';
import { Arrivals } from './arrivals';

/** A socket marked changed since the last batch: its event is built from it when the batch goes out. */
class Mark {
  constructor(
    readonly source: Announced,
    public kind: 'upsert' | 'stats' | 'head',
  ) {}

  build(): EngineEvent {
    this.source.built();
    if (this.kind === 'head') return { type: 'log.head', head: this.source.head() };
    if (this.kind === 'stats') return { type: 'socket.stats', stats: this.source.stats() };
    return { type: 'socket.upsert', socket: this.source.info };
  }
}

/**
 * Keeps only the latest event per socket and per log: socket and log-head events carry full
 * state, so a socket that receives 10,000 chunks in 30 ms costs one stats event and one log
 * head, not 20,000 messages. Counters that follow an upsert are folded into it (one whole
 * socket); an upsert replaces the counters before it. Errors are kept each.
 *
 * The engine's sockets come as marks (`changed`, `headChanged`, `removed`), keyed by the socket
 * and its log themselves: their events are built in `take`, from the socket as it is then.
 * Batches already made (held-batches.ts) come as events, keyed by id.
 */
export class EventCoalescer {
  private pending = new Map<unknown, EngineEvent | Mark>();
  private errorSeq = 0;

  get size(): number {
    return this.pending.size;
  }

  changed(source: Announced, kind: 'upsert' | 'stats'): void {
    const slot = this.pending.get(source);
    if (slot === undefined) this.pending.set(source, new Mark(source, kind));
    // Built at take, an upsert has the latest counters: stats after it add nothing. Nothing is
    // left to count on a removed socket (its slot holds the removal).
    else if (kind === 'upsert' && slot instanceof Mark) slot.kind = 'upsert';
  }

  headChanged(source: Announced): void {
    if (!this.pending.has(source.log)) this.pending.set(source.log, new Mark(source, 'head'));
  }

  /** As a socket.removed event: the socket's pending head goes, and the removal goes last (see `add`). */
  removed(source: Announced): void {
    this.pending.delete(source.log);
    this.pending.delete(source);
    this.pending.set(source, { type: 'socket.removed', id: source.id });
  }

  add(event: EngineEvent): void {
    switch (event.type) {
      case 'socket.upsert':
        this.pending.set(`s:${event.socket.id}`, event);
        break;
      case 'socket.stats': {
        const key = `s:${event.stats.id}`;
        const before = this.eventAt(key);
        if (before?.type === 'socket.upsert') this.pending.set(key, { type: 'socket.upsert', socket: withStats(before.socket, event.stats) });
        // Nothing is left to count on a removed socket.
        else if (before?.type !== 'socket.removed') this.pending.set(key, event);
        break;
      }
      case 'socket.removed':
        // A removed socket's pending log head would describe a log that no longer exists. The
        // removal goes last, after any error about the socket kept from before it: in the slot of
        // an earlier upsert it would come first, and the error would bring the socket back.
        this.pending.delete(`l:${event.id}`);
        this.pending.delete(`s:${event.id}`);
        this.pending.set(`s:${event.id}`, event);
        break;
      case 'log.head':
        this.pending.set(`l:${event.head.id}`, event);
        break;
      case 'engine.error':
      case 'ui.command':
        this.pending.set(++this.errorSeq, event);
        break;
      case 'library.changed':
        this.pending.set('library', event);
        break;
      case 'sequences.changed':
        this.pending.set('sequences', event);
        break;
      case 'toxiproxyApi.status':
        // The whole status: the latest says all.
        this.pending.set('toxiproxyApi', event);
        break;
      case 'file.progress':
        // Each carries the whole count so far; the last one (done) replaces any before it.
        this.pending.set(`f:${event.transferId}`, event);
        break;
    }
  }

  /** Events alone are keyed by string (marks by their socket). */
  private eventAt(key: string): EngineEvent | undefined {
    const slot = this.pending.get(key);
    return slot instanceof Mark ? undefined : slot;
  }

  take(): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const slot of this.pending.values()) events.push(slot instanceof Mark ? slot.build() : slot);
    this.pending.clear();
    return events;
  }
}

const addEvent = (pending: EventCoalescer, event: EngineEvent): void => pending.add(event);
const markChanged = (pending: EventCoalescer, source: Announced, kind: 'upsert' | 'stats'): void => pending.changed(source, kind);
const markHead = (pending: EventCoalescer, source: Announced): void => pending.headChanged(source);
const markRemoved = (pending: EventCoalescer, source: Announced): void => pending.removed(source);
const markAdded = (pending: EventCoalescer, source: Announced): void => {
  pending.changed(source, 'upsert');
  pending.headChanged(source);
};

export interface BatcherOptions {
  /** Longest an event waits before it is sent. */
  intervalMs?: number;
  /** Spacing of batches during a sustained flood (see `busyAfter`). */
  busyIntervalMs?: number;
  /** Batches in a row, each begun within `intervalMs` of the one before, that make a flood. */
  busyAfter?: number;
  /** Flush early once this many distinct events are pending. */
  maxEvents?: number;
  /** New sockets a batch shows while more than this many arrive between two batches (arrivals.ts). */
  arrivalsDuringBurst?: number;
  /** Monotonic milliseconds; tests with fake timers pass Date.now. */
  now?: () => number;
}

/**
 * Turns the engine's event stream into batches: at most one every `intervalMs`, or sooner when
 * large. Under a sustained flood the batches are spaced `busyIntervalMs` apart instead: the logs in
 * main keep every byte at full speed, while a window showing them is redrawn ~10 times a second
 * rather than ~33 (each batch costs a renderer a render, a layout and a log read, whatever its
 * size). The first batch after a pause still goes out within `intervalMs`.
 */
export class EventBatcher implements AnnouncementSink {
  private readonly pending = new EventCoalescer();
  private readonly arrivals: Arrivals;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private revision = 0;
  private readonly listeners = new Set<(batch: EventBatch) => void>();
  private readonly intervalMs: number;
  private readonly busyIntervalMs: number;
  private readonly busyAfter: number;
  private readonly maxEvents: number;
  private readonly now: () => number;
  /** Batches in a row whose first event came within `intervalMs` of the previous flush. */
  private backToBack = 0;
  private lastFlushAt = -Infinity;
  private firstPendingAt = 0;

  constructor(options: BatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? 30;
    this.busyIntervalMs = Math.max(this.intervalMs, options.busyIntervalMs ?? 100);
    this.busyAfter = options.busyAfter ?? 10;
    this.maxEvents = options.maxEvents ?? 2000;
    // After a burst, as many as fill a batch (an upsert and a log head each).
    this.arrivals = new Arrivals(options.arrivalsDuringBurst ?? 100, Math.max(1, Math.floor(this.maxEvents / 2)));
    this.now = options.now ?? (() => performance.now());
  }

  /** The revision of the last batch sent; a snapshot taken now is current to it plus what is pending. */
  get rev(): number {
    return this.revision;
  }

  subscribe(listener: (batch: EventBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(event: EngineEvent): void {
    this.enqueue(addEvent, event, undefined);
  }

  /** The announcement sink's name for `push`. */
  event(event: EngineEvent): void {
    this.push(event);
  }

  /** Shown with the next batch, or, in a burst of new sockets, with a later one (arrivals.ts). */
  added(source: Announced): void {
    if (this.arrivals.arrived(source)) this.enqueue(markAdded, source, undefined);
    else this.arm();
  }

  changed(source: Announced, kind: 'upsert' | 'stats'): void {
    // A socket not shown yet is shown whole, as it is then.
    if (!this.arrivals.waits(source)) this.enqueue(markChanged, source, kind);
  }

  headChanged(source: Announced): void {
    if (!this.arrivals.waits(source)) this.enqueue(markHead, source, undefined);
  }

  removed(source: Announced): void {
    // One that was never shown is not taken back either.
    if (!this.arrivals.gone(source)) this.enqueue(markRemoved, source, undefined);
  }

  /**
   * Notes when a batch begins (for `delay`), applies the change, then flushes when full or arms the
   * timer. `apply` takes its arguments rather than closing over them: a mark comes with every
   * read, and a closure each would be an allocation each.
   */
  private enqueue<A, B>(apply: (pending: EventCoalescer, a: A, b: B) => void, a: A, b: B): void {
    if (this.pending.size === 0) this.firstPendingAt = this.now();
    apply(this.pending, a, b);
    if (this.pending.size >= this.maxEvents) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delay());
  }

  /** A batch is due for sockets still waiting to be shown, as for a pending event. */
  private arm(): void {
    if (this.timer !== undefined) return;
    if (this.pending.size === 0) this.firstPendingAt = this.now();
    this.timer = setTimeout(() => this.flush(), this.delay());
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const source of this.arrivals.take()) markAdded(this.pending, source);
    if (this.pending.size === 0) return;
    const flushedAt = this.now();
    this.backToBack = this.firstPendingAt - this.lastFlushAt <= this.intervalMs ? this.backToBack + 1 : 0;
    this.lastFlushAt = flushedAt;
    const batch: EventBatch = { rev: ++this.revision, events: this.pending.take() };
    for (const listener of this.listeners) listener(batch);
    if (this.arrivals.size > 0) this.arm();
  }

  /** How long the batch just begun may wait: `intervalMs`, or up to `busyIntervalMs` after the last one in a flood. */
  private delay(): number {
    if (this.backToBack < this.busyAfter) return this.intervalMs;
    return Math.max(this.intervalMs, this.lastFlushAt + this.busyIntervalMs - this.now());
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.take();
    this.arrivals.clear();
    this.listeners.clear();
  }
}
