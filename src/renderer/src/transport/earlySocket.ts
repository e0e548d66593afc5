/** The host's WebSocket as public/early-socket.js opened it, with the messages that came before the transport took it. */
export interface EarlySocket {
  socket: WebSocket;
  received: string[];
}

declare global {
  interface Window {
    __sockscopeEarlySocket?: EarlySocket;
  }
}

/** The host's WebSocket address for this page: same host, the page's token (early-socket.js makes the same). */
export function hostSocketUrl(): string {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`;
}

/**
 * The socket the page opened early for `url`, once (a reconnect opens its own); one for another
 * address is closed. Leaves the property defined: if early-socket.js runs only now, it opens none.
 */
export function takeEarlySocket(url: string): EarlySocket | undefined {
  if (typeof window === 'undefined') return undefined;
  const taken = window.__sockscopeEarlySocket;
  window.__sockscopeEarlySocket = undefined;
  if (!taken) return undefined;
  if (taken.socket.url === new URL(url).href) return taken;
  taken.socket.close();
  return undefined;
}
