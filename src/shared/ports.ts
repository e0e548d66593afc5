/** What every front end does with the rows of `ports.list`: filter them, and find where to connect. */
import type { Endpoint, ListeningPorts, PortFilter, PortRow, Target } from './contract';
import { formatEndpoint } from './endpoint';

/** Listening TCP sockets and unconnected UDP ones: the sockets something can be sent to. */
export function isListening(row: Pick<PortRow, 'state'>): boolean {
  return row.state === 'LISTEN' || row.state === 'BOUND';
}

/** The part of a filter a row's protocol and state decide (what a lister can check before decoding a row). */
export function matchesSocketKind(row: Pick<PortRow, 'protocol' | 'state'>, filter: Pick<PortFilter, 'protocol' | 'state' | 'listening'>): boolean {
  if (filter.protocol !== undefined && row.protocol !== filter.protocol) return false;
  if (filter.listening !== undefined && filter.listening !== isListening(row)) return false;
  return filter.state === undefined || row.state === filter.state;
}

/** The part of a filter a row's kind and ports decide: what /proc/net tells before any owner is looked up. */
export function matchesSocketPorts(
  row: Pick<PortRow, 'protocol' | 'state'> & { localPort: number; remotePort: number | undefined },
  filter: Pick<PortFilter, 'protocol' | 'state' | 'listening' | 'port' | 'localPorts'>,
): boolean {
  if (!matchesSocketKind(row, filter)) return false;
  if (filter.localPorts !== undefined && !setOf(filter.localPorts).has(row.localPort)) return false;
  return filter.port === undefined || row.localPort === filter.port || row.remotePort === filter.port;
}

/** Each filter's `localPorts` as a set, made once: a listing checks it for every socket of the machine. */
const portSets = new WeakMap<readonly number[], ReadonlySet<number>>();

function setOf(ports: readonly number[]): ReadonlySet<number> {
  let set = portSets.get(ports);
  if (!set) portSets.set(ports, (set = new Set(ports)));
  return set;
}

/** Whether a filter's outcome depends on who owns a row (its process, or the filter box's words). */
export function filterNeedsOwners(filter: Pick<PortFilter, 'process' | 'query'>): boolean {
  return filter.process !== undefined || (filter.query ?? '').trim() !== '';
}

/** The contract's light filters (`--listening`, `--port`, `--process`, …) and the filter box; every one given must hold. */
export function matchesPortFilter(row: PortRow, filter: PortFilter): boolean {
  if (!matchesSocketPorts({ protocol: row.protocol, state: row.state, localPort: row.local.port, remotePort: row.remote?.port }, filter))
    return false;
  if (filter.query !== undefined && !matchesPortQuery(row, filter.query)) return false;
  if (filter.process !== undefined) {
    const wanted = filter.process.trim().toLowerCase();
    const byPid = /^\d+$/.test(wanted) && row.pid === Number(wanted);
    if (!byPid && !(row.process ?? '').toLowerCase().includes(wanted)) return false;
  }
  return true;
}

/**
 * The Ports view's filter box: every word must match. A number (or `:number`) is a port, local or
 * remote, or a pid — exactly, so 80 does not bring up 8080. Anything else is looked for, in any
 * case, in the addresses, state, process, command line and service (`sockscope` finds Sockscope's own).
 */
export function matchesPortQuery(row: PortRow, query: string): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [
    row.protocol,
    formatEndpoint(row.local),
    row.remote ? formatEndpoint(row.remote) : '',
    row.state,
    row.process ?? '',
    row.command ?? '',
    row.service ?? '',
    row.own ? 'sockscope' : '',
    row.processHidden ? 'hidden' : '',
  ]
    .join('\n')
    .toLowerCase();
  return words.every((word) => {
    const number = /^:?(\d+)$/.exec(word);
    if (number) {
      const n = Number(number[1]);
      return row.local.port === n || row.remote?.port === n || row.pid === n;
    }
    return text.includes(word);
  });
}

/** The local ports of the listening and bound rows, per protocol, sorted. */
export function listeningPortsOf(rows: readonly Pick<PortRow, 'protocol' | 'state' | 'local'>[]): ListeningPorts {
  const ports = { tcp: new Set<number>(), udp: new Set<number>() };
  for (const row of rows) if (isListening(row)) ports[row.protocol].add(row.local.port);
  return { tcp: [...ports.tcp].sort((a, b) => a - b), udp: [...ports.udp].sort((a, b) => a - b) };
}

/** A wildcard address means "every address of this machine": reach it on loopback. */
function reachable(endpoint: Endpoint): Target {
  const host = endpoint.address === '0.0.0.0' ? '127.0.0.1' : endpoint.address === '::' ? '::1' : endpoint.address;
  return { host, port: endpoint.port };
}

/**
 * Where "Connect" goes from a row: a listening or bound socket is reached at its local endpoint
 * (wildcards on loopback); a connection at the end that serves, which is the local one when this
 * machine also listens on that port, else the peer. Undefined when there is nowhere to go (port 0).
 */
export function connectTarget(row: PortRow, listening: ListeningPorts): Target | undefined {
  let endpoint: Endpoint = row.local;
  if (row.remote && !isListening(row)) {
    const servesLocally = listening[row.protocol].includes(row.local.port);
    if (!servesLocally) endpoint = row.remote;
  }
  return endpoint.port === 0 ? undefined : reachable(endpoint);
}

/**
 * Where "Connect" binds the UDP socket that sends to `target`: loopback for a loopback target,
 * else every address of the target's family, so that the system can route to it.
 */
export function udpBindHost(target: Target): string {
  const v6 = target.host.includes(':');
  const loopback = target.host === '::1' || target.host.startsWith('127.');
  if (loopback) return v6 ? '::1' : '127.0.0.1';
  return v6 ? '::' : '0.0.0.0';
}

/** Identifies a row across refreshes (for list keys and selection). */
export function portRowKey(row: PortRow): string {
  const remote = row.remote ? `${row.remote.address}:${row.remote.port}` : '';
  return `${row.protocol} ${row.local.address}:${row.local.port} ${remote} ${row.pid ?? ''}`;
}
