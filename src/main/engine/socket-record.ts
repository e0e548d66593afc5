import type {
  Endpoint,
  EngineEvent,
  ErrorInfo,
  LogEventKind,
  LogHead,
  LostBytes,
  SocketInfo,
  SocketKind,
  SocketState,
  SocketStats,
} from '@shared/contract';
import { SocketLog, now, type LazyNotice, type LogLimits, type LogTaps, type NoticeSubject } from './log';
import { logBudget } from './log-budget';
import { NoticeCoalescer, RunningTotalNotice } from './notice-coalescer';
import { formatBytes } from '@shared/codec';
import { onlyStats, statsOf } from '@shared/socket-stats';
import type { AutoReplyState } from '@shared/auto-reply';
import type { Announced } from './announcements';

export type EngineListener = (event: EngineEvent) => void;

/**
 * Where a record says its changes (the engine, one for all records): its state as marks, built
 * into events only for whoever wants them now (engine.ts), and errors as events.
 */
export interface RecordHub {
  emit(event: EngineEvent): void;
  /** The record is shown for the first time (its upsert and its log head). */
  added(record: SocketRecord): void;
  changed(record: SocketRecord, kind: 'upsert' | 'stats'): void;
  headChanged(record: SocketRecord): void;
  /**
   * Which set of sinks a mark made now reaches: a record marked in this generation need not mark
   * again until something builds its marks (Announced.built: a batch going out, a listener taking
   * socket.stats or log.head as they happen, a scenario reading the log).
   */
  markGeneration: number;
}

export interface ReceiveWatcher {
  /**
   * Right after the first `size` bytes of `bytes` are logged; must not keep them. A buffer and a
   * size, not a view: most sockets watched have no rules, and a view made for each read was an
   * object per read for nothing.
   */
  received(record: SocketRecord, bytes: Uint8Array, size: number, peer: Endpoint | undefined): void;
  /** The socket is closed or failed: nothing more will be received. */
  closed(record: SocketRecord): void;
}

/**
 * Notices a socket says once in its life: never folded, so never tracked. An accepted connection
 * kept a coalescer, its map and a copy of its "Accepted from …" key for as long as it stayed open.
 */
const SAID_ONCE: ReadonlySet<LogEventKind> = new Set(['accepted', 'connecting', 'connected', 'listening']);

export interface FailOptions {
  /** Also emit 'engine.error': false when a command is already waiting for this failure. */
  announce: boolean;
  /** Record the error but leave the state alone (the socket still works). */
  keepState?: boolean;
}

/**
 * What the engine knows about one socket: its SocketInfo and its log. Every change goes through
 * here so that each one is announced exactly once. A record stays silent until announced (a
 * listener that fails to bind never appears) and again once retired (late events after remove).
 */
export class SocketRecord implements Announced {
  readonly log: SocketLog;
  /**
   * Sees each received payload right after it is logged, and the close (auto-replies): one object
   * for every record it watches, each record holding only the id it answers for, rather than two
   * closures on each of 19,000 connections.
   */
  watcher: ReceiveWatcher | undefined;
  /** The id of the socket whose rules answer this one's payloads (its listener, or itself). */
  watchedFor = '';
  /** Told once, the first time the socket is closed or failed (the engine's cap on closed records); one function for all records. */
  afterClose: ((id: string) => void) | undefined;
  private closedOnce = false;
  private current: SocketInfo;
  // Made on first use: most sockets never repeat a notice nor lose entries to the budget, and
  // 19,000 idle connections should not each hold a map, a timer's owner and three closures.
  private notices: NoticeCoalescer | undefined;
  private budgetNotice: RunningTotalNotice | undefined;
  private stopped = false;
  private visible = false;
  /** The hub's markGeneration when this record's head and counters were last marked, -1 once those marks are built. */
  private markedIn = -1;

  constructor(
    info: SocketInfo,
    limits: LogLimits,
    private readonly hub: RecordHub,
    /** Sees every entry of this record's log as it is made (entry-taps.ts). */
    taps?: LogTaps,
  ) {
    this.current = info;
    this.log = new SocketLog(info.id, limits, this, taps);
  }

  get id(): string {
    return this.current.id;
  }

  get kind(): SocketKind {
    return this.current.kind;
  }

  get state(): SocketState {
    return this.current.state;
  }

