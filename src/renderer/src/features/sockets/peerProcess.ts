import { useEffect } from 'react';
import { create } from 'zustand';
import { MAX_LOCAL_PORTS, type PortFilter, type PortRow, type SocketInfo } from '@shared/contract';
import { invoke } from '../../sync/engine';
import { processLabel } from '../ports/processName';
import { usePorts } from '../ports/ports';
import { findPeerRow, mayHaveLocalPeer, type PeerListing } from './peerRow';
import { useSockets } from './sockets';

export interface PeerProcess {
  label: string;
  pid: number;
  /** The full command line, for a tooltip. */
  command: string | undefined;
}

/** Sockets whose peer was looked for already: once each, not on every render. */
const asked = new Set<string>();

/**
 * What a peer can be: an established TCP connection. The whole machine's listing also holds every
 * TIME_WAIT that recently closed connections left (tens of thousands on a machine that has just
 * made many short ones, megabytes of rows). Asked for whenever a connection appeared, it cost the
 * host a second of reading and describing them and the page as long again to take the reply in:
 * a TCP stream that began beside a flood stalled the window for half a second.
 */
const PEER_FILTER: PortFilter = { protocol: 'tcp', state: 'ESTABLISHED' };

/**
 * Only the other ends of the app's own loopback connections: their local ports are our remote
 * ones. Past MAX_LOCAL_PORTS such connections (a storm into a listener) the listing takes every
 * established connection, as it did before it could be narrowed.
 */
function peerFilter(): PortFilter {
  const ports = new Set<number>();
  for (const socket of Object.values(useSockets.getState().sockets)) {
    if (socket.state === 'open' && socket.remote && mayHaveLocalPeer(socket)) ports.add(socket.remote.port);
  }
  return ports.size > 0 && ports.size <= MAX_LOCAL_PORTS ? { ...PEER_FILTER, localPorts: [...ports] } : PEER_FILTER;
}

/**
 * The machine's established TCP connections as the last peer listing found them (the Ports view
 * keeps its own listing), and each connection's peer once a listing found it, by socket.
 */
const usePeerRows = create<{ listing: PeerListing | undefined; found: Readonly<Record<string, PortRow>> }>()(() => ({
  listing: undefined,
  found: {},
}));

/** A socket id names another connection after the engine restarts: its creation time tells them apart. */
const foundKey = (socket: SocketInfo): string => `${socket.id}@${socket.createdAt}`;

async function listPeers(): Promise<void> {
  const result = await invoke('ports.list', peerFilter());
  // A failed listing names no peer; the Ports view is where listing errors are shown.
  if (!result.ok) return;
  // A peer once found stays named: a later listing holds open connections only, so a closed
  // connection lost its process's name whenever another connection came in.
  const previous = usePeerRows.getState().found;
  const found: Record<string, PortRow> = {};
  for (const socket of Object.values(useSockets.getState().sockets)) {
    const key = foundKey(socket);
    const row = previous[key] ?? (mayHaveLocalPeer(socket) ? findPeerRow(result.value, socket) : undefined);
    if (row) found[key] = row;
  }
  usePeerRows.setState({ listing: result.value, found });
}

/** Listings asked for by new connections: at most one per this long, whatever the number of connections. */
const PEER_REFRESH_MS = 1000;
let peerRefresh: Promise<void> | undefined;
let peerRefreshAt = -Infinity;

/**
 * A listing that begins after this call, shared by every connection that asks before it begins,
 * and begun at most once per PEER_REFRESH_MS. At 19,000 connections a listing is megabytes: two
 * for each new loopback connection made a burst of them list it thousands of times.
 */
function refreshForPeers(): Promise<void> {
  if (peerRefresh) return peerRefresh;
  const wait = Math.max(0, peerRefreshAt + PEER_REFRESH_MS - Date.now());
  const next = new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
    // Begun: a connection that asks from now on waits for the next one.
    peerRefresh = undefined;
    peerRefreshAt = Date.now();
    return listPeers();
  });
  peerRefresh = next;
  return next;
}

/**
 * The process at the other end of a TCP connection when it runs on this machine (loopback), from
 * the peer listing, or the Ports view's when that one has it; a new connection is looked for in
 * the next peer listing that begins after it (see refreshForPeers).
 */
export function usePeerProcess(socket: SocketInfo): PeerProcess | undefined {
  const local = mayHaveLocalPeer(socket);
  const listed = usePeerRows((state) => (local ? (state.found[foundKey(socket)] ?? findPeerRow(state.listing, socket)) : undefined));
  const shown = usePorts((state) => (local ? findPeerRow(state.list, socket) : undefined));
  const row = listed ?? shown;
  const open = socket.state === 'open';
  useEffect(() => {
    if (!local || !open || row || asked.has(socket.id)) return;
    asked.add(socket.id);
    void (async () => {
      // Not found: the listing may have read the peer's process before it held the socket. One
      // more, shared with every other new connection too.
      await refreshForPeers();
      if (!findPeerRow(usePeerRows.getState().listing, socket)) await refreshForPeers();
    })();
  }, [local, open, row, socket]);
  if (!row || row.pid === undefined) return undefined;
  return { label: processLabel(row.process ?? `pid ${row.pid}`, row.command), pid: row.pid, command: row.command };
}
