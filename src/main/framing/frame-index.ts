/**
 * One socket's frames under one framing: built from the socket's log as far as it has been read,
 * kept as bounds (the log holds the bytes), numbered like log seqs (an index is never reused),
 * and materialized only for the frames someone reads.
 *
 * Why this and engine/frame-assembler.ts both exist (both drive the one shared Framer, which is
 * where frames end): this is the log's Frames view, under the view's framing, built lazily when
 * someone reads and from what the log still holds, so it keeps no bytes and starts again where
 * the log dropped entries before they were framed. Auto-replies cannot wait for a reader or lose
 * what the log dropped or cleared, match under the rules' own framing, and need each frame's bytes
 * the moment it ends: the assembler frames every read as it arrives and copies the pending frame.
 */
import type { DataLogEntry, Endpoint, EventLogEntry, FrameItem, LogEntry, LogEventKind, LogHead, SocketKind } from '@shared/contract';
import { collectFrame, type FrameBounds, Framer, type FramingSpec } from '@shared/framing';
import type { PeekedEntry } from '../engine/log';

/** Reads a socket's log: the engine's readLog, for one socket. */
export type LogReader = (fromSeq: number, count: number) => { head: LogHead; entries: LogEntry[] };

/** Frames kept per socket; older ones are dropped (and counted) as with log entries. */
export const MAX_FRAMES = 200_000;
/** A frame's bytes sent in one read at most; `frame.length` tells the whole size. */
export const MAX_FRAME_READ_BYTES = 1024 * 1024;
const CATCH_UP_PAGE = 2000;
/** Payload bytes framed per read at most, so that framing a full log never stalls the engine for long. */
export const CATCH_UP_BYTES = 4 * 1024 * 1024;
const CHUNK_PAGE = 256;

type Direction = 'in' | 'out';

/** Which directions' streams a log event ends: FIN from the peer ends what comes in, and so on. */
const STREAM_ENDS: Partial<Record<LogEventKind, readonly Direction[]>> = {
  'peer-closed': ['in'],
  'half-closed': ['out'],
  closed: ['in', 'out'],
  reset: ['in', 'out'],
};
type FrameRecord = FrameBounds & { dir: Direction; peer?: Endpoint };
/** A frame, or an event of the log between frames (told apart by `dir`). */
type Item = FrameRecord | EventLogEntry;

export class FrameIndex {
  private framers: Record<Direction, Framer>;
  private items: Item[] = [];
  /** Position in `items` of the item with index firstIndex (the array is trimmed lazily). */
  private start = 0;
  private firstIndex = 0;
  private nextIndex = 0;
  private dropped = 0;
  /** The next log seq to frame. */
  private processedSeq: number;
  /** The log's firstSeq the last time items older than it were dropped. */
  private droppedBefore = 0;
  /** A frame completed that began before `droppedBefore` (pending across a clear): drop it at the next look. */
  private startsBeforeDropped = false;
  /** UDP: each datagram is a message of its own; frames never span two. */
  private readonly datagrams: boolean;

  constructor(
    readonly spec: FramingSpec,
    readonly generation: number,
    kind: SocketKind,
    private readonly readLog: LogReader,
  ) {
    this.framers = { in: new Framer(spec), out: new Framer(spec) };
    this.datagrams = kind === 'udp';
    this.processedSeq = readLog(0, 1).head.firstSeq;
  }

  /**
   * Frames the log entries not framed yet, about `budgetBytes` of payload at most; returns the log
   * head as it stands and whether entries are left for the next call.
   */
  catchUp(budgetBytes = CATCH_UP_BYTES): { head: LogHead; behind: boolean } {
    let { head } = this.readLog(this.processedSeq, 0);
    let spent = 0;
    while (this.processedSeq < head.nextSeq && spent < budgetBytes) {
      const held = Math.max(1, head.nextSeq - head.firstSeq);
      const average = Math.max(1, head.bytes / held);
      const page = Math.min(CATCH_UP_PAGE, Math.max(16, Math.floor((budgetBytes - spent) / average)));
      const read = this.readLog(this.processedSeq, page);
      head = read.head;
      if (head.firstSeq > this.processedSeq) this.restart(head, read.entries[0]?.time ?? Date.now());
      if (read.entries.length === 0) break;
      for (const entry of read.entries) {
        this.frameEntry(entry);
        this.processedSeq = entry.seq + 1;
        if (entry.dir !== 'event') spent += entry.bytes.length;
        if (spent >= budgetBytes) break;
      }
    }
    this.dropBefore(head.firstSeq);
    return { head, behind: this.processedSeq < head.nextSeq };
  }

