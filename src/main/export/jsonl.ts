/**
 * The JSON Lines log file: one JSON object a line, so `grep`, `jq` and a line-by-line reader all
 * work on it. A header line, a line per socket (its SocketInfo as the contract defines it), then
 * a line per log entry; payloads in base64 (exact bytes, whatever they hold). Version 1:
 *
 *   {"type":"sockscope-log","version":1,"exportedAt":"2025-01-01T12:00:00.000Z","sockets":1}
 *   {"type":"socket","socket":{"id":"con-2","kind":"tcp-connection",…},"dropped":0}
 *   {"type":"entry","socket":"con-2","seq":3,"time":1735732800123.456,"timeUs":1735732800123456,"dir":"in","size":4,"data":"UElORw=="}
 *   {"type":"entry","socket":"con-2","seq":4,"time":1735732800200.1,"dir":"event","event":"closed","message":"Connection closed"}
 */
import { z } from 'zod';
import { Endpoint, LogEventKind, type LogEntry, LostBytes, SocketId, SocketInfo } from '@shared/contract';
import { base64ToBytes, bytesToBase64 } from '@shared/wire';
import { describeIssues } from '@shared/zod-issues';
import { EngineError } from '../engine/errors';

export const LOG_FILE_TYPE = 'sockscope-log';
export const LOG_FILE_VERSION = 1;

const HeaderLine = z.object({
  type: z.literal(LOG_FILE_TYPE),
  version: z.literal(LOG_FILE_VERSION, { error: `This file is of a newer format; this Sockscope reads version ${LOG_FILE_VERSION}` }),
  exportedAt: z.string(),
  sockets: z.number().int().nonnegative(),
});

const SocketLine = z.object({
  type: z.literal('socket'),
  socket: SocketInfo,
  /** Entries that had fallen out of the socket's log before the export. */
  dropped: z.number().int().nonnegative().default(0),
});

const entryFields = {
  type: z.literal('entry'),
  socket: SocketId,
  seq: z.number().int().nonnegative(),
  time: z.number().finite(),
  /** Since 0.1 (optional for older files): the same instant in whole microseconds. */
  timeUs: z.number().int().optional(),
};

const EntryLine = z.discriminatedUnion('dir', [
  z.object({
    ...entryFields,
    dir: z.enum(['in', 'out']),
    size: z.number().int().nonnegative(),
    data: z.string(),
    peer: Endpoint.optional(),
  }),
  z.object({
    ...entryFields,
    dir: z.literal('event'),
    event: LogEventKind,
    message: z.string(),
    code: z.string().optional(),
    lost: LostBytes.optional(),
  }),
]);

export interface SocketLogFile {
  socket: SocketInfo;
  dropped: number;
  entries: LogEntry[];
}

export function headerLine(sockets: number, exportedAt: Date): string {
  return JSON.stringify({ type: LOG_FILE_TYPE, version: LOG_FILE_VERSION, exportedAt: exportedAt.toISOString(), sockets });
}

export function socketLine(socket: SocketInfo, dropped: number): string {
  return JSON.stringify({ type: 'socket', socket, dropped });
}

export function entryLine(socketId: string, entry: LogEntry): string {
  const { seq, time } = entry;
  // Whole microseconds since the epoch, beside `time`: exact where a float's digits are not.
  const timeUs = Math.round(time * 1000);
  if (entry.dir === 'event') {
    const { event, message, code, lost } = entry;
    return JSON.stringify({ type: 'entry', socket: socketId, seq, time, timeUs, dir: 'event', event, message, code, lost });
  }
  const { dir, bytes, peer } = entry;
  return JSON.stringify({ type: 'entry', socket: socketId, seq, time, timeUs, dir, size: bytes.byteLength, data: bytesToBase64(bytes), peer });
}

/**
 * Reads a whole log file; every socket with its entries in file order. A line that is not what
 * the format says fails the whole file, with its line number: a log half read is worse than none.
 */
export function parseLogFile(text: string): SocketLogFile[] {
  const parser = new LogFileParser();
  for (const line of text.split('\n')) parser.line(line);
  return parser.finish();
}

/** Where a streaming parser hands what it reads (see LogFileParser). */
export interface LogFileSink {
  socket(file: SocketLogFile): void;
  entry(file: SocketLogFile, entry: LogEntry): void;
}

/** What a parser keeps of each socket's entries: the newest that fit, as the log would. */
export interface KeepLimits {
  maxEntries: number;
  maxBytes: number;
}

/**
 * The same reading, a line at a time, for a file that arrives as a stream. With `keep`, only the
 * newest entries a log could hold are kept (the older ones are counted in `dropped`), so a file
 * of any size is read in bounded memory.
 */
