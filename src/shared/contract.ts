/**
 * The one contract between the socket engine (main process) and every front end
 * (Electron renderer, browser host, command line). Every type that crosses a process
 * boundary is inferred from a zod schema here; nothing is declared twice.
 */
import { z } from 'zod';
import { MacroPayload } from './macro-payload';
import { sequenceCommands } from './sequences';
import { AutoReplyRules, AutoReplyState } from './auto-reply';
import { DecoderChoice, FramingSpec } from './framing';
import { RestoreOutcome, SessionStatus, UiLayout } from './session';
import { logBudgetCommands } from './log-budget';
import { isIPv6, unbracket } from './address';
import { NetworkInterface, MulticastGroup, InterfaceName, UdpOptions, UdpSettings } from './network';
import { captureCommands } from './capture';
import { fileDialogCommands, FileProgressEvent } from './file-dialogs';
import { TlsClientOptions, TlsListenOptions, TlsSettings, TlsSummary } from './tls';
import { UiCommandEvent } from './ui-command';
import { ConversationDetails, ProxySettings, proxyCommands } from './proxy';

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

const portNumber = (min: number): z.ZodNumber => {
  const range = `Port must be between ${min} and 65535`;
  return z.number({ error: 'Port must be a number' }).int('Port must be a whole number').min(min, range).max(65535, range);
};

/** A port to bind: 0 lets the system pick a free one. */
export const Port = portNumber(0);

/** A port a peer can be reached on. */
export const PeerPort = portNumber(1);

export const Host = z
  .string()
  .trim()
  .min(1, 'Host is required')
  .max(253, 'Host name is too long')
  .refine((h) => !/[\s/]/.test(h), 'Host must be a name or an IP address, without spaces or slashes')
  // `[::1]` as in URLs: the brackets are for people, sockets take the bare address.
  .refine((h) => !h.startsWith('[') || isIPv6(unbracket(h)), 'Brackets are for IPv6 addresses, e.g. [::1]')
  .transform(unbracket);

export const SocketId = z.string().min(1).max(64);

export const Bytes = z.instanceof(Uint8Array, { message: 'Expected bytes' });

export const Endpoint = z.object({
  address: z.string(),
  port: Port,
  family: z.enum(['IPv4', 'IPv6']),
});

export const Target = z.object({ host: Host, port: PeerPort });

export const SocketKind = z.enum(['tcp-client', 'tcp-listener', 'tcp-connection', 'udp', 'imported', 'proxy', 'proxy-conversation']);

export const SocketState = z.enum([
  'connecting',
  'open',
  'listening',
  /** One side has sent FIN; the other may still send. */
  'half-closed',
  'closed',
  'error',
]);

export const ErrorInfo = z.object({
  /** A system code such as ECONNREFUSED, or one of Sockscope's own (INVALID_INPUT, NOT_FOUND, …). */
  code: z.string(),
  /** A sentence a person understands, shown as it is. */
  message: z.string(),
});

/** A repeated send (`send.repeat`) on this socket: the running one, else the last one and how it ended. */
export const RepeatStatus = z.object({
  jobId: z.string(),
  state: z.enum(['running', 'finished', 'stopped', 'failed']),
  /** Sends completed so far. */
  sent: z.number().int().nonnegative(),
  /** Absent: every `intervalMs` until stopped. */
  total: z.number().int().positive().optional(),
  intervalMs: z.number().int().nonnegative(),
  /** The size of each send. */
  bytes: z.number().int().nonnegative(),
  /** Why a failed repeat stopped. */
  error: ErrorInfo.optional(),
});

/**
 * What changes with traffic. SocketInfo carries it; `socket.stats` carries it alone (socket-stats.ts).
 * A function, so that each schema has its own instances (written out in the JSON Schema, not as refs).
 */
const socketCounters = () => ({
  bytesIn: z.number(),
  bytesOut: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  /** Bytes handed to the kernel-side write queue but not yet flushed (backpressure). */
  queuedBytes: z.number(),
  /** Epoch milliseconds of the last byte in or out. */
  lastActivityAt: z.number().optional(),
  /** The running repeated send (send.repeat), else the last one and how it ended. */
  repeat: RepeatStatus.optional(),
});

