/**
 * The session file: what of the workspace survives a restart. Versioned; a file from a newer
 * Sockscope is never read as if it were this version's. Everything in it is checked again when it
 * is restored (through the commands' own schemas), so an edited file cannot do what a user could not.
 */
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { Host, PeerPort, Port, SocketId, Target } from '@shared/contract';
import { DecoderChoice, FramingSpec } from '@shared/framing';
import { TlsSettings } from '@shared/tls';
import { SavedProxySettings } from './proxies';

export const SESSION_VERSION = 1;
export const SESSION_FILE = 'session.json';
const MAX_SAVED_SOCKETS = 10_000;

const view = schemaOnUse(() => ({
  /** The id the socket had, so the renderer can map its layout onto the restored sockets. */
  id: SocketId,
  /**
   * It spoke TLS, with these options. Private keys are never kept (they do not belong in a workspace
   * file): a socket that needed one (`true` from older files too) is not reopened, and the restore
   * says so instead of opening it as plain TCP.
   */
  tls: z.union([z.literal(true), TlsSettings]).optional(),
  framing: FramingSpec.optional(),
  decoder: DecoderChoice.optional(),
}));

/** Auto-reply settings as `autoReply.set` takes them; checked by that command's schema on restore. */
const SavedAutoReply = schemaOnUse(() => z.object({ echo: z.boolean(), rules: z.array(z.unknown()), framing: z.unknown().optional() }));

export const SavedSocket = schemaOnUse(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('tcp-listener'),
      host: Host,
      port: Port,
      keepHalfOpen: z.boolean().optional(),
      autoReply: SavedAutoReply.optional(),
      ...view,
    }),
    z.object({
      kind: z.literal('udp'),
      host: Host,
      port: Port,
      defaultTarget: Target.optional(),
      autoReply: SavedAutoReply.optional(),
      /** Options as `udp.setOptions` takes them, and the multicast groups joined; checked on restore. */
      udp: z
        .object({
          options: z.record(z.string(), z.unknown()),
          groups: z.array(z.object({ group: z.string(), interface: z.string().optional() })).max(64),
        })
        .optional(),
      ...view,
    }),
    z.object({ kind: z.literal('tcp-client'), host: Host, port: PeerPort, keepHalfOpen: z.boolean().optional(), ...view }),
    /** Listens on host:port (the port it got, kept as Toxiproxy keeps it) and forwards as `proxy` says. */
    z.object({ kind: z.literal('proxy'), host: Host, port: Port, proxy: SavedProxySettings, ...view }),
  ]),
);

export const SessionFile = schemaOnUse(() =>
  z.object({
    version: z.literal(SESSION_VERSION),
    /** Epoch milliseconds. */
    savedAt: z.number(),
    /** Listeners and UDP sockets first, so that restored clients can reach restored listeners. */
    sockets: z.array(SavedSocket).max(MAX_SAVED_SOCKETS),
    /** Other parts of the workspace by name (saved messages…), each checked by its owner on restore. */
    parts: z.record(z.string(), z.unknown()).default({}),
    /** The renderer's layout, checked by the renderer. */
    ui: z.record(z.string(), z.unknown()).optional(),
  }),
);

/** Only the version, read first: a newer file is set aside as such, not as corrupt. */
export const SessionVersion = schemaOnUse(() => z.object({ version: z.number().int().positive() }));

export type SavedSocket = z.infer<typeof SavedSocket>;
export type SessionFile = z.infer<typeof SessionFile>;
