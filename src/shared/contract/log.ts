/** A socket's log: entries, heads, frames, search, export and import. */
import { z } from 'zod';
import { command, schemaOnUse } from '../built-on-use';
import { DecoderChoice, FramingSpec } from '../framing';
import { Bytes, Endpoint, SocketId } from './basics';
import { MAX_IMPORT_BYTES, MAX_LOG_READ, MAX_SEARCH_MATCHES } from './log-limits';
import { SocketInfo } from './sockets';

export * from './log-limits';

export const LogEventKind = schemaOnUse(() =>
  z.enum(['connecting', 'connected', 'listening', 'accepted', 'bound', 'peer-closed', 'half-closed', 'closed', 'reset', 'error', 'info']),
);

const LogEntryBase = schemaOnUse(() =>
  z.object({
    seq: z.number().int().nonnegative(),
    /** Epoch milliseconds with sub-millisecond precision. */
    time: z.number(),
  }),
);

export const DataLogEntry = schemaOnUse(() =>
  LogEntryBase.extend({
    dir: z.enum(['in', 'out']),
    bytes: Bytes,
    /** UDP: the datagram's peer (sender for `in`, target for `out`). */
    peer: Endpoint.optional(),
  }),
);

/**
 * Bytes of one direction that went missing on the way and are in no data entry: a proxy read them
 * from one side and never delivered them to the other (a toxic dropped them, a held message was
 * dropped, the conversation ended first). `in` is server → client, `out` client → server, as a
 * conversation's data entries are. A capture of the conversation leaves a gap of that size on the
 * side that sent them, and says why.
 */
export const LostBytes = schemaOnUse(() => z.object({ dir: z.enum(['in', 'out']), bytes: z.number().int().positive() }));

export const EventLogEntry = schemaOnUse(() =>
  LogEntryBase.extend({
    dir: z.literal('event'),
    event: LogEventKind,
    message: z.string(),
    code: z.string().optional(),
    lost: LostBytes.optional(),
  }),
);

export const LogEntry = schemaOnUse(() => z.discriminatedUnion('dir', [DataLogEntry, EventLogEntry]));

/** Where a socket's log stands: entries [firstSeq, nextSeq) are held; `dropped` fell out of the ring. */
export const LogHead = schemaOnUse(() =>
  z.object({
    id: SocketId,
    firstSeq: z.number().int().nonnegative(),
    nextSeq: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    /** Payload bytes currently held. */
    bytes: z.number().int().nonnegative(),
    /** Of `dropped`, the entries taken to keep all logs within the process's memory budget. */
    budgetDropped: z.number().int().nonnegative().optional(),
    /**
     * What `dropped` and `budgetDropped` were when the log was last cleared: the counts go on across
     * a clear (exports and statistics add them up), and only the difference fell out of what the
     * user has seen since.
     */
    cleared: z.object({ dropped: z.number().int().nonnegative(), budgetDropped: z.number().int().nonnegative() }).optional(),
  }),
);

/** A frame under the socket's framing: a data entry whose `seq` and `time` are its first chunk's. */
export const FrameInfo = schemaOnUse(() =>
  z.object({
    /** The chunk that completed it (the last one so far, while pending). */
    lastSeq: z.number().int().nonnegative(),
    /** The whole frame; `bytes` holds at most its first MiB. */
    length: z.number().int().nonnegative(),
    chunks: z.number().int().positive(),
    /** False while the frame waits for the rest of its bytes. */
    complete: z.boolean(),
    /** Framing bytes at the start (length header) and end (delimiter). */
    head: z.number().int().nonnegative(),
    tail: z.number().int().nonnegative(),
    problem: z.string().optional(),
    /** Pending: the whole frame's length, when the framing tells it. */
    expected: z.number().nonnegative().optional(),
  }),
);

/** Frames, and the log's events between them, numbered by `index` in the order they completed. */
export const FrameItem = schemaOnUse(() =>
  z.discriminatedUnion('dir', [
    DataLogEntry.extend({ index: z.number().int().nonnegative(), frame: FrameInfo }),
    EventLogEntry.extend({ index: z.number().int().nonnegative() }),
  ]),
);

/** Items [firstIndex, nextIndex) are held; `pending` frames follow them. A new generation starts over. */
export const FramesHead = schemaOnUse(() =>
  z.object({
    id: SocketId,
    generation: z.number().int().nonnegative(),
    framing: FramingSpec,
    firstIndex: z.number().int().nonnegative(),
    nextIndex: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    pending: z.array(FrameItem),
    /** Older log entries are still to be framed (a large log is framed a slice per read): read again. */
    behind: z.boolean(),
  }),
);

export const LogDirection = schemaOnUse(() => z.enum(['any', 'in', 'out']));

/** Neither text nor hex: every data entry of `direction` matches (a direction filter). */
export const LogSearchQuery = schemaOnUse(() =>
  z
    .object({
      /** Text with the send bar's escapes (`\r\n`), matched as UTF-8 bytes. */
      text: z.string().max(4096, 'Search text is at most 4096 characters').optional(),
      hex: z.string().max(16384, 'Search bytes are at most 16384 characters of hex').optional(),
      direction: LogDirection.default('any'),
      /** ASCII letters only: other characters always match exactly. */
      caseSensitive: z.boolean().default(false),
    })
    .refine((q) => q.text === undefined || q.hex === undefined, 'Search for text or for hex bytes, not both'),
);

