/** What every OS source produces, and the text formats two of them share (lsof and netstat). */
import { isIP } from 'node:net';
import type { Endpoint, ListeningPorts, PortCounts, PortProtocol, PortRow, PortState } from '@shared/contract';

/** A row as a source reads it; listPorts adds what Sockscope knows (service, own). */
export type RawPortRow = Omit<PortRow, 'own' | 'service' | 'socketId'>;

/** What a source knows of a socket before it decodes its addresses or looks up its owner. */
export interface SocketKind {
  protocol: PortProtocol;
  state: PortState;
  localPort: number;
  /** Absent (or 0) when there is no peer. */
  remotePort: number | undefined;
}

/** What a listing is for, as far as a source can use it before it looks up owners (Linux can; lsof and netstat list everything). */
export interface RowRequest {
  /** The rows wanted, by their kind and ports. */
  select?: (socket: SocketKind) => boolean;
  /** At most this many rows, first in portOrder: only theirs are decoded and owned. */
  limit?: number;
}

export interface SystemPorts {
  rows: RawPortRow[];
  /** Rows whose owner the OS keeps from this user. */
  hiddenProcesses: number;
  source: string;
  note?: string;
  /** The machine's sockets by kind, when the source counted them itself (it returned fewer than all). */
  counts?: PortCounts;
  listeningPorts?: ListeningPorts;
  /** Rows the request selected that its limit left out. */
  leftOut?: number;
}

/** The order of `ports.list`: by local port, then protocol, then remote port. */
export function portOrder(a: SocketKind, b: SocketKind): number {
  return comparePorts(a.localPort, a.protocol, a.remotePort, b.localPort, b.protocol, b.remotePort);
}

/** portOrder on the values themselves, for rows of another shape (sorting builds no object per comparison). */
export function comparePorts(
  aLocal: number,
  aProtocol: PortProtocol,
  aRemote: number | undefined,
  bLocal: number,
  bProtocol: PortProtocol,
  bRemote: number | undefined,
): number {
  return aLocal - bLocal || (aProtocol === bProtocol ? 0 : aProtocol < bProtocol ? -1 : 1) || (aRemote ?? 0) - (bRemote ?? 0);
}

/** TCP state names as Linux, BSD/macOS and Windows spell them, squeezed (no `_`, upper case). */
const tcpStates: Record<string, PortState> = {
  LISTEN: 'LISTEN',
  LISTENING: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYNSENT: 'SYN_SENT',
  SYNRECV: 'SYN_RECEIVED',
  SYNRCVD: 'SYN_RECEIVED',
  SYNRECEIVED: 'SYN_RECEIVED',
  FINWAIT1: 'FIN_WAIT_1',
  FINWAIT2: 'FIN_WAIT_2',
  TIMEWAIT: 'TIME_WAIT',
  CLOSE: 'CLOSED',
  CLOSED: 'CLOSED',
  CLOSEWAIT: 'CLOSE_WAIT',
  LASTACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  // Windows.
  DELETETCB: 'CLOSED',
  BOUND: 'BOUND',
};

/** `FIN_WAIT1`, `FIN_WAIT_1`, `SYN_RCVD`, `LISTENING` → the contract's state; UNKNOWN when unheard of. */
export function normalizeTcpState(text: string): PortState {
  return tcpStates[text.toUpperCase().replace(/[_\s-]/g, '')] ?? 'UNKNOWN';
}

/** The address a wildcard (`*`, `0.0.0.0`, `::`) stands for in each family. */
export const anyAddress: Record<Endpoint['family'], string> = { IPv4: '0.0.0.0', IPv6: '::' };

/**
 * `127.0.0.1:80`, `[::1]:80`, `[fe80::1%en0]:5353`, `*:80` → an Endpoint. `*:*` and an unparseable
 * text → undefined. A `*` address takes the family the source says the socket has.
 */
export function parseEndpointText(text: string, family?: Endpoint['family']): Endpoint | undefined {
  const match = /^(?:\[([^\]]+)\]|([^\s[\]]*)):(\d+|\*)$/.exec(text.trim());
  if (!match) return undefined;
  const host = match[1] ?? match[2];
  if (match[3] === '*') return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  if (host === '*') return { address: anyAddress[family ?? 'IPv4'], port, family: family ?? 'IPv4' };
  // A zone (fe80::1%en0) is part of how the address is written but not of what isIP accepts.
  const ipFamily = isIP(host.replace(/%.*$/, ''));
  if (ipFamily === 0) return undefined;
  return { address: host, port, family: ipFamily === 6 ? 'IPv6' : 'IPv4' };
}

/** A peer that is really "no peer": port 0 on a wildcard or all-zero address. */
export function isNoPeer(endpoint: Endpoint | undefined): boolean {
  return endpoint === undefined || (endpoint.port === 0 && (endpoint.address === '0.0.0.0' || endpoint.address === '::'));
}
