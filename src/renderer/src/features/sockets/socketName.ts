import type { SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { endpointSummary, socketKindLabel } from './socketTree';

/** Where a socket is, in its name: the row's endpoints in words, a listener "on" its address. */
function namedEndpoints(socket: SocketInfo): string {
  if ((socket.importedFrom?.kind ?? socket.kind) !== 'tcp-listener') return spokenArrows(endpointSummary(socket));
  return socket.local ? `on ${formatEndpoint(socket.local)}` : '';
}

/**
 * The row's arrows as words: screen readers say "↔" and "→" as "left right arrow" and "right
 * arrow" between two addresses. A proxied conversation's three ends read "from client via proxy to
 * server"; any other pair "local to remote".
 */
function spokenArrows(endpoints: string): string {
  const ends = endpoints.split(/ [↔→] /);
  if (ends.length === 3) return `from ${ends[0]} via ${ends[1]} to ${ends[2]}`;
  return ends.join(' to ');
}

/** The kind, with UDP said where a proxy's row shows it only as a badge. */
function namedKind(socket: SocketInfo): string {
  if (socket.kind === 'proxy' && socket.proxy?.protocol === 'udp') return 'UDP proxy';
  if (socket.kind === 'proxy-conversation' && socket.conversation?.protocol === 'udp') return 'Proxied UDP conversation';
  return socketKindLabel(socket);
}

/**
 * The accessible name of a socket's row, each part once: kind, endpoints and state, e.g.
 * "TCP listener on 127.0.0.1:6379, listening" or "TCP client 127.0.0.1:5 to 127.0.0.1:6, open".
 */
export function socketName(socket: SocketInfo): string {
  const where = namedEndpoints(socket);
  return `${namedKind(socket)}${where ? ` ${where}` : ''}, ${socket.state}`;
}
