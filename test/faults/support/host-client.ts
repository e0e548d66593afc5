/** A WebSocket client of the browser host that speaks the contract, as the renderer's transport does. */
import { WebSocket } from 'ws';
import type { EngineEvent, Result, ServerMessage } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import type { Dispatch } from './contract';

export interface HostClient {
  dispatch: Dispatch;
  /** Every engine event received so far. */
  events: EngineEvent[];
  close(): void;
}

/** Connects with the token from the URL the host printed, from the host's own origin. */
export async function connectToHost(url: string): Promise<HostClient> {
  const page = new URL(url);
  const ws = new WebSocket(`ws://${page.host}/ws?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`, {
    headers: { origin: page.origin },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const events: EngineEvent[] = [];
  const pending = new Map<number, (result: Result<unknown>) => void>();
  ws.on('message', (data: Buffer) => {
    const message = decodeWire(data.toString()) as ServerMessage;
    if (message.type === 'events') events.push(...message.batch.events);
    else if (message.type === 'result') {
      pending.get(message.callId)?.(message.result);
      pending.delete(message.callId);
    }
  });
  // A call on a closed page must fail, not wait forever.
  const closed: Result<unknown> = { ok: false, error: { code: 'CLOSED', message: 'The connection to the host is closed' } };
  ws.on('close', () => {
    for (const settle of pending.values()) settle(closed);
    pending.clear();
  });
  let nextCallId = 1;
  return {
    events,
    dispatch: (command, input) =>
      new Promise((resolve) => {
        if (ws.readyState !== WebSocket.OPEN) return resolve(closed);
        const callId = nextCallId++;
        pending.set(callId, resolve);
        ws.send(encodeWire({ type: 'command', callId, command, input }));
      }),
    close: () => ws.terminate(),
  };
}