export const SocketInfo = z.object({
  id: SocketId,
  kind: SocketKind,
  /** For an accepted connection: the listener that accepted it. */
  parentId: SocketId.optional(),
  state: SocketState,
  local: Endpoint.optional(),
  remote: Endpoint.optional(),
  /** What the user asked for (host name before resolution), for display while connecting. */
  requested: Target.optional(),
  /** UDP: where a send without an explicit target goes. */
  defaultTarget: Target.optional(),
  ...socketCounters(),
  /** TCP: stays open after the peer's FIN until the user closes it (see tcp.connect / tcp.listen). */
  keepHalfOpen: z.boolean().optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  error: ErrorInfo.optional(),
  /** Listener or UDP socket: its auto-reply rules with hit counts, once any were set. */
  autoReply: AutoReplyState.optional(),
  /** Kind 'imported': a read-only log read from a file, and what the socket was when exported. */
  importedFrom: z.object({ fileName: z.string(), kind: SocketKind.exclude(['imported']), id: SocketId }).optional(),
  /** How the log is cut into frames for viewing (src/shared/framing.ts); absent: raw chunks. */
  framing: FramingSpec.optional(),
  /** Which decoder the Decoded view uses; absent: auto. */
  decoder: DecoderChoice.optional(),
  /** TLS sockets: the handshake (once done) and the certificates; a TLS listener: the one it presents. */
  tls: TlsSummary.optional(),
  /** TLS clients and listeners: the options they were opened with, without private keys. */
  tlsSettings: TlsSettings.optional(),
  /** UDP: broadcast, TTLs and multicast memberships as set through Sockscope. */
  udp: UdpSettings.optional(),
  /** UDP, where the OS tells (Linux): datagrams the kernel dropped because the receive buffer was full. */
  kernelDrops: z.number().int().nonnegative().optional(),
  /** Kind 'proxy': where it listens and forwards, and its toxics (src/shared/proxy.ts). */
  proxy: ProxySettings.optional(),
  /** Kind 'proxy-conversation': the upstream side; `remote` is the client, `local` the proxy. */
  conversation: ConversationDetails.optional(),
});

/**
 * What changes with traffic (counters, queue, repeat progress, auto-reply hit counts), sent as
 * `socket.stats` without the settings a SocketInfo carries (certificates, rules…); see socket-stats.ts.
 */
export const SocketStats = z.object({
  id: SocketId,
  ...socketCounters(),
  kernelDrops: SocketInfo.shape.kernelDrops,
  /** Hit counts of the socket's auto-replies: echo, and by rule id. */
  autoReplyHits: z.object({ echo: z.number().int().nonnegative(), rules: z.record(z.string(), z.number().int().nonnegative()) }).optional(),
});

export const LogEventKind = z.enum([
  'connecting',
  'connected',
  'listening',
  'accepted',
  'bound',
  'peer-closed',
  'half-closed',
  'closed',
  'reset',
  'error',
  'info',
]);

const LogEntryBase = z.object({
  seq: z.number().int().nonnegative(),
  /** Epoch milliseconds with sub-millisecond precision. */
  time: z.number(),
});

export const DataLogEntry = LogEntryBase.extend({
  dir: z.enum(['in', 'out']),
  bytes: Bytes,
  /** UDP: the datagram's peer (sender for `in`, target for `out`). */
  peer: Endpoint.optional(),
});

export const EventLogEntry = LogEntryBase.extend({
  dir: z.literal('event'),
  event: LogEventKind,
  message: z.string(),
  code: z.string().optional(),
});

export const LogEntry = z.discriminatedUnion('dir', [DataLogEntry, EventLogEntry]);

/** Where a socket's log stands: entries [firstSeq, nextSeq) are held; `dropped` fell out of the ring. */
export const LogHead = z.object({
  id: SocketId,
  firstSeq: z.number().int().nonnegative(),
  nextSeq: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  /** Payload bytes currently held. */
  bytes: z.number().int().nonnegative(),
  /** Of `dropped`, the entries taken to keep all logs within the process's memory budget. */
  budgetDropped: z.number().int().nonnegative().optional(),
});

