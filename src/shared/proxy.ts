/**
 * The proxy's part of the contract: a listener that forwards every accepted client to an upstream
 * over its own connection (a "conversation", one log for both directions), and the faults
 * ("toxics") it can inject, with Toxiproxy's names and attributes so its API can be served as is.
 *
 * In a conversation's log, client → server bytes are `out` and server → client bytes are `in`:
 * the proxy stands in for the client, so what the client sends is what goes out.
 *
 * Imports only the contract's building blocks (contract/basics.ts): the contract's index spreads
 * `proxyCommands` into its commands.
 */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';
import { Endpoint, Host, Port } from './contract/basics';
import { ConversationTls, ProxyTlsInput, ProxyTlsSettings } from './proxy-tls';

export * from './proxy-toxics';

const UpstreamPort = schemaOnUse(() => Port.min(1, 'Upstream port must be between 1 and 65535'));

export const ProxyName = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'Give the proxy a name')
    .max(200, 'A proxy name is at most 200 characters')
    .refine((n) => !n.includes('/'), 'A proxy name cannot contain "/"'),
);

/** `upstream`: client → server; `downstream`: server → client (Toxiproxy's words). */
export const ToxicStream = schemaOnUse(() =>
  z.enum(['upstream', 'downstream'], { error: 'stream was invalid, can be either upstream or downstream' }),
);

const nonNegative = (name: string, unit: string): z.ZodNumber =>
  z
    .number({ error: `${name} must be a number (${unit})` })
    .int(`${name} must be a whole number of ${unit}`)
    .min(0, `${name} cannot be negative`);

const fraction = (name: string): z.ZodNumber =>
  z
    .number({ error: `${name} must be a number from 0 to 1` })
    .min(0, `${name} is between 0 and 1`)
    .max(1, `${name} is between 0 and 1`);

/** Each toxic's attributes, as Toxiproxy names them; missing ones are 0 (as Go's zero values). */
export const ToxicAttributeSchemas = {
  latency: z.object({ latency: nonNegative('latency', 'ms').default(0), jitter: nonNegative('jitter', 'ms').default(0) }),
  bandwidth: z.object({ rate: nonNegative('rate', 'KB/s').default(0) }),
  slow_close: z.object({ delay: nonNegative('delay', 'ms').default(0) }),
  timeout: z.object({ timeout: nonNegative('timeout', 'ms').default(0) }),
  reset_peer: z.object({ timeout: nonNegative('timeout', 'ms').default(0) }),
  slicer: z
    .object({
      average_size: nonNegative('average_size', 'bytes').default(0),
      size_variation: nonNegative('size_variation', 'bytes').default(0),
      delay: nonNegative('delay', 'µs').default(0),
    })
    .refine((a) => a.size_variation <= a.average_size, 'size_variation must be at most average_size'),
  limit_data: z.object({ bytes: nonNegative('bytes', 'bytes').default(0) }),
  // UDP proxies only (with latency), named as netem's: rates are shares of datagrams, 0..1.
  loss: z.object({ rate: fraction('rate').default(0), correlation: fraction('correlation').default(0) }),
  duplicate: z.object({ rate: fraction('rate').default(0) }),
  reorder: z.object({
    rate: fraction('rate').default(0),
    gap: nonNegative('gap', 'datagrams').min(1, 'gap is at least 1').default(1),
    delay: nonNegative('delay', 'ms').default(100),
  }),
} as const;

export type ToxicType = keyof typeof ToxicAttributeSchemas;
export const TOXIC_TYPES = Object.keys(ToxicAttributeSchemas) as ToxicType[];
export const ToxicTypeName = schemaOnUse(() => z.enum(TOXIC_TYPES as [ToxicType, ...ToxicType[]], { error: 'invalid toxic type' }));

/** Only clients from this address and/or port range meet the toxic (beyond Toxiproxy). */
export const ClientFilter = schemaOnUse(() =>
  z
    .object({
      address: z.string().trim().min(1).max(64).optional(),
      ports: z.tuple([Port, Port]).optional(),
    })
    .refine((f) => f.ports === undefined || f.ports[0] <= f.ports[1], 'The port range must run from low to high'),
);

export const Toxic = schemaOnUse(() =>
  z.object({
    name: z.string().trim().min(1).max(200),
    type: ToxicTypeName,
    stream: ToxicStream,
    /** The chance that the toxic applies to a conversation, drawn once per conversation (as Toxiproxy). */
    toxicity: z.number().min(0, 'toxicity is between 0 and 1').max(1, 'toxicity is between 0 and 1'),
    attributes: z.record(z.string(), z.number()),
    clients: ClientFilter.optional(),
  }),
);

/** What adding a toxic takes: Toxiproxy's defaults (downstream, toxicity 1, name `type_stream`). */
export const ToxicInput = schemaOnUse(() =>
  z.object({
    name: z.string().trim().min(1).max(200).optional(),
    type: ToxicTypeName,
    stream: ToxicStream.default('downstream'),
    toxicity: Toxic.shape.toxicity.default(1),
    attributes: z.record(z.string(), z.unknown()).default({}),
    clients: ClientFilter.optional(),
  }),
);