export class LogFileParser {
  private readonly sockets = new Map<string, SocketLogFile>();
  /** Per socket: index of its oldest kept entry, and the payload bytes kept. */
  private readonly kept = new Map<string, { start: number; bytes: number }>();
  private sawHeader = false;
  private lineNumber = 0;

  /**
   * With a `sink`, sockets and entries are handed over as they are read instead of kept (an
   * import that fills the engine's logs as the file arrives): `finish` then gives the sockets only.
   */
  constructor(
    private readonly keep?: KeepLimits,
    private readonly sink?: LogFileSink,
  ) {}

  line(line: string): void {
    this.lineNumber++;
    if (line.trim() === '') return;
    const lineNumber = this.lineNumber;
    const fail = (why: string): never => {
      throw new EngineError('INVALID_LOG_FILE', `Line ${lineNumber}: ${why}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      fail('not valid JSON');
    }
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (!this.sawHeader) {
      if (type !== LOG_FILE_TYPE) {
        throw new EngineError('INVALID_LOG_FILE', 'Not a Sockscope log: its first line should be {"type":"sockscope-log",…}');
      }
      const header = HeaderLine.safeParse(value);
      if (!header.success) fail(describeIssues(header.error));
      this.sawHeader = true;
      return;
    }
    if (type === 'socket') {
      const parsed = SocketLine.safeParse(value);
      if (!parsed.success) return fail(describeIssues(parsed.error));
      const { socket, dropped } = parsed.data;
      if (this.sockets.has(socket.id)) fail(`socket ${socket.id} is described twice`);
      const file: SocketLogFile = { socket, dropped, entries: [] };
      this.sockets.set(socket.id, file);
      this.sink?.socket(file);
    } else if (type === 'entry') {
      const parsed = EntryLine.safeParse(value);
      if (!parsed.success) return fail(describeIssues(parsed.error));
      const entry = parsed.data;
      const target = this.sockets.get(entry.socket) ?? fail(`an entry of socket ${entry.socket}, which no earlier line describes`);
      if (entry.dir === 'event') {
        const { seq, time, event, message, code, lost } = entry;
        this.keepEntry(target, {
          seq,
          time,
          dir: 'event',
          event,
          message,
          ...(code === undefined ? {} : { code }),
          ...(lost === undefined ? {} : { lost }),
        });
        return;
      }
      const bytes = base64ToBytes(entry.data) ?? fail('"data" is not base64');
      if (bytes.byteLength !== entry.size) fail(`"size" says ${entry.size} bytes but "data" holds ${bytes.byteLength}`);
      const { seq, time, dir, peer } = entry;
      this.keepEntry(target, peer ? { seq, time, dir, bytes: Uint8Array.from(bytes), peer } : { seq, time, dir, bytes: Uint8Array.from(bytes) });
    } else {
      fail(`unknown line type ${JSON.stringify(type)}`);
    }
  }

  finish(): SocketLogFile[] {
    if (!this.sawHeader) throw new EngineError('INVALID_LOG_FILE', 'The file is empty');
    if (this.sockets.size === 0) throw new EngineError('INVALID_LOG_FILE', 'The file holds no socket logs');
    for (const file of this.sockets.values()) this.compact(file);
    return [...this.sockets.values()];
  }

  private keepEntry(file: SocketLogFile, entry: LogEntry): void {
    if (this.sink) return this.sink.entry(file, entry);
    file.entries.push(entry);
    if (entry.dir !== 'event') this.bound(file);
  }

  /** Drops the socket's oldest entries past the limits (data entries only carry bytes). */
  private bound(file: SocketLogFile): void {
    if (!this.keep) return;
    const kept = this.kept.get(file.socket.id) ?? { start: 0, bytes: 0 };
    this.kept.set(file.socket.id, kept);
    const newest = file.entries[file.entries.length - 1];
    if (newest.dir !== 'event') kept.bytes += newest.bytes.byteLength;
    while (file.entries.length - kept.start > this.keep.maxEntries || kept.bytes > this.keep.maxBytes) {
      const oldest = file.entries[kept.start];
      if (oldest.dir !== 'event') kept.bytes -= oldest.bytes.byteLength;
      kept.start++;
      file.dropped++;
    }
    // Dropped entries are let go of in batches: shifting one at a time would be quadratic.
    if (kept.start > 1024 && kept.start * 2 > file.entries.length) this.compact(file);
  }

  private compact(file: SocketLogFile): void {
    const kept = this.kept.get(file.socket.id);
    if (!kept || kept.start === 0) return;
    file.entries = file.entries.slice(kept.start);
    kept.start = 0;
  }
}