/** A frame under the socket's framing: a data entry whose `seq` and `time` are its first chunk's. */
export const FrameInfo = z.object({
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
});

/** Frames, and the log's events between them, numbered by `index` in the order they completed. */
export const FrameItem = z.discriminatedUnion('dir', [
  DataLogEntry.extend({ index: z.number().int().nonnegative(), frame: FrameInfo }),
  EventLogEntry.extend({ index: z.number().int().nonnegative() }),
]);

/** Items [firstIndex, nextIndex) are held; `pending` frames follow them. A new generation starts over. */
export const FramesHead = z.object({
  id: SocketId,
  generation: z.number().int().nonnegative(),
  framing: FramingSpec,
  firstIndex: z.number().int().nonnegative(),
  nextIndex: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  pending: z.array(FrameItem),
  /** Older log entries are still to be framed (a large log is framed a slice per read): read again. */
  behind: z.boolean(),
});

/** Payloads larger than this are refused at the boundary with a clear message. */
export const MAX_SEND_BYTES = 16 * 1024 * 1024;
export const MAX_LOG_READ = 2000;
/** A frame read whole for the Decoded view: within what the host's WebSocket carries in one message. */
export const MAX_FRAME_DECODE_BYTES = 8 * 1024 * 1024;

/** An export is built in memory before it is handed over; beyond this it is refused. */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;
/** What the browser host's WebSocket carries in one message, base64 included. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const SendData = Bytes.refine((b) => b.byteLength <= MAX_SEND_BYTES, {
  message: `A single send is limited to ${MAX_SEND_BYTES / (1024 * 1024)} MiB`,
});

// ---------------------------------------------------------------------------
// Ports on this machine: the Ports view and `sockscope ports` (src/main/ports)
// ---------------------------------------------------------------------------

export const PortProtocol = z.enum(['tcp', 'udp']);

/** TCP states by their netstat names; UDP is BOUND (takes datagrams from anyone) or CONNECTED (to one peer). */
export const PortState = z.enum([
  'LISTEN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECEIVED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'TIME_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSING',
  'CLOSED',
  'BOUND',
  'CONNECTED',
  'UNKNOWN',
]);

export const PortRow = z.object({
  protocol: PortProtocol,
  local: Endpoint,
  /** The peer of a connection; absent for a listening TCP socket or an unconnected UDP one. */
  remote: Endpoint.optional(),
  state: PortState,
  /** The owning process, when the OS tells it. */
  pid: z.number().int().nonnegative().optional(),
  process: z.string().optional(),
  /** The full command line where the OS gives it (Linux), to tell processes of one name apart. */
  command: z.string().optional(),
  /** An owner exists but the OS does not show it to this user (another user's process, without root). */
  processHidden: z.boolean().optional(),
  /** The port's well-known service (80 http, 5432 postgresql), from Sockscope's own table. */
  service: z.string().optional(),
  /** A socket of this Sockscope process. */
  own: z.boolean(),
  /** When it is one of the engine's sockets: its id in the socket list. */
  socketId: SocketId.optional(),
});

export const PortFilter = z.object({
  protocol: PortProtocol.optional(),
  /** Only listening TCP sockets and unconnected (bound) UDP sockets. */
  listening: z.boolean().optional(),
  /** The local or the remote port. */
  port: Port.optional(),
  /** Part of the process name (any case), or its pid. */
  process: z.string().trim().min(1, 'Process is empty').max(200).optional(),
  state: PortState.optional(),
});

// ---------------------------------------------------------------------------
// Payloads, repeated sends, saved messages and log search (src/shared/payload.ts, src/main/library.ts)
// ---------------------------------------------------------------------------

/** How a typed payload becomes bytes: text with escapes (\n \xNN \u{…}), hex or base64. */
export const PayloadFormat = z.enum(['text', 'hex', 'base64']);

export const MAX_REPEAT_COUNT = 1_000_000;
export const MAX_REPEAT_INTERVAL_MS = 86_400_000;

