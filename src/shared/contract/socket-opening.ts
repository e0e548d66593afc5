/**
 * The inputs of the commands that open a socket (tcp.connect, tcp.listen, udp.bind in sockets.ts),
 * in a module of their own: the New… dialog checks them as the user types, and importing them from
 * here builds no other schema of the contract.
 */
import { z } from 'zod';
import { schemaOnUse } from '../built-on-use';
import { TlsClientOptions, TlsListenOptions } from '../tls-options';
import { Host, PeerPort, Port, Target } from './basics';

export const TcpConnectInput = schemaOnUse(() =>
  z.object({
    host: Host,
    port: PeerPort,
    timeoutMs: z.number().int().positive().max(600_000).default(10_000),
    /** After the peer's FIN, keep our side open so the user can still reply (like `nc -N` peers expect). */
    keepHalfOpen: z.boolean().optional(),
    /** TLS over the connection; the timeout covers the handshake too. */
    tls: TlsClientOptions.optional(),
  }),
);

export const TcpListenInput = schemaOnUse(() =>
  z.object({
    host: Host,
    port: Port,
    backlog: z.number().int().positive().max(65535).optional(),
    /** After the peer's FIN, keep each accepted connection's side open so the user can still reply (like `nc -N` peers expect). */
    keepHalfOpen: z.boolean().optional(),
    /** Every accepted connection speaks TLS. */
    tls: TlsListenOptions.optional(),
  }),
);

export const UdpBindInput = schemaOnUse(() =>
  z.object({
    host: Host,
    port: Port,
    defaultTarget: Target.optional(),
    /** SO_BROADCAST from the start (see udp.setOptions). */
    broadcast: z.boolean().optional(),
  }),
);