  /** The peer, without a copy of the whole info (the object itself is never changed, only replaced). */
  get remote(): Endpoint | undefined {
    return this.current.remote;
  }

  /** The live info, for a lazy notice to read its id and addresses from when it is read (never changed through this). */
  get subject(): NoticeSubject {
    return this.current;
  }

  /** A copy: events and callers never share the live object. */
  get info(): SocketInfo {
    return { ...this.current };
  }

  /** Its counters now, as socket.stats carries them. */
  stats(): SocketStats {
    return statsOf(this.current);
  }

  /** Its log now, as log.head carries it. */
  head(): LogHead {
    return this.log.headInfo();
  }

  announce(): void {
    this.visible = true;
    this.hub.added(this);
  }

  /** Silences the record; true if it had been announced (so its removal must be too). */
  retire(): boolean {
    const wasVisible = this.visible;
    this.visible = false;
    // Its removal took its marks from the sinks unbuilt.
    this.markedIn = -1;
    return wasVisible;
  }

  update(patch: Partial<SocketInfo>): void {
    // In place (`current` is never shared): `{ ...current, ...patch }` gave every socket's info a
    // hidden class of its own in V8 (a spread adding keys makes a new map each time), ~400 B apiece.
    Object.assign(this.current, patch);
    if (patch.state === 'closed' || patch.state === 'error') {
      // Counts of repeated notices are said now, next to the close, not a second later.
      this.notices?.flushAll();
      this.log.markClosed();
      this.watcher?.closed(this);
      if (!this.closedOnce) {
        this.closedOnce = true;
        this.afterClose?.(this.id);
      }
    }
    // Counters alone go out without the settings (socket-stats.ts).
    if (onlyStats(patch)) this.publishStats();
    else this.publish();
  }

  /** New auto-reply hit counts: counters, though they live in the auto-reply settings. */
  countAutoReplies(autoReply: AutoReplyState): void {
    this.current = { ...this.current, autoReply };
    this.publishStats();
  }

  /** Counts that live in a proxy's or a conversation's settings (toxic hits, held messages): as socket.stats too. */
  countInSettings(patch: Pick<Partial<SocketInfo>, 'proxy' | 'conversation'>): void {
    Object.assign(this.current, patch);
    this.publishStats();
  }

  replace(info: SocketInfo): void {
    this.current = info;
    this.publish();
  }

  /**
   * A notice in the log; the same notice again within a second is counted and logged as one
   * line (notice-coalescer.ts). `sameAs` groups notices whose text carries a changing number.
   */
  event(kind: LogEventKind, message: string, code?: string, sameAs?: string): void {
    if (this.stopped) return;
    if (SAID_ONCE.has(kind)) return this.writeNotice(kind, message, code);
    this.notices ??= new NoticeCoalescer((k, m, c) => this.writeNotice(k, m, c));
    this.notices.notice(kind, message, code, sameAs);
  }

  /**
   * A notice said once, about `about` (this socket's or another's subject), its text made when
   * read: an accept logs one on the connection and one on its listener, and neither allocates.
   */
  lazyNotice(notice: LazyNotice, about: NoticeSubject, time?: number): void {
    if (this.stopped) return;
    this.log.appendNotice(notice, about, time);
    this.publishSoon();
  }

  /**
   * Says that `lost` bytes went missing on the way (a proxy's drop notes, already one per run of
   * drops: not coalesced again), so that a capture of the log leaves their gap (LostBytes).
   */
  lossNote(message: string, lost: LostBytes): void {
    if (this.stopped) return;
    this.log.appendLoss(message, lost);
    this.publishSoon();
  }

  /** The process-wide budget took `entries` from this log (said within a second, as one running total). */
  budgetDropped(entries: number): void {
    this.budgetNotice ??= new RunningTotalNotice((total) =>
      this.event(
        'info',
        `${total.toLocaleString('en-US')} ${total === 1 ? 'entry' : 'entries'} dropped to stay within the memory budget for all logs (${formatBytes(logBudget.limitBytes)})`,
      ),
    );
    this.budgetNotice.add(entries);
  }

  built(): void {
    this.markedIn = -1;
  }

  /** Forgets the record's log for good (its slabs go back to the pool). */
  dispose(): void {
    this.stopped = true;
    this.notices?.stop();
    this.budgetNotice?.stop();
    this.log.dispose();
  }