export const RepeatRequest = z
  .object({
    id: SocketId,
    data: SendData,
    target: Target.optional(),
    /** Text with macros, evaluated by main for each send (`data` is then the first send's bytes, for show). */
    macros: MacroPayload.optional(),
    /** How many sends; without an interval they go back to back, each once the previous was taken. */
    count: z
      .number({ error: 'Count must be a number' })
      .int('Count must be a whole number')
      .min(1, 'Count must be at least 1')
      .max(MAX_REPEAT_COUNT, `Count is at most ${MAX_REPEAT_COUNT.toLocaleString('en-US')}`)
      .optional(),
    /** Time from one send's start to the next; without a count, until cancelled. */
    intervalMs: z
      .number({ error: 'Interval must be a number' })
      .int('Interval must be a whole number of milliseconds')
      .min(1, 'Interval must be at least 1 ms')
      .max(MAX_REPEAT_INTERVAL_MS, 'Interval is at most a day')
      .optional(),
  })
  .refine((r) => r.count !== undefined || r.intervalMs !== undefined, 'Give a count, an interval, or both');

export const SavedMessageId = z.string().min(1).max(64);
export const MAX_SAVED_PAYLOAD_CHARS = 1024 * 1024;
export const MAX_SAVED_MESSAGES = 1000;
/** An exported library of MAX_SAVED_MESSAGES large payloads would be bigger; this is plenty in practice. */
export const MAX_LIBRARY_FILE_CHARS = 16 * 1024 * 1024;

export const SavedMessage = z.object({
  id: SavedMessageId,
  name: z.string().trim().min(1, 'Give the message a name').max(80, 'A name is at most 80 characters'),
  format: PayloadFormat,
  /** As the user typed it, in `format`; parsed when sent. */
  payload: z.string().max(MAX_SAVED_PAYLOAD_CHARS, 'A saved payload is at most 1 MiB of text'),
  /** UDP: where it goes (otherwise the send bar's target); ignored by TCP sockets. */
  target: Target.optional(),
});

export const LogDirection = z.enum(['any', 'in', 'out']);
export const MAX_SEARCH_MATCHES = 10_000;

/** Neither text nor hex: every data entry of `direction` matches (a direction filter). */
export const LogSearchQuery = z
  .object({
    /** Text with the send bar's escapes (`\r\n`), matched as UTF-8 bytes. */
    text: z.string().max(4096, 'Search text is at most 4096 characters').optional(),
    hex: z.string().max(16384, 'Search bytes are at most 16384 characters of hex').optional(),
    direction: LogDirection.default('any'),
    /** ASCII letters only: other characters always match exactly. */
    caseSensitive: z.boolean().default(false),
  })
  .refine((q) => q.text === undefined || q.hex === undefined, 'Search for text or for hex bytes, not both');

// ---------------------------------------------------------------------------
// Commands: request → typed result
// ---------------------------------------------------------------------------

const Ok = z.object({});

