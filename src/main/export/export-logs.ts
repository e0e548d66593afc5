/**
 * Exports of what sockets' logs hold, as a JSON Lines file or a pcapng capture. `exportToStream`
 * and `exportToFile` write page by page, waiting for the destination to drain (a file, an HTTP
 * download), so an export is bounded by disk, not memory; `log.export` (small exports handed
 * over whole) builds the same bytes in memory up to MAX_EXPORT_BYTES.
 */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { MAX_EXPORT_BYTES, MAX_LOG_READ, type LogEntry, type Output, type ParsedInput, type SocketInfo } from '@shared/contract';
import { formatBytes } from '@shared/codec';
import { fileStamp } from '@shared/file-stamp';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { now } from '../engine/log';
import { CaptureEncoder, type CaptureFormat, describeMissing } from './capture-encoder';
import { fileError, openForWriting } from './file-errors';
import type { MissingBytes } from './streams';

export interface ExportOptions {
  /** When the export is made: the file's header and its name. */
  at?: Date;
  maxBytes?: number;
}

export interface ExportRequest {
  /** The sockets (a listener brings its connections); all when undefined. */
  ids?: readonly string[];
  format: CaptureFormat;
}

export interface ExportSummary {
  sockets: number;
  /** Log entries (JSON Lines) or packets (pcapng) written. */
  records: number;
  bytes: number;
  /** Bytes the sockets carried that their logs no longer held (fell out, or cleared). */
  missing: MissingBytes;
}

export interface StreamOptions {
  at?: Date;
  signal?: AbortSignal;
  /** Called after each page with the bytes written so far. */
  onProgress?: (bytesWritten: number) => void;
}

