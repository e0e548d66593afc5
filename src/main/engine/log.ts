/**
 * One socket's log: a ring buffer bounded by entry count and by payload bytes, so a flood keeps
 * the newest traffic and memory stays flat. Sequence numbers are never reused; what fell out is
 * counted in `dropped`.
 */
import type { Endpoint, LogEntry, LogEventKind, LogHead } from '../../shared/contract';

export interface LogLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 };

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function resolveLogLimits(partial: Partial<LogLimits> | undefined): LogLimits {
  const limits = { ...DEFAULT_LOG_LIMITS, ...partial };
  if (!Number.isInteger(limits.maxEntries) || limits.maxEntries < 1) {
    throw new RangeError(`log.maxEntries must be a positive integer, got ${limits.maxEntries}`);
  }
  if (!Number.isInteger(limits.maxBytes) || limits.maxBytes < 0) {
    throw new RangeError(`log.maxBytes must be a non-negative integer, got ${limits.maxBytes}`);
  }
  return limits;
}

/**
 * Bytes as the log keeps them: a plain Uint8Array (not a Buffer, so structured clone and
 * `instanceof Uint8Array` checks see exactly that) that owns its memory. A Buffer from a socket is
 * often a slice of a larger pooled ArrayBuffer; keeping the view would pin the whole pool.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) {
    return copyBytes(bytes);
  }
  return new Uint8Array(buffer, 0, bytes.byteLength);
}

const INITIAL_CAPACITY = 64;

export class SocketLog {
  /** Ring storage; grows by doubling up to maxEntries so idle sockets stay small. */
  private slots: (LogEntry | undefined)[] = new Array<LogEntry | undefined>(INITIAL_CAPACITY);
  /** Index of the oldest held entry in `slots`. */
  private head = 0;
  private length = 0;
  private firstSeq = 0;
  private nextSeq = 0;
  private dropped = 0;
  private bytes = 0;

  constructor(
    readonly id: string,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    if (limits.maxEntries < INITIAL_CAPACITY) this.slots = new Array<LogEntry | undefined>(limits.maxEntries);
  }

  /** Appends bytes as given: callers pass bytes the log may keep (see ownedBytes). */
  appendData(dir: 'in' | 'out', bytes: Uint8Array<ArrayBuffer>, peer?: Endpoint, time = now()): LogEntry {
    const entry: LogEntry = peer
      ? { seq: this.nextSeq, time, dir, bytes, peer }
      : { seq: this.nextSeq, time, dir, bytes };
    this.push(entry, bytes.byteLength);
    return entry;
  }

  appendEvent(event: LogEventKind, message: string, code?: string, time = now()): LogEntry {
    const entry: LogEntry =
      code === undefined
        ? { seq: this.nextSeq, time, dir: 'event', event, message }
        : { seq: this.nextSeq, time, dir: 'event', event, message, code };
    this.push(entry, 0);
    return entry;
  }

  /** Entries with seq in [max(fromSeq, firstSeq), nextSeq), at most `count` of them. */
  read(fromSeq: number, count: number): LogEntry[] {
    const start = Math.max(fromSeq, this.firstSeq);
    const end = Math.min(this.nextSeq, start + Math.max(0, count));
    const out: LogEntry[] = [];
    for (let seq = start; seq < end; seq++) {
      const entry = this.slots[(this.head + (seq - this.firstSeq)) % this.slots.length];
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Forgets every held entry; seq numbers continue where they were. */
  clear(): LogHead {
    this.slots = new Array<LogEntry | undefined>(Math.min(INITIAL_CAPACITY, this.limits.maxEntries));
    this.head = 0;
    this.length = 0;
    this.bytes = 0;
    this.firstSeq = this.nextSeq;
    return this.headInfo();
  }

  headInfo(): LogHead {
    return { id: this.id, firstSeq: this.firstSeq, nextSeq: this.nextSeq, dropped: this.dropped, bytes: this.bytes };
  }

  private push(entry: LogEntry, size: number): void {
    this.nextSeq++;
    if (size > this.limits.maxBytes) {
      // Could never fit: keeping it would break the byte bound, so it is dropped on arrival and
      // everything older goes too (it was older than a dropped entry, the log stays contiguous).
      this.dropOldest(this.length);
      this.dropped++;
      this.firstSeq = this.nextSeq;
      return;
    }
    while (this.length > 0 && (this.length >= this.limits.maxEntries || this.bytes + size > this.limits.maxBytes)) {
      this.dropOldest(1);
    }
    if (this.length === this.slots.length) this.grow();
    this.slots[(this.head + this.length) % this.slots.length] = entry;
    this.length++;
    this.bytes += size;
  }

  private dropOldest(n: number): void {
    for (let i = 0; i < n; i++) {
      const entry = this.slots[this.head];
      if (entry && entry.dir !== 'event') this.bytes -= entry.bytes.byteLength;
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.slots.length;
      this.length--;
      this.firstSeq++;
      this.dropped++;
    }
  }

  private grow(): void {
    const capacity = Math.min(this.limits.maxEntries, Math.max(1, this.slots.length * 2));
    const next = new Array<LogEntry | undefined>(capacity);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}

/** A right-sized copy as a plain Uint8Array (Buffer#slice would return a view, not a copy). */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