export const commands = {
  ...captureCommands,
  ...sequenceCommands,
  /** Everything a window needs to start: all sockets and where their logs stand. */
  'app.snapshot': {
    input: Ok,
    output: z.object({ rev: z.number(), sockets: z.array(SocketInfo), logs: z.array(LogHead) }),
  },
  'tcp.connect': {
    input: z.object({
      host: Host,
      port: PeerPort,
      timeoutMs: z.number().int().positive().max(600_000).default(10_000),
      /** After the peer's FIN, keep our side open so the user can still reply (like `nc -N` peers expect). */
      keepHalfOpen: z.boolean().optional(),
      /** TLS over the connection; the timeout covers the handshake too. */
      tls: TlsClientOptions.optional(),
    }),
    output: SocketInfo,
  },
  'tcp.listen': {
    input: z.object({
      host: Host,
      port: Port,
      backlog: z.number().int().positive().max(65535).optional(),
      /** After the peer's FIN, keep each accepted connection's side open so the user can still reply (like `nc -N` peers expect). */
      keepHalfOpen: z.boolean().optional(),
      /** Every accepted connection speaks TLS. */
      tls: TlsListenOptions.optional(),
    }),
    output: SocketInfo,
  },
  'udp.bind': {
    input: z.object({
      host: Host,
      port: Port,
      defaultTarget: Target.optional(),
      /** SO_BROADCAST from the start (see udp.setOptions). */
      broadcast: z.boolean().optional(),
    }),
    output: SocketInfo,
  },
  /** To a TCP socket; to a listener means to every open accepted connection; UDP takes a target. */
  'socket.send': {
    input: z.object({ id: SocketId, data: SendData, target: Target.optional() }),
    output: z.object({ bytes: z.number(), recipients: z.number() }),
  },
  /** Graceful: TCP sends FIN and closes when done; a listener stops; UDP unbinds. */
  'socket.close': { input: z.object({ id: SocketId }), output: Ok },
  /** TCP: close our sending side (FIN) and keep receiving. */
  'socket.halfClose': { input: z.object({ id: SocketId }), output: Ok },
  /** TCP: abort with RST. */
  'socket.reset': { input: z.object({ id: SocketId }), output: Ok },
  'listener.stop': {
    input: z.object({ id: SocketId, closeConnections: z.boolean().default(false) }),
    output: Ok,
  },
  /** Forget a closed socket (and its log); an open one is closed first. */
  'socket.remove': { input: z.object({ id: SocketId }), output: Ok },
  'udp.setDefaultTarget': {
    input: z.object({ id: SocketId, target: Target.optional() }),
    output: SocketInfo,
  },
  'log.read': {
    input: z.object({
      id: SocketId,
      fromSeq: z.number().int().nonnegative(),
      count: z.number().int().positive().max(MAX_LOG_READ),
    }),
    output: z.object({ head: LogHead, entries: z.array(LogEntry) }),
  },
  'log.clear': { input: z.object({ id: SocketId }), output: LogHead },
  /** Listener (for every accepted connection) or UDP socket (to each datagram's sender). */
  'autoReply.set': {
    input: z.object({
      id: SocketId,
      echo: z.boolean().default(false),
      rules: AutoReplyRules.default([]),
      framing: FramingSpec.default(() => ({ mode: 'raw' as const })),
    }),
    output: AutoReplyState,
  },
  /** These sockets' logs (all when `ids` is left out; a listener brings its connections) as a file. */
  'log.export': {
    input: z.object({ ids: z.array(SocketId).min(1).max(100_000).optional(), format: z.enum(['jsonl', 'pcapng']) }),
    /** `records`: the log entries (JSON Lines) or packets (pcapng) written. */
    output: z.object({ fileName: z.string(), data: Bytes, sockets: z.number(), records: z.number(), missingBytes: z.number().optional() }),
  },
  /** A JSON Lines export read back as read-only sockets of kind 'imported'. */
  'log.import': {
    input: z.object({
      fileName: z.string().trim().min(1).max(255),
      data: Bytes.refine((b) => b.byteLength <= MAX_IMPORT_BYTES, {
        message: `A log to import is limited to ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB`,
      }),
    }),
    output: z.object({ sockets: z.array(SocketInfo) }),
  },
  /** Every TCP and UDP socket on this machine, as the OS reports it (see src/main/ports). */
  'ports.list': {
    input: PortFilter,
    output: z.object({
      rows: z.array(PortRow),
      /** Rows whose owning process the OS keeps from this user (see PortRow.processHidden). */
      hiddenProcesses: z.number().int().nonnegative(),
      /** Where the rows come from, e.g. `/proc/net`, `lsof`, `netstat -ano`. */
      source: z.string(),
      /** What the user should know about what is missing, in a sentence. */
      note: z.string().optional(),
    }),
  },
  /** The same payload `count` times and/or every `intervalMs`; progress shows as SocketInfo.repeat. */
  'send.repeat': { input: RepeatRequest, output: z.object({ jobId: z.string() }) },
  /** Stops a repeated send; stopping one that has ended is not an error. */
  'send.cancel': { input: z.object({ jobId: z.string().min(1).max(64) }), output: Ok },
  /**
   * Seqs of entries matching a query, scanning from `fromSeq` (down from it when `backwards`), at
   * most `limit` of them and a bounded amount of log per call: continue from `cursor` until `done`.
   * A match lies within one entry.
   */
  'log.search': {
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
  },
  /**
   * The same search over a framed socket's frames (and the log events between them), so that a
   * message cut across reads is found whole: frame indexes as `log.readFrames` numbers them, under
   * framing `generation`. Pending frames are not searched until they are complete.
   */
  'log.searchFrames': {
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
  },
  /** Saved messages, shared by every window and tab (kept in main). */
  'library.list': { input: Ok, output: z.object({ messages: z.array(SavedMessage) }) },
  /** Without an id: a new message; with one: replaces that message. */
  'library.save': { input: SavedMessage.extend({ id: SavedMessageId.optional() }), output: SavedMessage },
  'library.remove': { input: z.object({ id: SavedMessageId }), output: Ok },
  /** A file written by library.export; `merge` replaces messages with the same id and adds the rest. */
  'library.import': {
    input: z.object({
      text: z.string().max(MAX_LIBRARY_FILE_CHARS, 'That file is too large for a saved-messages file'),
      mode: z.enum(['merge', 'replace']).default('merge'),
    }),
    output: z.object({ imported: z.number().int().nonnegative(), messages: z.array(SavedMessage) }),
  },
  'library.export': { input: Ok, output: z.object({ text: z.string(), count: z.number().int().nonnegative() }) },
  /** A socket's framing and/or decoder; set on a listener, its connections follow. */
  'framing.set': {
    input: z.object({ id: SocketId, framing: FramingSpec.optional(), decoder: DecoderChoice.optional() }),
    output: SocketInfo,
  },
  /** Frames under the socket's framing, from `fromIndex` (negative: that many back from the end). */
  'log.readFrames': {
    input: z.object({ id: SocketId, fromIndex: z.number().int(), count: z.number().int().positive().max(MAX_LOG_READ) }),
    output: z.object({ head: FramesHead, frames: z.array(FrameItem) }),
  },
  /** One complete frame's bytes, whole up to MAX_FRAME_DECODE_BYTES (a read gives a frame's first MiB). */
  'log.readFrameBytes': {
    input: z.object({ id: SocketId, index: z.number().int().nonnegative() }),
    output: z.object({ bytes: Bytes }),
  },
  /** Whether a saved workspace waits to be restored, or why the saved one could not be read. */
  'session.status': { input: Ok, output: SessionStatus },
  /** Opens the saved workspace's sockets again, with their settings; brings back the rest. */
  'session.restore': { input: Ok, output: RestoreOutcome },
  /** Starts clean: the saved workspace (or the notice about an unreadable one) goes away. */
  'session.discard': { input: Ok, output: SessionStatus },
  /** The renderer's layout, saved with the workspace. */
  'session.saveUi': { input: z.object({ ui: UiLayout }), output: Ok },
  /** Broadcast, TTLs, multicast loopback and interface of a bound UDP socket (src/shared/network.ts). */
  'udp.setOptions': { input: UdpOptions.extend({ id: SocketId }), output: SocketInfo },
  /** Joins a multicast group, on one interface (by name) or on the system's choice. */
  'udp.joinGroup': {
    input: z.object({ id: SocketId, group: MulticastGroup, interface: InterfaceName.optional() }),
    output: SocketInfo,
  },
  'udp.leaveGroup': {
    input: z.object({ id: SocketId, group: MulticastGroup, interface: InterfaceName.optional() }),
    output: SocketInfo,
  },
  /** This machine's network interfaces and their addresses, as the OS reports them now. */
  'system.interfaces': { input: Ok, output: z.object({ interfaces: z.array(NetworkInterface) }) },
  ...logBudgetCommands,
  ...proxyCommands,
  ...fileDialogCommands,
} as const;

