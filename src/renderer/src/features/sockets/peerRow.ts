/**
 * Which row of a listing of the machine's sockets is the other end of one of our connections:
 * the part of the peer-process label that is only data (peerProcess.ts asks for the listings).
 */
import type { PortRow, SocketInfo } from '@shared/contract';

/** Loopback or this machine's own addresses as the engine reports them. */
const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * Each listing's TCP rows by their local and remote ports, made once per listing: every socket
 * row asks on every render and store change, and a busy machine lists tens of thousands of rows.
 */
const peerIndexes = new WeakMap<readonly PortRow[], Map<string, PortRow>>();

function peerIndex(rows: readonly PortRow[]): Map<string, PortRow> {
  let index = peerIndexes.get(rows);
  if (!index) {
    index = new Map();
    for (const row of rows) {
      if (row.protocol !== 'tcp' || row.own || row.pid === undefined || !row.remote) continue;
      const key = `${row.local.port}:${row.remote.port}`;
      // The first such row, as a search from the top would find.
      if (!index.has(key)) index.set(key, row);
    }
    peerIndexes.set(rows, index);
  }
  return index;
}

/** A listing of the machine's sockets (ports.list), dated on the engine's clock, the one that dates sockets too. */
export interface PeerListing {
  rows: readonly PortRow[];
  takenAt: number;
}

/**
 * The other end's socket in the machine's ports: its local side is our remote, its remote our
 * local. Only in a listing taken after the connection was made: an older one can only hold an
 * earlier connection between the same two ports, which may have been another process's.
 */
export function findPeerRow(listing: PeerListing | undefined, socket: SocketInfo): PortRow | undefined {
  const { local, remote } = socket;
  if (!listing || !local || !remote || listing.takenAt < socket.createdAt) return undefined;
  return peerIndex(listing.rows).get(`${remote.port}:${local.port}`);
}

/** Live TCP connections to a loopback address: the ones whose peer may be a process of this machine. */
export function mayHaveLocalPeer(socket: SocketInfo): boolean {
  const live = socket.kind === 'tcp-client' || socket.kind === 'tcp-connection' || socket.kind === 'proxy-conversation';
  return live && socket.remote !== undefined && isLoopback(socket.remote.address);
}