  /**
   * Logged now, its log head announced once per batch as received data's is: a listener accepting
   * a burst of connections logs a notice for each, and one head says them all.
   */
  private writeNotice(kind: LogEventKind, message: string, code: string | undefined): void {
    this.log.appendEvent(kind, message, code);
    this.publishSoon();
  }

  /** Bytes received, logged as a copy. */
  dataIn(bytes: Uint8Array, peer?: Endpoint): void {
    const time = now();
    // The log copies what it keeps into its own slabs: the socket's Buffer is not held on to.
    this.log.appendData('in', bytes, peer, time);
    this.countIn(bytes.byteLength, time);
    this.watcher?.received(this, bytes, bytes.byteLength, peer);
  }

  /** A read of a stream socket reading into the shared buffer (read-buffer.ts): kept where it landed if lent (lendForRead), else copied. */
  received(into: Uint8Array, size: number, time: number): void {
    this.log.appendRead(into, size, time);
    this.countIn(size, time);
    this.watcher?.received(this, into, size, undefined);
  }

  /**
   * Counted in place (`current` is never shared: `info` hands out copies) and announced once per
   * outgoing batch (publishSoon): a flood costs one stats event and one log head per batch, not
   * two events, two SocketInfo copies and a LogHead per datagram.
   */
  private countIn(size: number, time: number): void {
    const info = this.current;
    info.bytesIn += size;
    info.messagesIn++;
    info.lastActivityAt = time;
    this.publishSoon();
  }

  /** Memory in the log for the socket's next read to land in, kept there without a copy (SocketLog.lendForRead). */
  lendForRead(atLeast: number, atMost: number): Uint8Array | undefined {
    return this.log.lendForRead(atLeast, atMost);
  }

  lentRegion(): Uint8Array | undefined {
    return this.log.lentRegion();
  }

  loanTakenBack(): void {
    this.log.loanTakenBack();
  }

  /** Bytes sent, logged as a copy. */
  dataOut(bytes: Uint8Array<ArrayBuffer>, peer?: Endpoint): void {
    const time = now();
    this.log.appendData('out', bytes, peer, time);
    const info = this.current;
    info.bytesOut += bytes.byteLength;
    info.messagesOut++;
    info.lastActivityAt = time;
    this.publishHead();
    this.publishStats();
  }

  /**
   * Bytes a proxy relayed, logged as a copy in either direction and announced once per batch, as
   * received bytes are: a proxy logs every message both ways.
   */
  dataRelayed(dir: 'in' | 'out', bytes: Uint8Array): void {
    const time = now();
    this.log.appendData(dir, bytes, undefined, time);
    const info = this.current;
    if (dir === 'in') {
      info.bytesIn += bytes.byteLength;
      info.messagesIn++;
    } else {
      info.bytesOut += bytes.byteLength;
      info.messagesOut++;
    }
    info.lastActivityAt = time;
    this.publishSoon();
  }

  fail(error: ErrorInfo, options: FailOptions): void {
    this.event('error', error.message, error.code);
    this.update(options.keepState ? { error } : { state: 'error', error });
    if (options.announce && this.visible) this.hub.emit({ type: 'engine.error', id: this.id, error, time: now() });
  }

  clearLog(): LogHead {
    const head = this.log.clear();
    this.publishHead();
    return head;
  }

  /**
   * Announces the new head and counters once per outgoing batch: the batch builds them from the
   * record when it goes out, so one mark says every read until then. With 64 B messages nearly
   * every read is a turn of its own, and a mark each turn (an Immediate, two marks per sink) cost
   * more than logging the read. Whoever needs each change sooner builds the marks as it takes them
   * (Announced.built), and only the records it follows mark more often.
   */
  private publishSoon(): void {
    if (!this.visible) return;
    const generation = this.hub.markGeneration;
    if (this.markedIn === generation) return;
    // Before marking: a sink that sends its batch at once (full) has built it, and said so, by the time marking returns.
    this.markedIn = generation;
    this.publishHead();
    this.publishStats();
  }

  private publish(): void {
    if (this.visible) this.hub.changed(this, 'upsert');
  }

  private publishStats(): void {
    if (this.visible) this.hub.changed(this, 'stats');
  }

  private publishHead(): void {
    if (this.visible) this.hub.headChanged(this);
  }
}
