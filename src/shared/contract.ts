/**
 * The one contract between the socket engine (main process) and every front end
 * (Electron renderer, browser host, command line). Every type that crosses a process
 * boundary is inferred from a zod schema here; nothing is declared twice.
 */
import { z } from 'zod';

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
  .refine((h) => !/[\s/]/.test(h), 'Host must be a name or an IP address, without spaces or slashes');

export const SocketId = z.string().min(1).max(64);

export const Bytes = z.instanceof(Uint8Array, { message: 'Expected bytes' });

export const Endpoint = z.object({
  address: z.string(),
  port: Port,
  family: z.enum(['IPv4', 'IPv6']),
});

export const Target = z.object({ host: Host, port: PeerPort });

export const SocketKind = z.enum(['tcp-client', 'tcp-listener', 'tcp-connection', 'udp']);

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
  bytesIn: z.number(),
  bytesOut: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  /** Bytes handed to the kernel-side write queue but not yet flushed (backpressure). */
  queuedBytes: z.number(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  /** Epoch milliseconds of the last byte in or out. */
  lastActivityAt: z.number().optional(),
  error: ErrorInfo.optional(),
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
});

/** Payloads larger than this are refused at the boundary with a clear message. */
export const MAX_SEND_BYTES = 16 * 1024 * 1024;
export const MAX_LOG_READ = 2000;

const SendData = Bytes.refine((b) => b.byteLength <= MAX_SEND_BYTES, {
  message: `A single send is limited to ${MAX_SEND_BYTES / (1024 * 1024)} MiB`,
});

// ---------------------------------------------------------------------------
// Commands: request → typed result
// ---------------------------------------------------------------------------

const Ok = z.object({});

export const commands = {
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
    }),
    output: SocketInfo,
  },
  'tcp.listen': {
    input: z.object({ host: Host, port: Port, backlog: z.number().int().positive().max(65535).optional() }),
    output: SocketInfo,
  },
  'udp.bind': {
    input: z.object({
      host: Host,
      port: Port,
      defaultTarget: Target.optional(),
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
  z.object({ type: z.literal('socket.removed'), id: SocketId }),
  z.object({ type: z.literal('log.head'), head: LogHead }),
  /** Something went wrong that no command was waiting for (a peer reset, a failed accept). */
  z.object({ type: z.literal('engine.error'), id: SocketId.optional(), error: ErrorInfo, time: z.number() }),
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
export type LogEventKind = z.infer<typeof LogEventKind>;
export type DataLogEntry = z.infer<typeof DataLogEntry>;
export type EventLogEntry = z.infer<typeof EventLogEntry>;
export type LogEntry = z.infer<typeof LogEntry>;
export type LogHead = z.infer<typeof LogHead>;
export type EngineEvent = z.infer<typeof EngineEvent>;
export type EventBatch = z.infer<typeof EventBatch>;
export type Snapshot = Output<'app.snapshot'>;

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
  | { type: 'fatal'; error: ErrorInfo };