export type LogEventKind = z.infer<typeof LogEventKind>;

export type DataLogEntry = z.infer<typeof DataLogEntry>;

export type EventLogEntry = z.infer<typeof EventLogEntry>;

export type LostBytes = z.infer<typeof LostBytes>;

export type LogEntry = z.infer<typeof LogEntry>;

export type LogHead = z.infer<typeof LogHead>;

export type LogDirection = z.infer<typeof LogDirection>;

export type LogSearchQuery = z.infer<typeof LogSearchQuery>;

export type FrameInfo = z.infer<typeof FrameInfo>;

export type FrameItem = z.infer<typeof FrameItem>;

export type FramesHead = z.infer<typeof FramesHead>;

export const logCommands = {
  'log.read': command(() => ({
    input: z.object({
      id: SocketId,
      fromSeq: z.number().int().nonnegative(),
      count: z.number().int().positive().max(MAX_LOG_READ),
    }),
    output: z.object({ head: LogHead, entries: z.array(LogEntry) }),
  })),
  'log.clear': command(() => ({ input: z.object({ id: SocketId }), output: LogHead })),
  /** These sockets' logs (all when `ids` is left out; a listener brings its connections) as a file. */
  'log.export': command(() => ({
    input: z.object({ ids: z.array(SocketId).min(1).max(100_000).optional(), format: z.enum(['jsonl', 'pcapng']) }),
    /** `records`: the log entries (JSON Lines) or packets (pcapng) written. */
    output: z.object({ fileName: z.string(), data: Bytes, sockets: z.number(), records: z.number(), missingBytes: z.number().optional() }),
  })),
  /** A JSON Lines export read back as read-only sockets of kind 'imported'. */
  'log.import': command(() => ({
    input: z.object({
      fileName: z.string().trim().min(1).max(255),
      data: Bytes.refine((b) => b.byteLength <= MAX_IMPORT_BYTES, {
        message: `A log to import is limited to ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB`,
      }),
    }),
    output: z.object({ sockets: z.array(SocketInfo) }),
  })),
  /**
   * Seqs of entries matching a query, scanning from `fromSeq` (down from it when `backwards`), at
   * most `limit` of them and a bounded amount of log per call: continue from `cursor` until `done`.
   * A match lies within one entry.
   */
  'log.search': command(() => ({
    input: z.object({
      id: SocketId,
      query: LogSearchQuery,
      fromSeq: z.number().int().nonnegative(),
      backwards: z.boolean().default(false),
      limit: z.number().int().positive().max(MAX_SEARCH_MATCHES).default(1000),
    }),
    output: z.object({
      head: LogHead,
      /** Ascending, or descending when searching backwards. */
      matches: z.array(z.number().int().nonnegative()),
      /** Where the next call continues (-1 once a backward search has passed the start). */
      cursor: z.number().int().min(-1),
      /** Nothing is left to scan in that direction (as far as the log reached during this call). */
      done: z.boolean(),
    }),
  })),
  /**
   * The same search over a framed socket's frames (and the log events between them), so that a
   * message cut across reads is found whole: frame indexes as `log.readFrames` numbers them, under
   * framing `generation`. Pending frames are not searched until they are complete.
   */
  'log.searchFrames': command(() => ({
    input: z.object({
      id: SocketId,
      query: LogSearchQuery,
      fromIndex: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(MAX_SEARCH_MATCHES).default(1000),
    }),
    output: z.object({
      generation: z.number().int(),
      firstIndex: z.number().int().nonnegative(),
      nextIndex: z.number().int().nonnegative(),
      /** Ascending frame indexes. */
      matches: z.array(z.number().int().nonnegative()),
      cursor: z.number().int().nonnegative(),
      /** Every frame so far was searched (framing has caught up with the log, too). */
      done: z.boolean(),
    }),
  })),
  /** A socket's framing and/or decoder; set on a listener, its connections follow. */
  'framing.set': command(() => ({
    input: z.object({ id: SocketId, framing: FramingSpec.optional(), decoder: DecoderChoice.optional() }),
    output: SocketInfo,
  })),
  /** Frames under the socket's framing, from `fromIndex` (negative: that many back from the end). */
  'log.readFrames': command(() => ({
    input: z.object({ id: SocketId, fromIndex: z.number().int(), count: z.number().int().positive().max(MAX_LOG_READ) }),
    output: z.object({ head: FramesHead, frames: z.array(FrameItem) }),
  })),
  /** One complete frame's bytes, whole up to MAX_FRAME_DECODE_BYTES (a read gives a frame's first MiB). */
  'log.readFrameBytes': command(() => ({
    input: z.object({ id: SocketId, index: z.number().int().nonnegative() }),
    output: z.object({ bytes: Bytes }),
  })),
} as const;
