/** What every front end does with the rows of `ports.list`: filter them, and find where to connect. */
import type { Endpoint, PortFilter, PortRow, Target } from './contract';

/** Listening TCP sockets and unconnected UDP ones: the sockets something can be sent to. */
export function isListening(row: Pick<PortRow, 'state'>): boolean {
  return row.state === 'LISTEN' || row.state === 'BOUND';
}

/** The part of a filter a row's protocol and state decide (what a lister can check before decoding a row). */
export function matchesSocketKind(row: Pick<PortRow, 'protocol' | 'state'>, filter: Pick<PortFilter, 'protocol' | 'state' | 'listening'>): boolean {
  if (filter.protocol !== undefined && row.protocol !== filter.protocol) return false;
  if (filter.listening && !isListening(row)) return false;
  return filter.state === undefined || row.state === filter.state;
}

/** The contract's light filters (`--listening`, `--port`, `--process`, …); every one given must hold. */
export function matchesPortFilter(row: PortRow, filter: PortFilter): boolean {
  if (!matchesSocketKind(row, filter)) return false;
  if (filter.port !== undefined && row.local.port !== filter.port && row.remote?.port !== filter.port) return false;
  if (filter.process !== undefined) {
    const wanted = filter.process.trim().toLowerCase();
    const byPid = /^\d+$/.test(wanted) && row.pid === Number(wanted);
    if (!byPid && !(row.process ?? '').toLowerCase().includes(wanted)) return false;
  }
  return true;
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
export function connectTarget(row: PortRow, rows: readonly PortRow[]): Target | undefined {
  let endpoint: Endpoint = row.local;
  if (row.remote && !isListening(row)) {
    const servesLocally = rows.some((other) => other.protocol === row.protocol && isListening(other) && other.local.port === row.local.port);
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
