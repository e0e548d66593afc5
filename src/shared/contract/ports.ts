/** Ports on this machine: the Ports view and `sockscope ports` (src/main/ports). */
import { z } from 'zod';
import { command, schemaOnUse } from '../built-on-use';
import { Endpoint, Port, SocketId } from './basics';

/** The most ports `PortFilter.localPorts` takes. */
export const MAX_LOCAL_PORTS = 4096;

export const PortProtocol = schemaOnUse(() => z.enum(['tcp', 'udp']));

/** TCP states by their netstat names; UDP is BOUND (takes datagrams from anyone) or CONNECTED (to one peer). */
export const PortState = schemaOnUse(() =>
  z.enum([
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
  ]),
);

export const PortRow = schemaOnUse(() =>
  z.object({
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
  }),
);

export const PortFilter = schemaOnUse(() =>
  z.object({
    protocol: PortProtocol.optional(),
    /** true: only listening TCP sockets and unconnected (bound) UDP sockets; false: only the others (connections). */
    listening: z.boolean().optional(),
    /** The local or the remote port. */
    port: Port.optional(),
    /**
     * Only rows whose local port is one of these: the other ends of the app's own loopback
     * connections, for their processes (a machine's other 40,000 connections are not read for it).
     */
    localPorts: z.array(Port).max(MAX_LOCAL_PORTS).optional(),
    /** Part of the process name (any case), or its pid. */
    process: z.string().trim().min(1, 'Process is empty').max(200).optional(),
    state: PortState.optional(),
    /** The Ports view's filter box: every word must match (a port or pid exactly, else text; see matchesPortQuery). */
    query: z.string().max(200).optional(),
    /**
     * At most this many rows, the lowest local ports first; `matched` says how many there were. The
     * Ports view asks for a screenful of thousands, not a busy machine's 100,000 sockets each refresh.
     */
    limit: z.number().int().positive().optional(),
  }),
);

/** How many sockets the machine has of each kind, whatever the filter: counted from the system's table, no owner looked up. */
export const PortCounts = schemaOnUse(() =>
  z.object({
    /** Listening TCP and bound UDP sockets. */
    listening: z.number().int().nonnegative(),
    all: z.number().int().nonnegative(),
  }),
);

/** The local ports something listens on (TCP) or is bound to (UDP): where "Connect" on a connection goes (connectTarget). */
export const ListeningPorts = schemaOnUse(() =>
  z.object({
    tcp: z.array(Port),
    udp: z.array(Port),
  }),
);

export type PortProtocol = z.infer<typeof PortProtocol>;

export type PortState = z.infer<typeof PortState>;

export type PortRow = z.infer<typeof PortRow>;

export type PortFilter = z.infer<typeof PortFilter>;

export type PortCounts = z.infer<typeof PortCounts>;

export type ListeningPorts = z.infer<typeof ListeningPorts>;

export const portCommands = {
  /** Every TCP and UDP socket on this machine, as the OS reports it (see src/main/ports). */
  'ports.list': command(() => ({
    input: PortFilter,
    output: z.object({
      rows: z.array(PortRow),
      /** Rows that matched the filter; more than rows.length when `limit` left some out. */
      matched: z.number().int().nonnegative(),
      counts: PortCounts,
      listeningPorts: ListeningPorts,
      /** Rows whose owning process the OS keeps from this user (see PortRow.processHidden). */
      hiddenProcesses: z.number().int().nonnegative(),
      /** Where the rows come from, e.g. `/proc/net`, `lsof`, `netstat -ano`. */
      source: z.string(),
      /** What the user should know about what is missing, in a sentence. */
      note: z.string().optional(),
      /**
       * Epoch ms on the engine's clock (SocketInfo.createdAt's) just before the system was read:
       * the listing holds every connection made before then.
       */
      takenAt: z.number(),
    }),
  })),
} as const;
