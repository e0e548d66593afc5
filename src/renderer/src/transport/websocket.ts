import type { Command, EventBatch, Input, Output, Result, ServerMessage } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import { type EarlySocket, takeEarlySocket } from './earlySocket';
import type { Transport, TransportStatus } from './transport';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export interface WebSocketTransportOptions {
  /** How long a call made while the host is out of reach waits for the next connection. */
  connectWaitMs?: number;
  /** The WebSocket class: the browser's, or the `ws` package's in tests (Node 20 has none). */
  WebSocket?: new (url: string) => WebSocket;
}

/** Settles when the connection next opens or closes; replaced each time, so no call waits on a dead one. */
function connectionChange(): { promise: Promise<void>; settle: () => void } {
  let settle: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return { promise, settle };
}

/** WebSocket.OPEN, the same in every implementation. */
const OPEN = 1;
const LOST = 'Lost the connection to the Sockscope host';

/**
 * The browser host's transport: one WebSocket carrying commands, results and event batches.
 * Reconnects with backoff; after a reconnect (or when the host says this page fell behind) the app
 * asks for a fresh snapshot, so nothing is lost. Every call settles: a call in flight when the
 * socket closes fails, and one made while reconnecting waits for the next connection, or fails
 * after `connectWaitMs`.
 */
export function websocketTransport(url: string, options: WebSocketTransportOptions = {}): Transport & { close(): void } {
  const connectWaitMs = options.connectWaitMs ?? 10_000;
  const Socket = options.WebSocket ?? WebSocket;
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const resyncListeners = new Set<() => void>();
  const pending = new Map<number, Pending>();
  let status: TransportStatus = { state: 'connecting' };
  let socket: WebSocket | undefined;
  let change = connectionChange();
  const changed = (): void => {
    const settled = change;
    change = connectionChange();
    settled.settle();
  };
  /** Why the transport stopped trying (a refused token or origin, or closed), if it did. */
  let gaveUp: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let nextCallId = 1;
  let retryMs = 250;

  const setStatus = (state: TransportStatus): void => {
    status = state;
    for (const listener of statusListeners) listener(state);
  };

  const onMessage = (text: string): void => {
    let parsed: ServerMessage;
    try {
      parsed = decodeWire(text) as ServerMessage;
    } catch {
      return;
    }
    if (parsed.type === 'result') {
      pending.get(parsed.callId)?.resolve(parsed.result);
      pending.delete(parsed.callId);
    } else if (parsed.type === 'events') {
      for (const listener of batchListeners) listener(parsed.batch);
    } else if (parsed.type === 'resync') {
      for (const listener of resyncListeners) listener();
    } else {
      setStatus({ state: 'closed', reason: parsed.error.message });
    }
  };

  /** Connects, or takes over the socket the page opened before this code had loaded (public/early-socket.js). */
  const connect = (early?: EarlySocket): void => {
    setStatus({ state: 'connecting' });
    // One that closed already (a refused token) is opened again here, and says why.
    const adopted = early && early.socket.readyState <= OPEN ? early : undefined;
    const ws = adopted?.socket ?? new Socket(url);
    socket = ws;
    const opened = (): void => {
      retryMs = 250;
      setStatus({ state: 'open' });
      changed();
    };
    ws.onopen = opened;
    ws.onmessage = (message: MessageEvent<string>) => onMessage(message.data);
    // A failed connection is reported by the close that follows.
    ws.onerror = () => undefined;
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = undefined;
      for (const call of pending.values()) {
        call.resolve({ ok: false, error: { code: 'DISCONNECTED', message: `${LOST} before it answered` } });
      }
      pending.clear();
      const reason = event.reason || LOST;
      // A refused token or origin will not get better by retrying.
      if (event.code === 4401 || event.code === 4403) {
        setStatus({ state: 'refused', reason });
        return stop(reason);
      }
      setStatus({ state: 'closed', reason });
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
      changed();
    };
    if (adopted?.socket.readyState === OPEN) {
      opened();
      for (const text of adopted.received.splice(0)) onMessage(text);
    }
  };

  const stop = (reason: string): void => {
    gaveUp = reason;
    clearTimeout(retryTimer);
    changed();
  };

  /** The open socket, the next one within `connectWaitMs`, or undefined. */
  const openSocket = async (): Promise<WebSocket | undefined> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => ((timedOut = true), resolve(undefined)), connectWaitMs)));
    try {
      // Until a socket is open: it may open and close again at once (a refused token), then the next one.
      while (!timedOut && gaveUp === undefined) {
        if (socket?.readyState === OPEN) return socket;
        await Promise.race([change.promise, timeout]);
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  connect(options.WebSocket ? undefined : takeEarlySocket(url));

  return {
    async invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
      const ws = await openSocket();
      if (!ws) {
        const message =
          gaveUp !== undefined
            ? `Not connected to the Sockscope host: ${gaveUp}`
            : `Not connected to the Sockscope host (waited ${Number((connectWaitMs / 1000).toFixed(1))} s for it to come back)`;
        return { ok: false, error: { code: 'DISCONNECTED', message } };
      }
      const callId = nextCallId++;
      return new Promise<Result<Output<C>>>((resolve) => {
        pending.set(callId, { resolve: resolve as (r: Result<unknown>) => void });
        ws.send(encodeWire({ type: 'command', callId, command, input }));
      });
    },
    subscribe(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    close() {
      stop('the page closed the connection');
      const ws = socket;
      socket = undefined;
      ws?.close();
      for (const call of pending.values()) call.resolve({ ok: false, error: { code: 'DISCONNECTED', message: LOST } });
      pending.clear();
    },
  };
}