export type Commands = typeof commands;
export type Command = keyof Commands;
export const commandNames = Object.keys(commands) as Command[];
export type Input<C extends Command> = z.input<Commands[C]['input']>;
export type ParsedInput<C extends Command> = z.output<Commands[C]['input']>;
export type Output<C extends Command> = z.output<Commands[C]['output']>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

// ---------------------------------------------------------------------------
// Events: engine → front ends, delivered in batches
// ---------------------------------------------------------------------------

export const EngineEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('socket.upsert'), socket: SocketInfo }),
  /** The socket's counters changed, nothing else: merge into the SocketInfo last sent. */
  z.object({ type: z.literal('socket.stats'), stats: SocketStats }),
  z.object({ type: z.literal('socket.removed'), id: SocketId }),
  z.object({ type: z.literal('log.head'), head: LogHead }),
  /** Something went wrong that no command was waiting for (a peer reset, a failed accept). */
  z.object({ type: z.literal('engine.error'), id: SocketId.optional(), error: ErrorInfo, time: z.number() }),
  /** The saved messages changed (in any window): list them again. */
  z.object({ type: z.literal('library.changed'), revision: z.number().int().nonnegative() }),
  /** The desktop app's menu asks the window to do something (src/shared/ui-command.ts). */
  UiCommandEvent,
  /** How far a desktop export or import has got (src/shared/file-dialogs.ts). */
  FileProgressEvent,
]);

