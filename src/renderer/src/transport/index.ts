import { hostSocketUrl } from './earlySocket';
import { electronTransport } from './electron';
import type { Transport } from './transport';
import { websocketTransport } from './websocket';

/** Inside Electron the preload bridge exists; in a browser the page came from the host with a token. */
export function createTransport(): Transport {
  if (window.sockscope) return electronTransport(window.sockscope);
  return websocketTransport(hostSocketUrl());
}

export type { Transport, TransportStatus } from './transport';
