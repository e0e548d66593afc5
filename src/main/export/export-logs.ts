/**
 * Exports of what sockets' logs hold, as a JSON Lines file or a pcapng capture. `exportToStream`
 * and `exportToFile` write page by page, waiting for the destination to drain (a file, an HTTP
 * download), so an export is bounded by disk, not memory; `log.export` (small exports handed
 * over whole) builds the same bytes in memory up to MAX_EXPORT_BYTES.
 */
import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { MAX_EXPORT_BYTES, MAX_LOG_READ, type LogEntry, type Output, type ParsedInput, type SocketInfo } from '../../shared/contract';
import { formatBytes } from '../../shared/codec';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { CaptureEncoder, type CaptureFormat, describeMissing } from './capture-encoder';
import { fileError } from './file-errors';
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
    return { fileName: exportFileName(input.ids, sockets, input.format, at), data, sockets: sockets.length, records, missingBytes: missing.in + missing.out };
  };
  return { steps, result };
}

/** Writes the export to `destination` as it is read from the logs; resolves once all is handed over (not closed). */
export async function exportToStream(engine: Engine, request: ExportRequest, destination: Writable, options: StreamOptions = {}): Promise<ExportSummary> {
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
  const handle = await open(path, 'w').catch((error: unknown) => {
    throw fileError(path, error);
  });
  const stream = handle.createWriteStream();
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
 * What a log no longer holds is said before its first held entry.
 */
export function* exportSteps(
  engine: Engine,
  sockets: SocketInfo[],
  encoder: CaptureEncoder,
  at: Date,
): Generator<void, { records: number; missing: MissingBytes }> {
  if (sockets.length === 0) throw new EngineError('NOTHING_TO_EXPORT', 'There are no sockets to export');
  const total: MissingBytes = { in: 0, out: 0 };
  encoder.begin(sockets.length, at);
  const cursors: Cursor[] = [];
  for (const socket of sockets) {
    const head = engine.readLog(socket.id, 0, 0).head;
    encoder.addSocket(socket, head.dropped);
    const missing = missingFrom(engine, socket, head.firstSeq, head.nextSeq);
    if (missing.in + missing.out > 0) {
      total.in += missing.in;
      total.out += missing.out;
      const why = `Sockscope ${socket.id}: ${describeMissing(missing)} before this were no longer held in the log when it was exported`;
      encoder.missing(socket.id, missing, why, socket.createdAt, head.firstSeq);
    }
    const cursor = { id: socket.id, next: head.firstSeq, page: [] as LogEntry[], at: 0 };
    if (fill(engine, cursor)) cursors.push(cursor);
  }
  const heap = new EntryHeap(cursors);
  let written = 0;
  for (let cursor = heap.peek(); cursor; cursor = heap.peek()) {
    encoder.entry(cursor.id, cursor.page[cursor.at++]);
    if (cursor.at === cursor.page.length && !fill(engine, cursor)) heap.pop();
    else heap.sift();
    if (++written % PAGE_ENTRIES === 0) yield;
  }
  return { records: encoder.records, missing: total };
}

interface Cursor {
  id: string;
  /** The next seq to read from the log. */
  next: number;
  page: LogEntry[];
  at: number;
}

/** Reads the cursor's next page; false when the log has no more (or the socket is gone). */
function fill(engine: Engine, cursor: Cursor): boolean {
  let entries: LogEntry[];
  try {
    entries = engine.readLog(cursor.id, cursor.next, PAGE_ENTRIES).entries;
  } catch {
    return false;
  }
  if (entries.length === 0) return false;
  cursor.page = entries;
  cursor.at = 0;
  cursor.next = entries[entries.length - 1].seq + 1;
  return true;
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

/**
 * What the socket carried each way that its log no longer holds: its counters less the held
 * payloads (entries fall out oldest first, so the missing bytes all come before the first held one).
 */
function missingFrom(engine: Engine, socket: SocketInfo, firstSeq: number, nextSeq: number): MissingBytes {
  if (firstSeq === 0) return { in: 0, out: 0 };
  const held = { in: 0, out: 0 };
  for (let seq = firstSeq; seq < nextSeq; seq++) {
    const entry = engine.peekLog(socket.id, seq);
    if (entry && entry.dir !== 'event') held[entry.dir] += entry.bytes.byteLength;
  }
  return { in: Math.max(0, socket.bytesIn - held.in), out: Math.max(0, socket.bytesOut - held.out) };
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

/** The sockets asked for, in list order; a listener brings its accepted connections along. */
export function selectSockets(engine: Engine, ids: readonly string[] | undefined): SocketInfo[] {
  const all = engine.snapshot().sockets;
  if (ids === undefined) return all;
  const chosen = new Map<string, SocketInfo>();
  for (const id of ids) {
    const socket = engine.info(id);
    chosen.set(id, socket);
    if (socket.kind === 'tcp-listener') for (const other of all) if (other.parentId === id) chosen.set(other.id, other);
  }
  return [...chosen.values()];
}

export function exportFileName(ids: readonly string[] | undefined, sockets: SocketInfo[], format: CaptureFormat, at: Date): string {
  const subject = ids === undefined ? 'all' : ids.length === 1 ? ids[0] : `${sockets.length}-sockets`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `sockscope-${subject}-${stamp}.${format}`;
}

function tooLarge(limit: number): EngineError {
  return new EngineError('TOO_LARGE', `The export would be larger than ${formatBytes(limit)}: save it to a file instead (Export writes as it reads), or export fewer sockets`);
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