/** Entries read from a log at a time: a page of large payloads stays a few megabytes. */
const PAGE_ENTRIES = 64;
/** Payload encoded in one turn at most (give or take an entry): a few milliseconds' work. */
const TURN_BYTES = 1024 * 1024;
/** Written data waiting in the destination's buffer before the export waits for it to drain. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

export function exportLogs(engine: Engine, input: ParsedInput<'log.export'>, options: ExportOptions = {}): Output<'log.export'> {
  const built = buildInMemory(engine, input, options);
  let step = built.steps.next();
  while (!step.done) step = built.steps.next();
  return built.result(step.value);
}

/** `log.export` for the dispatcher: the same, giving the event loop a turn between pages so main keeps answering. */
export async function exportLogsAsync(engine: Engine, input: ParsedInput<'log.export'>): Promise<Output<'log.export'>> {
  const built = buildInMemory(engine, input, {});
  let step = built.steps.next();
  for (let pages = 1; !step.done; pages++) {
    if (pages % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    step = built.steps.next();
  }
  return built.result(step.value);
}

function buildInMemory(engine: Engine, input: ParsedInput<'log.export'>, options: ExportOptions) {
  const { at = new Date(), maxBytes = MAX_EXPORT_BYTES } = options;
  const sockets = selectSockets(engine, input.ids);
  const sink = new ExportSink(maxBytes);
  const steps = exportSteps(engine, sockets, new CaptureEncoder(input.format, (chunk) => sink.append(chunk)), at);
  const result = ({ records, missing }: { records: number; missing: MissingBytes }): Output<'log.export'> => {
    const data = sink.take();
    return {
      fileName: exportFileName(input.ids, sockets, input.format, at),
      data,
      sockets: sockets.length,
      records,
      missingBytes: missing.in + missing.out,
    };
  };
  return { steps, result };
}

/** Writes the export to `destination` as it is read from the logs; resolves once all is handed over (not closed). */
export async function exportToStream(
  engine: Engine,
  request: ExportRequest,
  destination: Writable,
  options: StreamOptions = {},
): Promise<ExportSummary> {
  const { at = new Date(), signal, onProgress } = options;
  const sockets = selectSockets(engine, request.ids);
  let bytes = 0;
  let failure: Error | undefined;
  const onError = (error: Error): void => {
    failure = error;
  };
  destination.on('error', onError);
  try {
    const encoder = new CaptureEncoder(request.format, (chunk) => {
      bytes += chunk.byteLength;
      destination.write(chunk);
    });
    const steps = exportSteps(engine, sockets, encoder, at);
    for (let step = steps.next(); ; step = steps.next()) {
      if (failure) throw failure;
      onProgress?.(bytes);
      if (step.done) return { sockets: sockets.length, records: step.value.records, bytes, missing: step.value.missing };
      if (signal?.aborted) throw new EngineError('CANCELLED', 'The export was cancelled');
      if (destination.writableLength > HIGH_WATER_BYTES) await drained(destination, signal);
    }
  } finally {
    destination.off('error', onError);
  }
}

/**
 * Writes the export to the file at `path`, page by page. Resolves once the file is written and
 * closed (only then is it saved); a failure or a cancel removes the partial file.
 */
export async function exportToFile(engine: Engine, request: ExportRequest, path: string, options: StreamOptions = {}): Promise<ExportSummary> {
  const stream = await openForWriting(path);
  try {
    const summary = await exportToStream(engine, request, stream, options);
    stream.end();
    await once(stream, 'close');
    return summary;
  } catch (error) {
    stream.destroy();
    await once(stream, 'close').catch(() => undefined);
    await rm(path, { force: true });
    throw error instanceof EngineError ? error : fileError(path, error);
  }
}

async function drained(stream: Writable, signal: AbortSignal | undefined): Promise<void> {
  await Promise.race([once(stream, 'drain', { signal }), once(stream, 'close', { signal })]).catch(() => undefined);
}

/**
 * Writes the sockets' headers, then every held entry of every socket in time order (sockets
 * interleave; a capture reads best in the order things happened), yielding after each page.
 * What a log no longer holds is said before its first held entry, and where entries fell out
 * while the export was reading.
 */
export function* exportSteps(
  engine: Engine,
  sockets: SocketInfo[],
  encoder: CaptureEncoder,
  at: Date,
): Generator<void, { records: number; missing: MissingBytes }> {
  if (sockets.length === 0) throw new EngineError('NOTHING_TO_EXPORT', 'There are no sockets to export');
  encoder.begin(sockets.length, at);
  const reader = new LogReader(engine, encoder);
  for (const socket of sockets) reader.add(socket);
  yield* reader.run();
  return { records: encoder.records, missing: reader.missing };
}

interface Cursor {
  id: string;
  /** The next seq to read from the log. */
  next: number;
  page: LogEntry[];
  at: number;
  /** Payload bytes each way of the log's entries before `next`, read or not (see SocketLog.appendedIn). */
  before: MissingBytes;
}

/**
 * Reads sockets' logs into an encoder, merged in time order. `run` can be called again to read
 * what arrived since (a recording catching up with live traffic): it reads nothing, without
 * yielding, once every log is read to its end.
 */
export class LogReader {
  /** Bytes the logs no longer held when read: before their first held entry, and gaps while reading. */
  readonly missing: MissingBytes = { in: 0, out: 0 };
  private readonly cursors: Cursor[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly encoder: CaptureEncoder,
  ) {}

  /** Starts reading a socket's log at its oldest held entry, saying first what it no longer holds. */
  add(socket: SocketInfo): void {
    const { engine, encoder } = this;
    const head = engine.readLog(socket.id, 0, 0).head;
    encoder.addSocket(socket, head.dropped);
    const { dropped, held } = engine.logBytes(socket.id);
    // The socket's counters less what is held: an imported log also says what its file lacked.
    const missing =
      head.firstSeq === 0 ? { in: 0, out: 0 } : { in: Math.max(0, socket.bytesIn - held.in), out: Math.max(0, socket.bytesOut - held.out) };
    if (missing.in + missing.out > 0) {
      this.count(missing);
      const why = `Sockscope ${socket.id}: ${describeMissing(missing)} before this were no longer held in the log when it was exported`;
      encoder.missing(socket.id, missing, why, socket.createdAt, head.firstSeq);
    }
    this.cursors.push({ id: socket.id, next: head.firstSeq, page: [], at: 0, before: { ...dropped } });
  }

  /** Every entry not read yet, in time order, yielding after each page; returns how many. */
  *run(): Generator<void, number> {
    const heap = new EntryHeap(this.cursors.filter((cursor) => cursor.at < cursor.page.length || this.fill(cursor)));
    let written = 0;
    let sinceYield = 0;
    for (let cursor = heap.peek(); cursor; cursor = heap.peek()) {
      const entry = cursor.page[cursor.at++];
      this.encoder.entry(cursor.id, entry);
      if (cursor.at === cursor.page.length && !this.fill(cursor)) heap.pop();
      else heap.sift();
      written++;
      // A turn encodes a page of entries or TURN_BYTES of payload, whichever comes first.
      sinceYield += TURN_BYTES / PAGE_ENTRIES + (entry.dir === 'event' ? 0 : entry.bytes.byteLength);
      if (sinceYield >= TURN_BYTES) {
        sinceYield = 0;
        yield;
      }
    }
    return written;
  }

  /** Stops reading a socket (it was removed): its cursor goes. */
  remove(id: string): void {
    const index = this.cursors.findIndex((cursor) => cursor.id === id);
    if (index >= 0) this.cursors.splice(index, 1);
  }

  /**
   * Reads the cursor's next page; false when the log has no more (or the socket is gone). Entries
   * that fell out before they were read are marked where they were, and counted.
   */
  private fill(cursor: Cursor): boolean {
    let read: Output<'log.read'>;
    try {
      read = this.engine.readLog(cursor.id, cursor.next, PAGE_ENTRIES);
    } catch {
      return false;
    }
    const { head, entries } = read;
    if (head.firstSeq > cursor.next) {
      const { dropped } = this.engine.logBytes(cursor.id);
      const gap = { in: dropped.in - cursor.before.in, out: dropped.out - cursor.before.out };
      const lostEntries = head.firstSeq - cursor.next;
      cursor.before = { ...dropped };
      cursor.next = head.firstSeq;
      this.count(gap);
      const why = `Sockscope ${cursor.id}: ${lostEntries.toLocaleString('en-US')} log ${lostEntries === 1 ? 'entry' : 'entries'} (${describeMissing(gap)}) before this fell out of the log before they were read`;
      this.encoder.missing(cursor.id, gap, why, entries[0]?.time ?? now(), head.firstSeq);
    }
    if (entries.length === 0) return false;
    for (const entry of entries) if (entry.dir !== 'event') cursor.before[entry.dir] += entry.bytes.byteLength;
    cursor.page = entries;
    cursor.at = 0;
    cursor.next = entries[entries.length - 1].seq + 1;
    return true;
  }

  private count(missing: MissingBytes): void {
    this.missing.in += missing.in;
    this.missing.out += missing.out;
  }
}

/** A min-heap of cursors by the time of their next entry. */
class EntryHeap {
  constructor(private readonly items: Cursor[]) {
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  peek(): Cursor | undefined {
    return this.items[0];
  }

  /** The top cursor moved on: put it where it now belongs. */
  sift(): void {
    this.down(0);
  }

  pop(): void {
    const last = this.items.pop();
    if (last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private time(i: number): number {
    const cursor = this.items[i];
    return cursor.page[cursor.at].time;
  }

  private down(start: number): void {
    const { items } = this;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && this.time(left) < this.time(least)) least = left;
      if (right < items.length && this.time(right) < this.time(least)) least = right;
      if (least === i) return;
      [items[i], items[least]] = [items[least], items[i]];
      i = least;
    }
  }
}

/** Every held entry of a socket's log, read page by page. */
export function* logEntries(engine: Engine, id: string): Generator<LogEntry> {
  let from = 0;
  for (;;) {
    const { entries } = engine.readLog(id, from, MAX_LOG_READ);
    if (entries.length === 0) return;
    yield* entries;
    from = entries[entries.length - 1].seq + 1;
  }
}

/** The sockets asked for, in list order; a listener brings its accepted connections along, a proxy its conversations. */
export function selectSockets(engine: Engine, ids: readonly string[] | undefined): SocketInfo[] {
  const all = engine.snapshot().sockets;
  if (ids === undefined) return all;
  const chosen = new Map<string, SocketInfo>();
  for (const id of ids) {
    const socket = engine.info(id);
    chosen.set(id, socket);
    if (socket.kind === 'tcp-listener' || socket.kind === 'proxy') for (const other of all) if (other.parentId === id) chosen.set(other.id, other);
  }
  return [...chosen.values()];
}

export function exportFileName(ids: readonly string[] | undefined, sockets: SocketInfo[], format: CaptureFormat, at: Date): string {
  const subject = ids === undefined ? 'all' : ids.length === 1 ? ids[0] : `${sockets.length}-sockets`;
  return `sockscope-${subject}-${fileStamp(at)}.${format}`;
}

function tooLarge(limit: number): EngineError {
  return new EngineError(
    'TOO_LARGE',
    `The export would be larger than ${formatBytes(limit)}: save it to a file instead (Export writes as it reads), or export fewer sockets`,
  );
}

/** A growing buffer with a hard limit. */
class ExportSink {
  private buffer = new Uint8Array(64 * 1024);
  private length = 0;

  constructor(readonly limit: number) {}

  /** Everything written, as one right-sized array. */
  take(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.byteLength;
    if (needed > this.limit) throw tooLarge(this.limit);
    if (needed > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.buffer.byteLength * 2)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }
}
