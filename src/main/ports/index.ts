/**
 * The sockets of the whole machine, for the Ports view and `sockscope ports`: read from the OS
 * (per platform), then marked with what Sockscope knows — the port's service name and whether a
 * socket is Sockscope's own.
 */
import type { PortCounts, PortFilter, PortList, PortRow, SocketInfo } from '@shared/contract';
import { filterNeedsOwners, isListening, listeningPortsOf, matchesPortFilter, matchesSocketPorts } from '@shared/ports';
import { EngineError } from '../engine/errors';
import { now } from '../engine/log';
import { listLinuxPorts } from './linux';
import { listMacosPorts } from './macos';
import { comparePorts, type RawPortRow, type RowRequest, type SystemPorts } from './rows';
import { serviceOf } from './services';
import { Slices } from './slices';
import { listWindowsPorts } from './windows';

export type { RawPortRow, RowRequest, SystemPorts } from './rows';

/**
 * The sockets of this machine as the OS reports them, from the source for `platform`. `request`
 * may leave out rows early where the source can (Linux); the others list everything.
 */
export function listSystemPorts(platform: NodeJS.Platform = process.platform, request?: RowRequest): Promise<SystemPorts> {
  switch (platform) {
    case 'linux':
    case 'android':
      return listLinuxPorts(undefined, request);
    // The BSDs' lsof (from ports) prints the same fields as macOS's.
    case 'darwin':
    case 'freebsd':
    case 'openbsd':
      return listMacosPorts();
    case 'win32':
      return listWindowsPorts();
    default:
      return Promise.reject(new EngineError('UNSUPPORTED', `Listing the ports of this machine is not supported on ${platform}`));
  }
}

/**
 * What `ports.list` answers: the machine's sockets with services, Sockscope's own marked (by pid,
 * and by endpoint for the engine's sockets, which also names them), filtered, sorted by port and
 * cut at the filter's limit.
 */
export async function listPorts(filter: PortFilter, engineSockets: readonly SocketInfo[], system?: SystemPorts): Promise<PortList> {
  const takenAt = now();
  const listing = system ?? (await listSystemPorts(process.platform, requestOf(filter)));
  const ownIds = engineSocketIds(engineSockets);
  // In short turns: with the filter box's words every row of a busy machine is described and matched here.
  const slices = new Slices();
  const matching: PortRow[] = [];
  for (const raw of listing.rows) {
    const row = describeRow(raw, ownIds);
    if (matchesPortFilter(row, filter)) matching.push(row);
    if (slices.due()) await slices.pause();
  }
  // Linux's rows come in this order already, which makes this sort one pass.
  matching.sort(byLocalPort);
  const rows = filter.limit === undefined ? matching : matching.slice(0, filter.limit);
  const hiddenProcesses = rows.filter((row) => row.processHidden).length;
  return {
    rows,
    matched: matching.length + (listing.leftOut ?? 0),
    counts: listing.counts ?? countsOf(listing.rows),
    listeningPorts: listing.listeningPorts ?? listeningPortsOf(listing.rows),
    hiddenProcesses,
    source: listing.source,
    note: hiddenNote(hiddenProcesses) ?? listing.note,
    takenAt,
  };
}

/**
 * What a source can apply as it reads: the filter's kind and ports; and its limit, unless the
 * rows' owners decide which are kept (a process, the filter box's words), when it cannot know
 * which rows are the first before it has looked every one up.
 */
function requestOf(filter: PortFilter): RowRequest {
  const bySocket =
    filter.protocol !== undefined ||
    filter.state !== undefined ||
    filter.listening !== undefined ||
    filter.port !== undefined ||
    filter.localPorts !== undefined;
  return {
    select: bySocket ? (socket) => matchesSocketPorts(socket, filter) : undefined,
    limit: filterNeedsOwners(filter) ? undefined : filter.limit,
  };
}

function countsOf(rows: readonly RawPortRow[]): PortCounts {
  return { listening: rows.filter(isListening).length, all: rows.length };
}

function describeRow(row: RawPortRow, ownIds: ReadonlyMap<string, string>): PortRow {
  const socketId = row.pid === undefined || row.pid === process.pid ? ownIds.get(socketKey(row)) : undefined;
  const service = serviceOf(row.protocol, row.local.port, row.remote?.port);
  return { ...row, service, own: row.pid === process.pid || socketId !== undefined, socketId };
}

/** The engine's live sockets by protocol and endpoints, as the OS would list them. */
function engineSocketIds(sockets: readonly SocketInfo[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const socket of sockets) {
    if (!socket.local || socket.state === 'closed' || socket.state === 'error') continue;
    const protocol = socket.kind === 'udp' ? 'udp' : 'tcp';
    // A listener and a UDP socket have no peer in the OS's eyes, whatever Sockscope remembers.
    const remote = socket.kind === 'tcp-client' || socket.kind === 'tcp-connection' ? socket.remote : undefined;
    ids.set(socketKey({ protocol, local: socket.local, remote }), socket.id);
  }
  return ids;
}

function socketKey(row: Pick<RawPortRow, 'protocol' | 'local' | 'remote'>): string {
  const remote = row.remote ? `${unmapped(row.remote.address)} ${row.remote.port}` : '-';
  return `${row.protocol} ${unmapped(row.local.address)} ${row.local.port} ${remote}`;
}

/** Node may report a dual-stack socket's IPv4 peer as `::ffff:1.2.3.4` where an OS tool says `1.2.3.4`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** portOrder, as the source applied it before a limit. */
function byLocalPort(a: PortRow, b: PortRow): number {
  return comparePorts(a.local.port, a.protocol, a.remote?.port, b.local.port, b.protocol, b.remote?.port);
}

function hiddenNote(hidden: number): string | undefined {
  if (hidden === 0) return undefined;
  const sockets = hidden === 1 ? '1 socket belongs' : `${hidden} sockets belong`;
  return `${sockets} to processes of other users; the system shows their owners only to an administrator (root).`;
}
