import { electronTransport } from './electron';
import type { Transport } from './transport';
import { websocketTransport } from './websocket';

/** Inside Electron the preload bridge exists; in a browser the page came from the host with a token. */
export function createTransport(): Transport {
  if (window.sockscope) return electronTransport(window.sockscope);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return websocketTransport(`${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
}

export type { Transport, TransportStatus } from './transport';