  /**
   * Entries fell out of the ring before they were framed: the framing cannot know where the next
   * frame starts, so it starts again at the oldest entry held, and says so.
   */
  private restart(head: LogHead, time: number): void {
    this.framers = { in: new Framer(this.spec), out: new Framer(this.spec) };
    this.pushItem({
      seq: head.firstSeq,
      time,
      dir: 'event',
      event: 'info',
      message: `Framing starts again here: ${head.firstSeq - this.processedSeq} earlier log entries were dropped or cleared before they were framed`,
    });
    this.processedSeq = head.firstSeq;
  }

  /**
   * Items [from, from + count) (a negative `from` counts back from the end), and the head with the
   * pending frames. Call catchUp first.
   */
  read(
    from: number,
    count: number,
    logHead: LogHead,
  ): { firstIndex: number; nextIndex: number; dropped: number; pending: FrameItem[]; items: FrameItem[] } {
    const chunkAt = this.chunkReader();
    const begin = Math.max(this.firstIndex, from < 0 ? this.nextIndex + from : from);
    const end = Math.min(this.nextIndex, begin + count);
    const items: FrameItem[] = [];
    for (let index = begin; index < end; index++) {
      const item = this.items[this.start + index - this.firstIndex];
      items.push(item.dir === 'event' ? { ...item, index } : materialize(item, index, true, chunkAt));
    }
    const pending: FrameItem[] = [];
    for (const dir of ['in', 'out'] as const) {
      const bounds = this.framers[dir].pending();
      // A pending frame whose start has left the log cannot be shown; it is not lost from the
      // stream, though: when it completes it is dropped like any frame older than the log.
      if (bounds && bounds.firstSeq >= logHead.firstSeq) {
        pending.push(materialize({ ...bounds, dir }, this.nextIndex + pending.length, false, chunkAt));
      }
    }
    return { firstIndex: this.firstIndex, nextIndex: this.nextIndex, dropped: this.dropped, pending, items };
  }

  /**
   * Complete frames and events from `from` on that `matches`, up to `limit` of them, looking at
   * about `budget` of them and of their bytes (read in place with `peek`); where to go on from.
   * Call catchUp first.
   */
  search(
    matches: (item: PeekedEntry) => boolean,
    from: number,
    limit: number,
    budget: { entries: number; bytes: number },
    peek: (seq: number) => PeekedEntry | undefined,
  ): { matches: number[]; cursor: number; firstIndex: number; nextIndex: number } {
    const found: number[] = [];
    let index = Math.max(from, this.firstIndex);
    let looked = 0;
    let bytes = 0;
    const chunkAt = (seq: number, dir: Direction): Uint8Array | undefined => {
      const entry = peek(seq);
      return entry?.dir === dir ? entry.bytes : undefined;
    };
    while (index < this.nextIndex && found.length < limit && looked < budget.entries && bytes < budget.bytes) {
      const item = this.items[this.start + index - this.firstIndex];
      let candidate: PeekedEntry;
      if (item.dir === 'event') {
        candidate = { dir: 'event', message: item.message };
      } else {
        const { dir } = item;
        // A frame within one chunk is read in place; one spanning chunks is gathered into a copy.
        const whole = item.firstSeq === item.lastSeq ? chunkAt(item.firstSeq, dir)?.subarray(item.startOffset, item.endOffset) : undefined;
        candidate = { dir, bytes: whole ?? collectFrame(item, (seq) => chunkAt(seq, dir)) };
        bytes += candidate.bytes.byteLength;
      }
      if (matches(candidate)) found.push(index);
      looked++;
      index++;
    }
    return { matches: found, cursor: index, firstIndex: this.firstIndex, nextIndex: this.nextIndex };
  }

  private frameEntry(entry: LogEntry): void {
    if (entry.dir === 'event') {
      // The end of a direction's stream completes a frame that runs until then (an HTTP body).
      for (const dir of STREAM_ENDS[entry.event] ?? []) {
        const frame = this.framers[dir].endOfStream();
        if (frame) this.pushItem(frameRecord(frame, dir, undefined));
      }
      this.pushItem(entry);
      return;
    }
    const framer = this.framers[entry.dir];
    for (const bounds of framer.push(entry)) this.pushFrame(bounds, entry);
    if (this.datagrams) {
      const rest = framer.endOfMessage();
      if (rest) this.pushFrame(rest, entry);
    }
  }

