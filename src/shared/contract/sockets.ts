/** Sockets: what a socket is (SocketInfo) and the commands that open, drive and close them. */
import { z } from 'zod';
import { command, schemaOnUse } from '../built-on-use';
import { AutoReplyRules, AutoReplyState } from '../auto-reply';
import { DecoderChoice, FramingSpec } from '../framing';
import { InterfaceName, MulticastGroup, NetworkInterface, UdpOptions, UdpSettings } from '../network';
import { ConversationDetails, ProxyCounters, ProxySettings } from '../proxy';
import { TlsSettings, TlsSummary } from '../tls';
import { Endpoint, ErrorInfo, Ok, SocketId, Target } from './basics';
import { SocketSendInput } from './send-data';
import { TcpConnectInput, TcpListenInput, UdpBindInput } from './socket-opening';

export * from './socket-opening';

export const SocketKind = schemaOnUse(() =>
  z.enum(['tcp-client', 'tcp-listener', 'tcp-connection', 'udp', 'imported', 'proxy', 'proxy-conversation']),
);

export const SocketState = schemaOnUse(() =>
  z.enum([
    'connecting',
    'open',
    'listening',
    /** One side has sent FIN; the other may still send. */
    'half-closed',
    'closed',
    'error',
  ]),
);

/** A repeated send (`send.repeat`) on this socket: the running one, else the last one and how it ended. */
export const RepeatStatus = schemaOnUse(() =>
  z.object({
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
    /**
     * When the first send began and when the repeat ended (finished, stopped or failed), epoch ms
     * on the engine's clock: how long it took and how fast it sent, as the engine saw it, not as
     * late as a window hears of it. Absent in captures written before they were recorded.
     */
    startedAt: z.number().optional(),
    endedAt: z.number().optional(),
  }),
);

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

export const SocketInfo = schemaOnUse(() =>
  z.object({
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
  }),
);

/**
 * What changes with traffic (counters, queue, repeat progress, auto-reply hit counts), sent as
 * `socket.stats` without the settings a SocketInfo carries (certificates, rules…); see socket-stats.ts.
 */
export const SocketStats = schemaOnUse(() =>
  z.object({
    id: SocketId,
    ...socketCounters(),
    kernelDrops: SocketInfo.shape.kernelDrops,
    /** Hit counts of the socket's auto-replies: echo, and by rule id. */
    autoReplyHits: z.object({ echo: z.number().int().nonnegative(), rules: z.record(z.string(), z.number().int().nonnegative()) }).optional(),
    ...ProxyCounters.shape,
  }),
);

export type SocketKind = z.infer<typeof SocketKind>;

export type SocketState = z.infer<typeof SocketState>;

export type SocketInfo = z.infer<typeof SocketInfo>;

export type SocketStats = z.infer<typeof SocketStats>;

export type RepeatStatus = z.infer<typeof RepeatStatus>;

export const socketCommands = {
  'tcp.connect': command(() => ({
    input: TcpConnectInput,
    output: SocketInfo,
  })),
  'tcp.listen': command(() => ({
    input: TcpListenInput,
    output: SocketInfo,
  })),
  'udp.bind': command(() => ({
    input: UdpBindInput,
    output: SocketInfo,
  })),
  /** To a TCP socket; to a listener means to every open accepted connection; UDP takes a target. */
  'socket.send': command(() => ({
    input: SocketSendInput,
    output: z.object({ bytes: z.number(), recipients: z.number() }),
  })),
  /** Graceful: TCP sends FIN and closes when done; a listener stops; UDP unbinds. */
  'socket.close': command(() => ({ input: z.object({ id: SocketId }), output: Ok })),
  /** TCP: close our sending side (FIN) and keep receiving. */
  'socket.halfClose': command(() => ({ input: z.object({ id: SocketId }), output: Ok })),
  /** TCP: abort with RST. */
  'socket.reset': command(() => ({ input: z.object({ id: SocketId }), output: Ok })),
  'listener.stop': command(() => ({
    input: z.object({ id: SocketId, closeConnections: z.boolean().default(false) }),
    output: Ok,
  })),
  /** Forget a closed socket (and its log); an open one is closed first. */
  'socket.remove': command(() => ({ input: z.object({ id: SocketId }), output: Ok })),
  'udp.setDefaultTarget': command(() => ({
    input: z.object({ id: SocketId, target: Target.optional() }),
    output: SocketInfo,
  })),
  /** Listener (for every accepted connection) or UDP socket (to each datagram's sender). */
  'autoReply.set': command(() => ({
    input: z.object({
      id: SocketId,
      echo: z.boolean().default(false),
      rules: AutoReplyRules.default([]),
      framing: FramingSpec.default(() => ({ mode: 'raw' as const })),
    }),
    output: AutoReplyState,
  })),
  /** Broadcast, TTLs, multicast loopback and interface of a bound UDP socket (src/shared/network.ts). */
  'udp.setOptions': command(() => ({ input: UdpOptions.extend({ id: SocketId }), output: SocketInfo })),
  /** Joins a multicast group, on one interface (by name) or on the system's choice. */
  'udp.joinGroup': command(() => ({
    input: z.object({ id: SocketId, group: MulticastGroup, interface: InterfaceName.optional() }),
    output: SocketInfo,
  })),
  'udp.leaveGroup': command(() => ({
    input: z.object({ id: SocketId, group: MulticastGroup, interface: InterfaceName.optional() }),
    output: SocketInfo,
  })),
  /** This machine's network interfaces and their addresses, as the OS reports them now. */
  'system.interfaces': command(() => ({ input: Ok, output: z.object({ interfaces: z.array(NetworkInterface) }) })),
} as const;