export const EventBatch = z.object({
  /** Increases with every batch; a snapshot carries the rev it is current to. */
  rev: z.number(),
  events: z.array(EngineEvent),
});

// ---------------------------------------------------------------------------
// Inferred types
// ---------------------------------------------------------------------------

export type Endpoint = z.infer<typeof Endpoint>;
export type Target = z.infer<typeof Target>;
export type SocketKind = z.infer<typeof SocketKind>;
export type SocketState = z.infer<typeof SocketState>;
export type ErrorInfo = z.infer<typeof ErrorInfo>;
export type SocketInfo = z.infer<typeof SocketInfo>;
export type SocketStats = z.infer<typeof SocketStats>;
export type LogEventKind = z.infer<typeof LogEventKind>;
export type DataLogEntry = z.infer<typeof DataLogEntry>;
export type EventLogEntry = z.infer<typeof EventLogEntry>;
export type LogEntry = z.infer<typeof LogEntry>;
export type LogHead = z.infer<typeof LogHead>;
export type EngineEvent = z.infer<typeof EngineEvent>;
export type EventBatch = z.infer<typeof EventBatch>;
export type Snapshot = Output<'app.snapshot'>;
export type PortProtocol = z.infer<typeof PortProtocol>;
export type PortState = z.infer<typeof PortState>;
export type PortRow = z.infer<typeof PortRow>;
export type PortFilter = z.infer<typeof PortFilter>;
export type PortList = Output<'ports.list'>;
export type RepeatStatus = z.infer<typeof RepeatStatus>;
export type PayloadFormat = z.infer<typeof PayloadFormat>;
export type SavedMessage = z.infer<typeof SavedMessage>;
export type LogDirection = z.infer<typeof LogDirection>;
export type LogSearchQuery = z.infer<typeof LogSearchQuery>;
export type FrameInfo = z.infer<typeof FrameInfo>;
export type FrameItem = z.infer<typeof FrameItem>;
export type FramesHead = z.infer<typeof FramesHead>;

// ---------------------------------------------------------------------------
// Wire messages (Electron IPC and WebSocket); channel names are in channels.ts
// ---------------------------------------------------------------------------


export const CommandRequest = z.object({ command: z.enum(commandNames as [Command, ...Command[]]), input: z.unknown() });
export type CommandRequest = z.infer<typeof CommandRequest>;

/** Client → host over the WebSocket. */
export const ClientMessage = z.object({
  type: z.literal('command'),
  /** Chosen by the client to match the reply. */
  callId: z.number().int().nonnegative(),
  command: z.string(),
  input: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Host → client over the WebSocket. Events are validated where they are produced (the engine). */
export type ServerMessage =
  | { type: 'result'; callId: number; result: Result<unknown> }
  | { type: 'events'; batch: EventBatch }
  | { type: 'fatal'; error: ErrorInfo }
  /** The host dropped events this client was too far behind to read: it must take a fresh snapshot. */
  | { type: 'resync'; reason: string };
