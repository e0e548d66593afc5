import { useEffect } from 'react';
import type { PortRow, SocketInfo } from '../../../shared/contract';
import { processLabel } from './processName';
import { refreshPorts, usePorts } from './ports';

export interface PeerProcess {
  label: string;
  pid: number;
  /** The full command line, for a tooltip. */
  command: string | undefined;
}

/** Loopback or this machine's own addresses as the engine reports them. */
const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * Listings asked for per socket. Twice at most: a listing that was on its way when the connection
 * was accepted may have been read before it, so one more is asked for when the first finds nothing.
 */
const asked = new Map<string, number>();
const MAX_ASKS = 2;

/** The other end's socket in the machine's ports: its local side is our remote, its remote our local. */
function findPeerRow(rows: readonly PortRow[], socket: SocketInfo): PortRow | undefined {
  const { local, remote } = socket;
  if (!local || !remote) return undefined;
  return rows.find((row) => row.protocol === 'tcp' && !row.own && row.pid !== undefined && row.local.port === remote.port && row.remote?.port === local.port);
}

/**
 * The process at the other end of a TCP connection when it runs on this machine (loopback), from
 * the ports listing Sockscope already makes; the listing is refreshed once for a new connection.
 */
export function usePeerProcess(socket: SocketInfo): PeerProcess | undefined {
  const local = socket.kind !== 'udp' && socket.kind !== 'tcp-listener' && socket.remote !== undefined && isLoopback(socket.remote.address);
  const row = usePorts((state) => (local ? findPeerRow(state.list?.rows ?? [], socket) : undefined));
  const updatedAt = usePorts((state) => state.updatedAt);
  const open = socket.state === 'open';
  useEffect(() => {
    const asks = asked.get(socket.id) ?? 0;
    if (!local || !open || row || asks >= MAX_ASKS) return;
    // A listing made well after the connection that does not show its peer will not by asking again.
    if (asks === 0 && updatedAt !== undefined && updatedAt > socket.createdAt + 1000) return;
    asked.set(socket.id, asks + 1);
    void refreshPorts();
  }, [local, open, row, socket.id, socket.createdAt, updatedAt]);
  if (!row || row.pid === undefined) return undefined;
  return { label: processLabel(row.process ?? `pid ${row.pid}`, row.command), pid: row.pid, command: row.command };
}