export const ToxicPatch = schemaOnUse(() =>
  z.object({
    toxicity: Toxic.shape.toxicity.optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    clients: ClientFilter.nullable().optional(),
  }),
);

export const ToxicState = schemaOnUse(() =>
  Toxic.extend({
    /** Chunks (or closes) the toxic acted on. */
    hits: z.number().int().nonnegative(),
    /** Conversations it applied to; the newest few ids are kept in `conversations`. */
    conversationCount: z.number().int().nonnegative(),
    conversations: z.array(z.string()),
  }),
);

export const UpstreamFailure = schemaOnUse(() => z.enum(['close', 'reset']));

export const ProxyProtocol = schemaOnUse(() => z.enum(['tcp', 'udp'], { error: 'protocol is tcp or udp' }));

/** A UDP proxy's sessions (one per client address): closed after idleTimeoutMs without a datagram either way. */
export const UdpSessionOptions = schemaOnUse(() =>
  z.object({
    idleTimeoutMs: z
      .number({ error: 'The idle timeout must be a number' })
      .int()
      .min(100, 'The idle timeout is at least 100 ms')
      .max(86_400_000, 'The idle timeout is at most a day')
      .default(60_000),
    maxSessions: z.number({ error: 'maxSessions must be a number' }).int().min(1, 'maxSessions is at least 1').max(100_000).default(1000),
  }),
);

/** On a proxy's SocketInfo (kind 'proxy'). */
export const ProxySettings = schemaOnUse(() =>
  z.object({
    name: ProxyName,
    /** Where it was asked to listen (the real port is `local`). */
    listen: z.object({ host: z.string(), port: Port }),
    upstream: z.object({ host: z.string(), port: UpstreamPort }),
    /** false: not listening (new clients are refused), configuration kept. */
    enabled: z.boolean(),
    /** What a client gets when its upstream cannot be reached: FIN or RST. */
    onUpstreamFailure: UpstreamFailure,
    /** Directions held in every conversation, new ones included. */
    hold: z.object({ upstream: z.boolean(), downstream: z.boolean() }).optional(),
    toxics: z.array(ToxicState),
    /** Absent: tcp. */
    protocol: ProxyProtocol.optional(),
    /** UDP only; `dropped`: datagrams from new clients turned away at the session limit. */
    udp: UdpSessionOptions.extend({ dropped: z.number().int().nonnegative() }).optional(),
    /** TLS towards clients (`listen`) and/or the upstream; absent: plain TCP both sides. */
    tls: ProxyTlsSettings.optional(),
  }),
);

/** On a conversation's SocketInfo (kind 'proxy-conversation'): `remote` is the client, `local` the proxy. */
export const ConversationDetails = schemaOnUse(() =>
  z.object({
    /** Absent: tcp; udp: a UDP proxy's session with one client address. */
    protocol: ProxyProtocol.optional(),
    /** The proxy's own connection to the upstream: its local end and the server. */
    upstreamLocal: Endpoint.optional(),
    upstreamRemote: Endpoint.optional(),
    /** Which sides are still open. */
    clientOpen: z.boolean(),
    upstreamOpen: z.boolean(),
    /** Directions held (breakpoints), and how many messages wait in each. */
    holding: z.object({ upstream: z.boolean(), downstream: z.boolean() }).optional(),
    held: z.object({ upstream: z.number().int().nonnegative(), downstream: z.number().int().nonnegative() }).optional(),
    /**
     * Per held direction: its sender's FIN (end of stream) waits there, after the held messages; it
     * goes on when they all do (Forward all, or the hold lets go). Dropping a message never drops it.
     */
    heldFin: z.object({ upstream: z.boolean(), downstream: z.boolean() }).optional(),
    ...ConversationTls,
  }),
);

/**
 * What ticks with traffic, carried by `socket.stats` (not a whole `socket.upsert`): a proxy's hit
 * counts by toxic name, a conversation's held counts. See socket-stats.ts.
 */
export const ProxyCounters = schemaOnUse(() =>
  z.object({
    toxicHits: z.record(z.string(), ToxicState.pick({ hits: true, conversationCount: true, conversations: true })).optional(),
    held: ConversationDetails.shape.held,
  }),
);

/** A message waiting in a held direction of a conversation. */
export const HeldMessage = schemaOnUse(() =>
  z.object({
    heldId: z.number().int().positive(),
    stream: z.enum(['upstream', 'downstream']),
    /** Empty for a FIN. */
    bytes: z.instanceof(Uint8Array),
    /** Epoch ms when it was read. */
    time: z.number(),
    /**
     * The sender's FIN, last in its direction (ConversationDetails.heldFin): forwarding it by its
     * heldId forwards what is held before it too, as Forward all does; it cannot be dropped.
     */
    fin: z.boolean().optional(),
  }),
);

