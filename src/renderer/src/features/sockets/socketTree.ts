import type { SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';

export type SectionId = 'proxies' | 'listeners' | 'connections' | 'udp' | 'imported';

export type SidebarRow =
  | { type: 'section'; key: string; section: SectionId; label: string; count: number }
  | {
      type: 'socket';
      key: string;
      socket: SocketInfo;
      /** 1 for a connection a listener accepted, shown beneath it. */
      depth: 0 | 1;
      /** Listener: accepted connections that are still open, and all it holds. */
      openConnections: number;
      childCount: number;
      collapsed: boolean;
    };

const byCreation = (a: SocketInfo, b: SocketInfo): number => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

export function isLive(socket: SocketInfo): boolean {
  return socket.state !== 'closed' && socket.state !== 'error';
}

/**
 * The sidebar in display order: listeners with their accepted connections beneath, then TCP
 * clients (and connections whose listener is gone), then UDP sockets. Empty sections are left out.
 */
export function buildSidebarRows(sockets: Record<string, SocketInfo>, collapsed: ReadonlySet<string>): SidebarRow[] {
  const listeners: SocketInfo[] = [];
  const proxies: SocketInfo[] = [];
  const clients: SocketInfo[] = [];
  const udp: SocketInfo[] = [];
  const imported: SocketInfo[] = [];
  const children = new Map<string, SocketInfo[]>();
  for (const socket of Object.values(sockets)) {
    if (socket.kind === 'tcp-listener') listeners.push(socket);
    else if (socket.kind === 'proxy') proxies.push(socket);
    else if (socket.kind === 'udp') udp.push(socket);
    else if (socket.kind === 'imported') imported.push(socket);
    else if ((socket.kind === 'tcp-connection' || socket.kind === 'proxy-conversation') && socket.parentId && sockets[socket.parentId]) {
      const list = children.get(socket.parentId);
      if (list) list.push(socket);
      else children.set(socket.parentId, [socket]);
    } else clients.push(socket);
  }
  const rows: SidebarRow[] = [];
  const plain = (socket: SocketInfo, depth: 0 | 1): SidebarRow => ({
    type: 'socket',
    key: socket.id,
    socket,
    depth,
    openConnections: 0,
    childCount: 0,
    collapsed: false,
  });
  const withChildren = (parents: SocketInfo[]): void => {
    for (const listener of parents.sort(byCreation)) {
      const accepted = (children.get(listener.id) ?? []).sort(byCreation);
      const isCollapsed = collapsed.has(listener.id);
      rows.push({
        type: 'socket',
        key: listener.id,
        socket: listener,
        depth: 0,
        openConnections: accepted.filter(isLive).length,
        childCount: accepted.length,
        collapsed: isCollapsed,
      });
      if (!isCollapsed) for (const connection of accepted) rows.push(plain(connection, 1));
    }
  };
  if (proxies.length > 0) {
    rows.push({ type: 'section', key: 'section:proxies', section: 'proxies', label: 'Proxies', count: proxies.length });
    withChildren(proxies);
  }
  if (listeners.length > 0) {
    rows.push({ type: 'section', key: 'section:listeners', section: 'listeners', label: 'Listeners', count: listeners.length });
    withChildren(listeners);
  }
  if (clients.length > 0) {
    rows.push({ type: 'section', key: 'section:connections', section: 'connections', label: 'Connections', count: clients.length });
    for (const socket of clients.sort(byCreation)) rows.push(plain(socket, 0));
  }
  if (udp.length > 0) {
    rows.push({ type: 'section', key: 'section:udp', section: 'udp', label: 'UDP', count: udp.length });
    for (const socket of udp.sort(byCreation)) rows.push(plain(socket, 0));
  }
  if (imported.length > 0) {
    rows.push({ type: 'section', key: 'section:imported', section: 'imported', label: 'Imported logs', count: imported.length });
    for (const socket of imported.sort(byCreation)) rows.push(plain(socket, 0));
  }
  return rows;
}

/** Socket ids in sidebar order, for keyboard navigation and for picking a neighbour. */
export function socketOrder(sockets: Record<string, SocketInfo>): string[] {
  return buildSidebarRows(sockets, new Set()).flatMap((row) => (row.type === 'socket' ? [row.socket.id] : []));
}

export const kindLabel: Record<SocketInfo['kind'], string> = {
  'tcp-client': 'TCP client',
  'tcp-listener': 'TCP listener',
  'tcp-connection': 'Accepted connection',
  udp: 'UDP socket',
  imported: 'Imported log',
  proxy: 'Proxy',
  'proxy-conversation': 'Proxied conversation',
};

/**
 * What a row says about where a socket is: `local ↔ remote`, a listener's own address (its state,
 * listening or stopped, is said beside it), UDP `local → target`.
 */
export function endpointSummary(socket: SocketInfo): string {
  switch (socket.kind) {
    case 'imported':
      // Where the original was: its endpoints, as its own kind would show them.
      return endpointSummary({ ...socket, kind: socket.importedFrom?.kind ?? 'tcp-client' });
    case 'tcp-listener':
      return socket.local ? formatEndpoint(socket.local) : socket.state === 'closed' || socket.state === 'error' ? 'not listening' : 'starting…';
    case 'proxy':
      return `${socket.local ? formatEndpoint(socket.local) : 'not listening'} → ${socket.proxy ? formatEndpoint(socket.proxy.upstream) : '?'}`;
    case 'proxy-conversation':
      // Client → proxy → upstream: all three ends of the pair.
      return `${formatEndpoint(socket.remote)} → ${formatEndpoint(socket.local)} → ${formatEndpoint(socket.conversation?.upstreamRemote ?? socket.proxy?.upstream)}`;
    case 'udp':
      return socket.defaultTarget ? `${formatEndpoint(socket.local)} → ${formatEndpoint(socket.defaultTarget)}` : formatEndpoint(socket.local);
    default:
      if (!socket.remote && socket.requested) {
        return socket.local ? `${formatEndpoint(socket.local)} ↔ ${formatEndpoint(socket.requested)}` : `to ${formatEndpoint(socket.requested)}`;
      }
      return `${formatEndpoint(socket.local)} ↔ ${formatEndpoint(socket.remote ?? socket.requested)}`;
  }
}

/** What TLS sockets are called. */
const tlsKindLabel: Partial<Record<SocketInfo['kind'], string>> = {
  'tcp-client': 'TLS client',
  'tcp-listener': 'TLS listener',
  'tcp-connection': 'Accepted TLS connection',
};

/** What the user calls this kind of socket: TLS ones by what they speak. */
export function socketKindLabel(socket: SocketInfo): string {
  return (socket.tls && tlsKindLabel[socket.kind]) || kindLabel[socket.kind];
}
