/**
 * One socket's log: a ring buffer bounded by entry count and by payload bytes, so a flood keeps
 * the newest traffic and memory stays flat. Sequence numbers are never reused; what fell out is
 * counted in `dropped`.
 */
import type { Endpoint, EventLogEntry, LogEntry, LogEventKind, LogHead, LostBytes, SocketInfo } from '@shared/contract';
import { type BudgetedLog, logBudget } from './log-budget';
import { SlabPool } from './slab-pool';

export interface LogLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 };

/** Read once: `performance.timeOrigin` is a getter that checks its receiver and converts on every call. */
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function now(): number {
  return TIME_ORIGIN + performance.now();
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

/** Payload bytes live in slabs of up to this size; a larger payload gets a slab of its own. */
const SLAB_BYTES = 1024 * 1024;
/** An idle socket's first slab: a few small messages should not cost a megabyte. */
const FIRST_SLAB_BYTES = 4 * 1024;
/**
 * Freed slabs of the sizes logs ask for (4 KiB doubling to 1 MiB), shared by every log of the
 * process: up to one full default log's worth, kept for ten quiet seconds. A full log holds 64 MiB
 * of entries, the slab lent to its next read, and the small slabs it began with: with room for
 * only 64 MiB the pool let ~4 of them go when a stream's log was removed, and the next stream
 * allocated (and zeroed, and faulted in) as many afresh.
 */
export const slabPool = new SlabPool(SLAB_BYTES, 68, 10_000, FIRST_SLAB_BYTES);
/**
 * Columns made at the first entry: an idle accepted connection logs one or two notices, and
 * 19,000 of them should not each hold room for more. Columns up to this size are not charged to
 * the process-wide budget (so a log holding only a few notices is never one it takes from).
 */
const INITIAL_CAPACITY = 4;
/**
 * What one entry's columns cost, for the process-wide budget: time 8, position 4 + length 4, and
 * two pointer slots (slab, detail) of 8. Update it with the columns.
 */
const COLUMN_BYTES_PER_ENTRY = 8 + 4 + 4 + 8 + 8;

const IN = 0;
const OUT = 1;
const EVENT = 2;
/**
 * An entry's direction shares a word with its payload's offset in its slab: offsets stay below
 * SLAB_BYTES (a larger payload has a slab of its own, at offset 0), far below 2^30.
 */
const DIR_BITS = 2;
const DIR_MASK = (1 << DIR_BITS) - 1;

// What a log holds before its first entry: nothing of its own (never written to: growing replaces them).
const NO_TIMES = new Float64Array(0);
const NO_SPANS = new Uint32Array(0);
const NO_REFS: Ref[] = [];
const NO_SLABS: readonly Slab[] = [];

/** Who a log answers to: told how many entries the budget took (to say so in the log, later: never re-entrantly). */
export interface LogOwner {
  budgetDropped(entries: number): void;
}

/**
 * Who sees every entry as it is made, whatever the bounds drop later (entry-taps.ts). Checked on
 * every append: `size` 0 costs one comparison.
 */
export interface LogTaps {
  readonly size: number;
  data(owner: LogOwner, seq: number, time: number, dir: 'in' | 'out', bytes: Uint8Array, peer: Endpoint | undefined): void;
  event(owner: LogOwner, entry: EventLogEntry): void;
}

export type PeekedEntry = { dir: 'in' | 'out'; bytes: Uint8Array } | { dir: 'event'; message: string };

interface EventDetail {
  event: LogEventKind;
  message: string;
  code?: string;
  lost?: LostBytes;
}

/** The socket a LazyNotice speaks of: the live info of a record, which holds these anyway. */
export type NoticeSubject = Pick<SocketInfo, 'id' | 'local' | 'remote'>;

/**
 * A notice whose text is made when it is read, from the socket it speaks of (appendNotice): one
 * object for every entry of its kind. 19,000 accepted connections each logged two lines
 * ("Accepted from … on …", "Accepted … as con-…") that are rarely read; as strings formatted on
 * the accept path they were ~200 B apiece, and as an object per line still two objects each.
 */
export interface LazyNotice {
  readonly event: LogEventKind;
  text(about: NoticeSubject): string;
}

/** An event entry: its detail, and the socket a lazy notice speaks of. */
type Notice = EventDetail | LazyNotice;
/** What an entry's two ref slots hold (see `refs`). */
type Ref = Slab | Endpoint | Notice | NoticeSubject | undefined;

const isLazy = (notice: Notice): notice is LazyNotice => !('message' in notice);

/** What an event entry says. */
function messageOf(notice: Notice, about: Ref): string {
  return isLazy(notice) ? notice.text(about as NoticeSubject) : notice.message;
}

/** An event entry as read: `code` and `lost` only where the notice has them. */
function eventEntry(seq: number, time: number, notice: Notice, about: Ref): EventLogEntry {
  const entry: EventLogEntry = { seq, time, dir: 'event', event: notice.event, message: messageOf(notice, about) };
  if (isLazy(notice)) return entry;
  if (notice.code !== undefined) entry.code = notice.code;
  if (notice.lost !== undefined) entry.lost = notice.lost;
  return entry;
}

interface Slab {
  bytes: Uint8Array<ArrayBuffer>;
  /**
   * `bytes.byteLength` and `bytes.buffer`, read on every read lent a slab: a typed array's getters
   * were calls to V8's generic property load there (five per read), plain fields are not.
   */
  capacity: number;
  buffer: ArrayBuffer;
  used: number;
  /** Seq of the newest entry whose payload is in this slab. */
  lastSeq: number;
}

/**
 * What only a log that held a payload (or lent memory to a read) needs: 19,000 idle accepted
 * connections, whose logs hold a notice or two, each carried these fields for nothing.
 */
class LogPayloads {
  /** Slabs holding payloads, oldest first; the last one is being filled. */
  slabs: Slab[] = NO_SLABS as Slab[];
  /**
   * The slab whose region [loanStart, loanEnd) the socket's next read lands in (lendForRead), or
   * undefined. It stays among `slabs`, charged, whatever falls out, until that read is appended or
   * the socket closes: the kernel may still write into it, so it can go neither to the pool nor
   * to the collector uncounted.
   */
  loan: Slab | undefined = undefined;
  loanStart = 0;
  loanEnd = 0;
  /** The view of [loanStart, loanEnd) lendForRead handed out: a read that landed in it comes back as this very object (appendRead). */
  lent: Uint8Array | undefined = undefined;
  nextSlabBytes = FIRST_SLAB_BYTES;
  /**
   * Running totals of payload bytes, per direction: every byte ever appended, and those of entries
   * no longer held (dropped, evicted or cleared). Drops are always the oldest entries, so
   * `droppedIn + droppedOut` is exactly the payload before `firstSeq`: an export compares them
   * with what it has read to see a gap, in O(1).
   */
  appendedIn = 0;
  appendedOut = 0;
  droppedIn = 0;
  droppedOut = 0;
}

/** A log's payloads before it has any: read, never written (frozen, so a write that forgot ownPayloads throws). */
const NO_PAYLOADS: LogPayloads = Object.freeze(new LogPayloads());

/**
 * The log is a ring of entries kept as columns (typed arrays for time, direction and payload
 * position), and payloads are copied into a queue of slabs that are reused once every entry in
 * them has fallen out. A flood then allocates nothing per message that outlives it: the Buffer a
 * socket hands over dies young, and the garbage collector never has to trace thousands of held
 * payloads (a Buffer per chunk or datagram, each its own ArrayBuffer, is what made it work hard).
 * Entries are materialized, with a right-sized copy of their bytes, only when read.
 */
export class SocketLog implements BudgetedLog {
  /** Entries the columns have room for: none until the first entry (most sockets log little or nothing). */
  private capacity = 0;
  private times = NO_TIMES;
  /**
   * Two words per entry: (offset in its slab << DIR_BITS | direction), then payload length. One
   * array rather than three: each typed array costs ~200 B of its own, on every socket.
   */
  private spans = NO_SPANS;
  /**
   * Two slots per entry: the slab its payload is in, then its peer (UDP); for an event, the socket
   * a lazy notice speaks of (or nothing), then what it says.
   */
  private refs = NO_REFS;
  /** Slabs, the loan and the payload totals: NO_PAYLOADS until the first payload or loan (see LogPayloads). */
  private payloads = NO_PAYLOADS;
  /** Index of the oldest held entry in the columns. */
  private head = 0;
  private length = 0;
  private firstSeq = 0;
  private nextSeq = 0;
  private dropped = 0;
  private bytes = 0;
  /** Memory charged to the process-wide budget: slabs, and columns grown past the initial ones. */
  private chargedBytes = 0;
  /** Of `dropped`, the entries taken to stay within the process-wide budget. */
  private budgetDropped = 0;
  /** The drop counts at the last clear (LogHead.cleared). */
  private cleared: { dropped: number; budgetDropped: number } | undefined;
  /**
   * A log's first entry when it is a notice, held here until a second entry comes or the log is
   * read (settle): an accepted connection logs "Accepted from …" and, most often, nothing more
   * for a while; columns made for that one line were three arrays on each of 19,000 connections.
   */
  private soleTime = 0;
  private soleDetail: Notice | undefined;
  private soleAbout: NoticeSubject | undefined;

  constructor(
    readonly id: string,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    private readonly owner?: LogOwner,
    /** Given with an owner: the taps are told which log's owner made each entry. */
    private readonly taps?: LogTaps,
  ) {}

  /** Appends a copy of `bytes`: the caller may reuse or drop its buffer right away. */
  appendData(dir: 'in' | 'out', bytes: Uint8Array, peer?: Endpoint, time = now()): void {
    this.storeData(dir, bytes, bytes.byteLength, peer, time);
    this.tapData(dir, bytes, peer, time);
  }

  /** Taps see the entry just made even when the bounds dropped it on arrival (it still took a seq). */
  private tapData(dir: 'in' | 'out', bytes: Uint8Array, peer: Endpoint | undefined, time: number): void {
    if (this.taps !== undefined && this.taps.size !== 0 && this.owner !== undefined)
      this.taps.data(this.owner, this.nextSeq - 1, time, dir, bytes, peer);
  }

  /**
   * Appends a read of a stream socket: its `size` bytes at the start of `into`, the region
   * lendForRead lent (kept where it landed) or a buffer to copy from. Given the buffer and a size
   * rather than a view of the bytes: no view to make per read, and a read that landed is known by
   * the region's identity, where a view's `buffer` and `byteOffset` are getters that optimized
   * code could not inline here (it saw both Buffers and plain views): ~10 calls to V8's generic
   * property load per read, a quarter of the instructions a read cost in JavaScript.
   */
  appendRead(into: Uint8Array, size: number, time = now()): void {
    this.storeData('in', into, size, undefined, time);
    // A view only for taps: none are there but while a capture records.
    if (this.taps !== undefined && this.taps.size !== 0) this.tapData('in', into.subarray(0, size), undefined, time);
  }

  appendEvent(event: LogEventKind, message: string, code?: string, time = now()): void {
    this.appendDetail(code === undefined ? { event, message } : { event, message, code }, time);
  }

  /** An info entry saying that `lost` bytes went missing on the way (see LostBytes). */
  appendLoss(message: string, lost: LostBytes, time = now()): void {
    this.appendDetail({ event: 'info', message, lost }, time);
  }

  private appendDetail(detail: EventDetail, time: number): void {
    // Flattened now (V8 flattens a string in place on its first character read): a message built
    // from pieces is a tree of cons strings, ~100 B more than its flat text, kept as long as the entry.
    detail.message.charCodeAt(0);
    this.storeNotice(detail, undefined, time);
  }

  /** A notice about `about` (a socket's live info), its text made only if it is read. */
  appendNotice(notice: LazyNotice, about: NoticeSubject, time = now()): void {
    this.storeNotice(notice, about, time);
  }

  /** Stores the first `size` bytes of `bytes`. */
  private storeData(dir: 'in' | 'out', bytes: Uint8Array, size: number, peer: Endpoint | undefined, time: number): void {
    this.settle();
    const seq = this.nextSeq;
    const payloads = this.ownPayloads();
    const loan = payloads.loan;
    let landed = false;
    let inPlace = false;
    if (loan !== undefined) {
      // This payload is the read lent a region, or that read is still to come: then this payload
      // goes past the region. The read is kept where it landed while its slab is the last one
      // (a send made meanwhile may have started another: then it is copied, as any payload is,
      // so that every slab holds older entries than the next).
      landed = bytes === payloads.lent || (bytes.buffer === loan.bytes.buffer && bytes.byteOffset === payloads.loanStart);
      inPlace = landed && loan === payloads.slabs[payloads.slabs.length - 1];
      if (!landed && loan.used < payloads.loanEnd) loan.used = payloads.loanEnd;
    }
    if (dir === 'in') payloads.appendedIn += size;
    else payloads.appendedOut += size;
    if (!this.admit(size)) {
      if (dir === 'in') payloads.droppedIn += size;
      else payloads.droppedOut += size;
      if (landed) this.endLoan();
      return;
    }
    this.reserve(inPlace ? 0 : size);
    const slot = this.slotForNext();
    const code = dir === 'in' ? IN : OUT;
    this.times[slot] = time;
    this.spans[2 * slot + 1] = size;
    this.refs[2 * slot + 1] = peer;
    if (inPlace && loan !== undefined) {
      // No copy: the bytes are already where the log keeps them.
      this.spans[2 * slot] = (payloads.loanStart << DIR_BITS) | code;
      this.refs[2 * slot] = loan;
      if (loan.used < payloads.loanStart + size) loan.used = payloads.loanStart + size;
      loan.lastSeq = seq;
    } else if (size === 0) {
      this.spans[2 * slot] = code;
      this.refs[2 * slot] = undefined;
    } else {
      const slab = this.slabFor(size);
      slab.bytes.set(size === bytes.byteLength ? bytes : bytes.subarray(0, size), slab.used);
      this.spans[2 * slot] = (slab.used << DIR_BITS) | code;
      this.refs[2 * slot] = slab;
      slab.used += size;
      slab.lastSeq = seq;
    }
    this.bytes += size;
    // Only now: nothing the budget took back above could hand the lent slab to another log.
    if (landed) this.endLoan();
  }

  /** The log's own payloads part, made at its first payload or loan. */
  private ownPayloads(): LogPayloads {
    if (this.payloads === NO_PAYLOADS) this.payloads = new LogPayloads();
    return this.payloads;
  }

  private storeNotice(notice: Notice, about: NoticeSubject | undefined, time: number): void {
    if (this.capacity === 0 && this.soleDetail === undefined && this.nextSeq === this.firstSeq) {
      this.nextSeq++;
      this.soleTime = time;
      this.soleDetail = notice;
      this.soleAbout = about;
    } else {
      this.settle();
      if (this.admit(0)) {
        this.reserve(0);
        const slot = this.slotForNext();
        this.times[slot] = time;
        this.spans[2 * slot] = EVENT;
        this.spans[2 * slot + 1] = 0;
        this.refs[2 * slot] = about;
        this.refs[2 * slot + 1] = notice;
      }
    }
    // Taps see the entry even when the bounds dropped it on arrival (it still took a seq).
    if (this.taps !== undefined && this.taps.size !== 0 && this.owner !== undefined) {
      this.taps.event(this.owner, eventEntry(this.nextSeq - 1, time, notice, about));
    }
  }

  /** The first notice held aside (see soleDetail) goes into columns of its own, as entry firstSeq. */
  private settle(): void {
    const detail = this.soleDetail;
    if (detail === undefined) return;
    this.soleDetail = undefined;
    this.grow();
    this.times[0] = this.soleTime;
    this.spans[0] = EVENT;
    this.spans[1] = 0;
    this.refs[0] = this.soleAbout;
    this.refs[1] = detail;
    this.soleAbout = undefined;
    this.length = 1;
  }

  /**
   * Where the socket's next read may land (read-buffer.ts): the rest of the slab being filled, from
   * `atLeast` to `atMost` bytes (a new slab if it has less room left), the very place the read
   * would be copied to; appended from there it costs no copy. Undefined when the process-wide
   * budget has lent its share already (log-budget.ts) or the log could not keep a read that large:
   * the read then goes to the shared buffer and is copied. The loan lasts until that read is
   * appended, the socket closes (markClosed), or it idles (loanTakenBack, from read-buffer.ts).
   */
  lendForRead(atLeast: number, atMost: number): Uint8Array | undefined {
    this.endLoan();
    const most = Math.min(atMost, this.limits.maxBytes);
    if (most < atLeast) return undefined;
    const payloads = this.ownPayloads();
    const last = payloads.slabs[payloads.slabs.length - 1];
    const hasRoom = last !== undefined && last.capacity - last.used >= atLeast;
    // A new slab is the size the log would take next anyway (they grow as a stream goes on): a
    // thousand connections each receiving a little must not each start a large one.
    const slabBytes = hasRoom ? last.capacity : Math.max(atLeast, payloads.nextSlabBytes);
    if (!logBudget.mayLend(slabBytes)) return undefined;
    if (!hasRoom) logBudget.makeRoom(slabBytes);
    const slab = hasRoom ? last : this.slabFor(atLeast);
    payloads.loan = slab;
    payloads.loanStart = slab.used;
    payloads.loanEnd = Math.min(slab.capacity, slab.used + most);
    logBudget.lend(slab.capacity);
    payloads.lent = new Uint8Array(slab.buffer, payloads.loanStart, payloads.loanEnd - payloads.loanStart);
    return payloads.lent;
  }

  /** The region lendForRead lent that no read has landed in yet, or undefined (asked by read-buffer.ts of an idle socket). */
  lentRegion(): Uint8Array | undefined {
    return this.payloads.lent;
  }

  /** The socket's next read was given other memory (read-buffer.ts, from an idle socket): the region lent is free again. */
  loanTakenBack(): void {
    this.endLoan();
  }

  /** The region lent to a read is free again: the read was appended, or will never come. */
  private endLoan(): void {
    const loan = this.payloads.loan;
    if (loan === undefined) return;
    this.payloads.loan = undefined;
    this.payloads.lent = undefined;
    logBudget.lend(-loan.capacity);
    // Everything in it may have fallen out while it was lent.
    if (loan.lastSeq < this.firstSeq) this.releaseSlabs();
  }

  /** Entries with seq in [max(fromSeq, firstSeq), nextSeq), at most `count` of them. */
  read(fromSeq: number, count: number): LogEntry[] {
    this.settle();
    const start = Math.max(fromSeq, this.firstSeq);
    const end = Math.min(this.nextSeq, start + Math.max(0, count));
    const out: LogEntry[] = [];
    for (let seq = start; seq < end; seq++) out.push(this.entryAt(seq));
    return out;
  }

  /**
   * Entry `seq` for a scan (log search) without copying its payload: `bytes` is a view into the
   * log's own slabs, valid only until the next append. Undefined outside [firstSeq, nextSeq).
   */
  peek(seq: number): PeekedEntry | undefined {
    this.settle();
    if (seq < this.firstSeq || seq >= this.nextSeq) return undefined;
    const slot = (this.head + (seq - this.firstSeq)) % this.capacity;
    const span = this.spans[2 * slot];
    const dir = span & DIR_MASK;
    if (dir === EVENT) return { dir: 'event', message: messageOf(this.refs[2 * slot + 1] as Notice, this.refs[2 * slot]) };
    const slab = this.refs[2 * slot] as Slab | undefined;
    const offset = span >>> DIR_BITS;
    const bytes = slab ? slab.bytes.subarray(offset, offset + this.spans[2 * slot + 1]) : new Uint8Array(0);
    return { dir: dir === IN ? 'in' : 'out', bytes };
  }

  /** Forgets every held entry; seq numbers continue where they were. */
  clear(): LogHead {
    const payloads = this.payloads;
    if (payloads !== NO_PAYLOADS) {
      payloads.droppedIn = payloads.appendedIn;
      payloads.droppedOut = payloads.appendedOut;
    }
    this.reset();
    this.bytes = 0;
    this.firstSeq = this.nextSeq;
    this.cleared = { dropped: this.dropped, budgetDropped: this.budgetDropped };
    return this.headInfo();
  }

  /** The seq of the newest entry (-1 before the first): what headInfo() says, without its allocation. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Payload bytes each way of the entries no longer held (see appendedIn). */
  droppedBytes(): { in: number; out: number } {
    return { in: this.payloads.droppedIn, out: this.payloads.droppedOut };
  }

  /** Payload bytes each way of the entries held now. */
  heldBytes(): { in: number; out: number } {
    return { in: this.payloads.appendedIn - this.payloads.droppedIn, out: this.payloads.appendedOut - this.payloads.droppedOut };
  }

  headInfo(): LogHead {
    const head: LogHead = { id: this.id, firstSeq: this.firstSeq, nextSeq: this.nextSeq, dropped: this.dropped, bytes: this.bytes };
    if (this.budgetDropped > 0) head.budgetDropped = this.budgetDropped;
    if (this.cleared && (this.cleared.dropped > 0 || this.cleared.budgetDropped > 0)) head.cleared = this.cleared;
    return head;
  }

  // The process-wide budget (log-budget.ts) -------------------------------------------------

  get charged(): number {
    return this.chargedBytes;
  }

  oldestTime(): number | undefined {
    if (this.soleDetail !== undefined) return this.soleTime;
    return this.length > 0 ? this.times[this.head] : undefined;
  }

  /**
   * The socket closed (or failed, which closes it): the budget takes from this log before any open
   * one. Its handle reads no more, so a region lent to its next read is free again.
   */
  markClosed(): void {
    this.endLoan();
    logBudget.markClosed(this);
  }

  evictOldest(): number {
    this.settle();
    // Up to the newest entry in the oldest slab holding any: then that slab goes back to the pool
    // (unless lent to a read: then it stays, and the budget takes from other logs).
    const holding = this.payloads.slabs.find((slab) => slab.lastSeq >= this.firstSeq);
    if (this.length === 0 || holding === undefined) return this.evictAll();
    return this.evict(Math.min(this.length, holding.lastSeq - this.firstSeq + 1));
  }

  evictAll(): number {
    this.settle();
    const count = this.evict(this.length);
    this.shrinkColumns();
    return count;
  }

  private evict(count: number): number {
    this.dropOldest(count);
    this.budgetDropped += count;
    if (count > 0) this.owner?.budgetDropped(count);
    return count;
  }

  /**
   * Asks the budget for the memory the next entry will take, if any: a new slab, or columns twice
   * as long. O(1) and allocation-free for the many entries that fit where they are.
   */
  private reserve(size: number): void {
    let needed = 0;
    if (this.length === this.capacity) needed += columnCharge(this.grownCapacity()) - columnCharge(this.capacity);
    if (size > 0) {
      const last = this.payloads.slabs[this.payloads.slabs.length - 1];
      if (!last || last.capacity - last.used < size) needed += Math.max(size, this.payloads.nextSlabBytes);
    }
    if (needed > 0) logBudget.makeRoom(needed);
  }

  private charge(bytes: number): void {
    if (bytes === 0) return;
    this.chargedBytes += bytes;
    logBudget.charge(this, bytes);
  }

  /** An empty log's columns back to their first size, their memory back to the budget. */
  private shrinkColumns(): void {
    // Empty: no entry left (no slab either, but one lent to a read), so a reset loses nothing (seq numbers are kept).
    if (this.length === 0 && (this.capacity > INITIAL_CAPACITY || this.payloads.slabs.length > 0)) this.reset();
  }

  private grownCapacity(): number {
    return Math.min(this.limits.maxEntries, Math.max(INITIAL_CAPACITY, this.capacity * 2));
  }

  /** Forgets everything, for good: the log's slabs go back to the pool for other logs. */
  dispose(): void {
    const loan = this.payloads.loan;
    if (loan !== undefined) {
      // Removed while its socket could still read (sockets are closed before they are removed):
      // the slab is left to the collector, which frees it once the socket is gone, never to the pool.
      this.payloads.slabs = this.payloads.slabs.filter((slab) => slab !== loan);
      this.charge(-loan.capacity);
      this.endLoan();
    }
    this.clear();
  }

  /** No columns and no slabs, as a new log has (its slabs go to the pool), but a slab lent to a read. */
  private reset(): void {
    this.soleDetail = undefined;
    this.soleAbout = undefined;
    const loan = this.payloads.loan;
    for (const slab of this.payloads.slabs) if (slab !== loan) slabPool.give(slab.bytes);
    this.charge(-this.chargedBytes);
    this.capacity = 0;
    this.times = NO_TIMES;
    this.spans = NO_SPANS;
    this.refs = NO_REFS;
    if (this.payloads !== NO_PAYLOADS) {
      this.payloads.slabs = NO_SLABS as Slab[];
      this.payloads.nextSlabBytes = FIRST_SLAB_BYTES;
    }
    this.head = 0;
    this.length = 0;
    if (loan !== undefined) {
      loan.lastSeq = -1;
      this.payloads.slabs = [loan];
      this.charge(loan.capacity);
    }
  }

  /**
   * Gives the next entry its seq and drops the oldest entries until `size` payload bytes fit;
   * false if they never can (the entry is then counted as dropped on arrival).
   */
  private admit(size: number): boolean {
    this.nextSeq++;
    if (size > this.limits.maxBytes) {
      // Could never fit: keeping it would break the byte bound, so it is dropped on arrival and
      // everything older goes too (it was older than a dropped entry, the log stays contiguous).
      this.dropOldest(this.length);
      this.dropped++;
      this.firstSeq = this.nextSeq;
      return false;
    }
    while (this.length > 0 && (this.length >= this.limits.maxEntries || this.bytes + size > this.limits.maxBytes)) {
      this.dropOldest(1);
    }
    return true;
  }

  /** The column index for the entry being appended (seq nextSeq - 1). */
  private slotForNext(): number {
    if (this.length === this.capacity) this.grow();
    const slot = (this.head + this.length) % this.capacity;
    this.length++;
    return slot;
  }

  private entryAt(seq: number): LogEntry {
    const slot = (this.head + (seq - this.firstSeq)) % this.capacity;
    const time = this.times[slot];
    const detail = this.refs[2 * slot + 1];
    const span = this.spans[2 * slot];
    if ((span & DIR_MASK) === EVENT) return eventEntry(seq, time, detail as Notice, this.refs[2 * slot]);
    const dir = (span & DIR_MASK) === IN ? 'in' : 'out';
    const slab = this.refs[2 * slot] as Slab | undefined;
    const offset = span >>> DIR_BITS;
    // A copy: slabs are reused, and a view would carry the whole slab through structured clone.
    const bytes = slab ? slab.bytes.slice(offset, offset + this.spans[2 * slot + 1]) : new Uint8Array(0);
    return detail ? { seq, time, dir, bytes, peer: detail as Endpoint } : { seq, time, dir, bytes };
  }

  /** The slab the next `size` payload bytes go to, starting a new one when the last is full. */
  private slabFor(size: number): Slab {
    const last = this.payloads.slabs[this.payloads.slabs.length - 1];
    if (last && last.capacity - last.used >= size) return last;
    const wanted = Math.max(size, this.payloads.nextSlabBytes);
    const bytes = slabPool.take(wanted);
    this.charge(bytes.byteLength);
    // Holding no entry yet (lastSeq is set as one is put in it, or it is lent: lendForRead).
    const slab: Slab = { bytes, capacity: bytes.byteLength, buffer: bytes.buffer, used: 0, lastSeq: -1 };
    this.payloads.nextSlabBytes = Math.min(SLAB_BYTES, Math.max(this.payloads.nextSlabBytes * 2, FIRST_SLAB_BYTES));
    if (this.payloads.slabs === NO_SLABS) this.payloads.slabs = [slab];
    else this.payloads.slabs.push(slab);
    return slab;
  }

  private dropOldest(n: number): void {
    for (let i = 0; i < n; i++) {
      const slot = this.head;
      const length = this.spans[2 * slot + 1];
      if (length !== 0) {
        // An event's length is 0 (and a log of notices alone has no payloads of its own).
        this.bytes -= length;
        if ((this.spans[2 * slot] & DIR_MASK) === OUT) this.payloads.droppedOut += length;
        else this.payloads.droppedIn += length;
      }
      this.refs[2 * slot] = undefined;
      this.refs[2 * slot + 1] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.length--;
      this.firstSeq++;
      this.dropped++;
    }
    this.releaseSlabs();
  }

  /**
   * Slabs whose every entry has fallen out go to the pool, for this log's next slab or another's;
   * oldest first (each slab holds older entries than the next), but a slab lent to a read stays.
   */
  private releaseSlabs(): void {
    const slabs = this.payloads.slabs;
    while (slabs.length > 0 && slabs[0].lastSeq < this.firstSeq) {
      // Lent while every entry fell out: the slabs after it may still go (sends made meanwhile).
      const at = slabs[0] === this.payloads.loan ? 1 : 0;
      if (at >= slabs.length || slabs[at].lastSeq >= this.firstSeq) return;
      const [done] = slabs.splice(at, 1);
      slabPool.give(done.bytes);
      this.charge(-done.capacity);
    }
  }

  private grow(): void {
    const capacity = this.grownCapacity();
    this.charge(columnCharge(capacity) - columnCharge(this.capacity));
    const times = new Float64Array(capacity);
    const spans = new Uint32Array(2 * capacity);
    const refs = new Array<Ref>(2 * capacity);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) % this.capacity;
      times[i] = this.times[from];
      spans[2 * i] = this.spans[2 * from];
      spans[2 * i + 1] = this.spans[2 * from + 1];
      refs[2 * i] = this.refs[2 * from];
      refs[2 * i + 1] = this.refs[2 * from + 1];
    }
    this.times = times;
    this.spans = spans;
    this.refs = refs;
    this.capacity = capacity;
    this.head = 0;
  }
}

/** What columns for `capacity` entries are charged to the budget: the first ones are free. */
function columnCharge(capacity: number): number {
  return Math.max(0, capacity - INITIAL_CAPACITY) * COLUMN_BYTES_PER_ENTRY;
}

/** A right-sized copy as a plain Uint8Array (Buffer#slice would return a view, not a copy). */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