const ProxyRef = schemaOnUse(() => z.object({ id: z.string().min(1).max(64) }));

export const proxyCommands = {
  /** Listens and forwards each client to the upstream over its own connection. */
  'proxy.create': command(() => ({
    input: z.object({
      name: ProxyName.optional(),
      host: Host,
      port: Port,
      upstreamHost: Host,
      upstreamPort: UpstreamPort,
      enabled: z.boolean().default(true),
      onUpstreamFailure: UpstreamFailure.default('close'),
      toxics: z.array(ToxicInput).max(100).default([]),
      protocol: ProxyProtocol.default('tcp'),
      udp: UdpSessionOptions.optional(),
      ...ProxyTlsInput,
    }),
    output: z.object({ id: z.string(), settings: ProxySettings }),
  })),
  /**
   * Enables or disables, points it elsewhere or changes its TLS. A new listen address, upstream or
   * TLS restarts it: its conversations end (their logs stay) and new clients get the new settings.
   */
  'proxy.update': command(() => ({
    input: ProxyRef.extend({
      enabled: z.boolean().optional(),
      host: Host.optional(),
      port: Port.optional(),
      upstreamHost: Host.optional(),
      upstreamPort: UpstreamPort.optional(),
      onUpstreamFailure: UpstreamFailure.optional(),
      /** TLS towards clients: these options, or null to stop terminating TLS; absent, it stays as it is. */
      listenTls: ProxyTlsInput.listenTls.unwrap().nullable().optional(),
      /** TLS towards the upstream: these options, or null for plain TCP; absent, it stays as it is. */
      upstreamTls: ProxyTlsInput.upstreamTls.unwrap().nullable().optional(),
    }),
    output: z.object({ id: z.string(), settings: ProxySettings }),
  })),
  'proxy.addToxic': command(() => ({ input: ProxyRef.extend({ toxic: ToxicInput }), output: ToxicState })),
  'proxy.updateToxic': command(() => ({ input: ProxyRef.extend({ name: z.string().min(1).max(200), patch: ToxicPatch }), output: ToxicState })),
  'proxy.removeToxic': command(() => ({ input: ProxyRef.extend({ name: z.string().min(1).max(200) }), output: z.object({}) })),
  /**
   * Holds (or lets go of) a direction: of one conversation, or of a proxy's every conversation,
   * new ones included. Held messages wait for proxy.release; the held side is not read meanwhile.
   */
  'proxy.hold': command(() => ({ input: ProxyRef.extend({ stream: ToxicStream, hold: z.boolean() }), output: z.object({}) })),
  /** The messages waiting in a conversation's held directions, oldest first, each direction's held FIN after its bytes. */
  'proxy.held': command(() => ({ input: ProxyRef, output: z.object({ messages: z.array(HeldMessage) }) })),
  /** Forwards (optionally edited) or drops one held message, or all of a direction's (no heldId). */
  'proxy.release': command(() => ({
    input: ProxyRef.extend({
      stream: ToxicStream,
      heldId: z.number().int().positive().optional(),
      action: z.enum(['forward', 'drop']),
      data: z
        .instanceof(Uint8Array, { message: 'Expected bytes' })
        .refine((b) => b.byteLength <= 16 * 1024 * 1024, 'An edited message is limited to 16 MiB')
        .optional(),
    }).refine((r) => r.data === undefined || r.heldId !== undefined, 'Edited bytes replace one held message: give its heldId'),
    output: z.object({ released: z.number().int().nonnegative() }),
  })),
  /** A conversation: closes one side with FIN or RST. */
  'proxy.cut': command(() => ({
    input: ProxyRef.extend({ side: z.enum(['client', 'upstream']), how: z.enum(['fin', 'rst']).default('fin') }),
    output: z.object({}),
  })),
  /** A conversation: bytes to the server as if from the client (`upstream`), or to the client as if from the server. */
  'proxy.inject': command(() => ({
    input: ProxyRef.extend({
      stream: ToxicStream,
      data: z
        .instanceof(Uint8Array, { message: 'Expected bytes' })
        .refine((b) => b.byteLength <= 16 * 1024 * 1024, 'A single send is limited to 16 MiB'),
    }),
    output: z.object({ bytes: z.number() }),
  })),
} as const;

export type ToxicStream = z.infer<typeof ToxicStream>;
export type Toxic = z.infer<typeof Toxic>;
export type ToxicInput = z.input<typeof ToxicInput>;
export type ParsedToxicInput = z.output<typeof ToxicInput>;
export type ToxicPatch = z.output<typeof ToxicPatch>;
export type ToxicState = z.infer<typeof ToxicState>;
export type ClientFilter = z.infer<typeof ClientFilter>;
export type ProxySettings = z.infer<typeof ProxySettings>;
export type ConversationDetails = z.infer<typeof ConversationDetails>;
export type UpstreamFailure = z.infer<typeof UpstreamFailure>;
export type ProxyProtocol = z.infer<typeof ProxyProtocol>;
export type HeldMessage = z.infer<typeof HeldMessage>;
