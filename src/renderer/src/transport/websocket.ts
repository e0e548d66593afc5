import type { Command, EventBatch, Input, Output, Result, ServerMessage } from '../../../shared/contract';
import { decodeWire, encodeWire } from '../../../shared/wire';
import type { Transport, TransportStatus } from './transport';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

/**
 * The browser host's transport: one WebSocket carrying commands, results and event batches.
 * Reconnects with backoff; after a reconnect the app asks for a fresh snapshot, so nothing is lost.
 */
export function websocketTransport(url: string): Transport {
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const pending = new Map<number, Pending>();
  let status: TransportStatus = { state: 'connecting' };
  let socket: WebSocket | undefined;
  let nextCallId = 1;
  let retryMs = 250;
  let opened: Promise<void>;
  let markOpen: () => void = () => undefined;

  const setStatus = (next: TransportStatus): void => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const connect = (): void => {
    opened = new Promise((resolve) => (markOpen = resolve));
    setStatus({ state: 'connecting' });
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      markOpen();
      setStatus({ state: 'open' });
    };
    ws.onmessage = (message: MessageEvent<string>) => {
      const parsed = decodeWire(message.data) as ServerMessage;
      if (parsed.type === 'result') {
        pending.get(parsed.callId)?.resolve(parsed.result);
        pending.delete(parsed.callId);
      } else if (parsed.type === 'events') {
        for (const listener of batchListeners) listener(parsed.batch);
      } else {
        setStatus({ state: 'closed', reason: parsed.error.message });
      }
    };
    ws.onclose = (event: CloseEvent) => {
      for (const call of pending.values()) {
        call.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'Lost the connection to the Sockscope host' } });
      }
      pending.clear();
      const reason = event.reason || 'Lost the connection to the Sockscope host';
      setStatus({ state: 'closed', reason });
      // A refused token or origin will not get better by retrying.
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    async invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
      if (status.state !== 'open') await opened;
      const callId = nextCallId++;
      return new Promise<Result<Output<C>>>((resolve) => {
        pending.set(callId, { resolve: resolve as (r: Result<unknown>) => void });
        socket?.send(encodeWire({ type: 'command', callId, command, input }));
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
  };
}