  private pushFrame(bounds: FrameBounds, entry: DataLogEntry): void {
    // UDP frames lie within one datagram, so the chunk that completes a frame names its peer.
    this.pushItem(frameRecord(bounds, entry.dir, entry.peer));
  }

  private pushItem(item: Item): void {
    if (item.dir !== 'event' && item.firstSeq < this.droppedBefore) this.startsBeforeDropped = true;
    this.items.push(item);
    this.nextIndex++;
    if (this.nextIndex - this.firstIndex > MAX_FRAMES) this.dropFront(1);
  }

  /**
   * Drops frames whose first byte has left the log, and everything before the last of them, so
   * what is held stays one contiguous range of indexes. Items are appended as the entry that
   * completes them is framed, so their last seqs never decrease: those ending before `firstSeq`
   * are a prefix. After it, only a frame spanning `firstSeq` can start before it, and that is the
   * first frame of its direction there (frames of one direction never overlap).
   */
  private dropBefore(firstSeq: number): void {
    if (firstSeq <= this.droppedBefore && !this.startsBeforeDropped) return;
    this.droppedBefore = Math.max(this.droppedBefore, firstSeq);
    this.startsBeforeDropped = false;
    let lastGone = -1;
    const seen = new Set<Direction>();
    for (let i = this.start; i < this.items.length && seen.size < 2; i++) {
      const item = this.items[i];
      if (item.dir === 'event') {
        if (item.seq < firstSeq) lastGone = i;
        continue;
      }
      if (item.firstSeq < firstSeq) lastGone = i;
      if (item.lastSeq >= firstSeq) seen.add(item.dir);
    }
    if (lastGone >= this.start) this.dropFront(lastGone - this.start + 1);
  }

  private dropFront(n: number): void {
    this.start += n;
    this.firstIndex += n;
    this.dropped += n;
    // Compact now and then rather than shifting the array for every dropped item.
    if (this.start > 4096 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** A completed frame's bytes, up to `limit`, for decoding it whole; undefined when it is not held. */
  frameBytes(index: number, limit: number): Uint8Array<ArrayBuffer> | undefined {
    if (index < this.firstIndex || index >= this.nextIndex) return undefined;
    const item = this.items[this.start + index - this.firstIndex];
    if (item.dir === 'event') return undefined;
    const chunkAt = this.chunkReader();
    return collectFrame(item, (seq) => chunkAt(seq, item.dir), limit);
  }

  /** Chunk bytes by seq, read from the log a page at a time and kept for this one read. */
  private chunkReader(): (seq: number, dir: Direction) => Uint8Array | undefined {
    const pages = new Map<number, LogEntry>();
    return (seq, dir) => {
      let entry = pages.get(seq);
      if (!entry) {
        for (const read of this.readLog(seq, CHUNK_PAGE).entries) pages.set(read.seq, read);
        entry = pages.get(seq);
      }
      return entry && entry.dir === dir ? entry.bytes : undefined;
    };
  }
}

/** Written out field by field: this runs once per frame, and a flood has many. */
function frameRecord(bounds: FrameBounds, dir: Direction, peer: Endpoint | undefined): FrameRecord {
  const { firstSeq, startOffset, time, lastSeq, endOffset, length, chunks, head, tail, problem } = bounds;
  const record: FrameRecord = { dir, firstSeq, startOffset, time, lastSeq, endOffset, length, chunks, head, tail };
  if (problem !== undefined) record.problem = problem;
  if (peer) record.peer = peer;
  return record;
}

function materialize(
  frame: FrameRecord,
  index: number,
  complete: boolean,
  chunkAt: (seq: number, dir: Direction) => Uint8Array | undefined,
): FrameItem {
  const bytes = collectFrame(frame, (seq) => chunkAt(seq, frame.dir), MAX_FRAME_READ_BYTES);
  const { firstSeq, lastSeq, time, length, chunks, head, tail, problem, expected, dir, peer } = frame;
  return {
    index,
    seq: firstSeq,
    time,
    dir,
    bytes,
    ...(peer ? { peer } : {}),
    frame: {
      lastSeq,
      length,
      chunks,
      complete,
      head,
      tail,
      ...(problem === undefined ? {} : { problem }),
      ...(expected === undefined ? {} : { expected }),
    },
  };
}
