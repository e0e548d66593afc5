import { type RawData, WebSocket } from 'ws';
import { ClientMessage, type EventBatch, type Result, type ServerMessage } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import { HeldBatches } from '../held-batches';
import type { Core } from '../core';

/**
 * What the host holds for one browser page at most. A page that stops reading (a frozen tab, a
 * hostile script) must not grow the host: whatever it has not read waits in the WebSocket's
 * buffer, and these bounds say what happens as that buffer grows.
 */
export interface ClientLimits {
  /** Past this many unread bytes the page is behind: events are merged as they come and commands wait. */
  behindBytes: number;
  /** A reply that would take the unread bytes of a page that is behind past this is refused instead (CLIENT_BEHIND). */
  maxUnreadBytes: number;
  /** Distinct events merged for a page that is behind; past this they are dropped and the page resyncs from a snapshot. */
  maxHeldEvents: number;
  /** Commands waiting (count, and bytes as received) before the host stops reading from the page. */
  maxWaitingCommands: number;
  maxWaitingBytes: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  behindBytes: 4 * 1024 * 1024,
  maxUnreadBytes: 32 * 1024 * 1024,
  maxHeldEvents: 10_000,
  maxWaitingCommands: 64,
  maxWaitingBytes: 32 * 1024 * 1024,
};

export const CLIENT_BEHIND = 'CLIENT_BEHIND';

/** How far behind a page is, for tests and diagnostics. */
export interface ClientBacklog {
  unreadBytes: number;
  heldEvents: number;
  waitingCommands: number;
  resyncPending: boolean;
}

const DRAIN_POLL_MS = 50;

/** Serves the contract to one page within `limits`; returns a view of its backlog. */
export function attachClient(ws: WebSocket, core: Core, limits: ClientLimits = DEFAULT_CLIENT_LIMITS): () => ClientBacklog {
  const send = (message: ServerMessage | string): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(typeof message === 'string' ? message : encodeWire(message));
  };
  const behind = (): boolean => ws.bufferedAmount > limits.behindBytes;

  // A page that is behind skips ahead: batches are merged as they arrive, past a bound dropped for a snapshot.
  const held = new HeldBatches(limits.maxHeldEvents);
  const onBatch = (batch: EventBatch): void => {
    if (!held.holding && !behind()) return send({ type: 'events', batch });
    held.hold(batch);
    waitForDrain();
  };

  // Commands run only while the page keeps up, in the order they came, one per turn of the event
  // loop: a command answered at once (a log read) has its reply queued before the next one runs,
  // so twelve large reads sent together cost one reply, not twelve copies. While the page is
  // behind they wait, and past a bound the host stops reading from it (TCP holds the rest).
  const waiting: { text: string | undefined }[] = [];
  let waitingBytes = 0;
  let scheduled = false;
  const onMessage = (data: RawData, isBinary: boolean): void => {
    const text = isBinary ? undefined : data.toString();
    waiting.push({ text });
    waitingBytes += text?.length ?? 0;
    if (waiting.length >= limits.maxWaitingCommands || waitingBytes >= limits.maxWaitingBytes) ws.pause();
    runWaiting();
  };
  const runWaiting = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(runNext);
  };
  const runNext = (): void => {
    scheduled = false;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (waiting.length === 0) {
      if (ws.isPaused) ws.resume();
      return;
    }
    if (behind()) return waitForDrain();
    const { text } = waiting.shift() ?? {};
    waitingBytes -= text?.length ?? 0;
    void handleMessage(core, text).then(reply);
    runWaiting();
  };

  /** Sends a reply, unless the page has so much unread that it would only pile up: then a short refusal. */
  const reply = (message: ServerMessage): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const unread = ws.bufferedAmount;
    if (unread <= limits.behindBytes || message.type !== 'result') return send(message);
    // Past the bound any reply is too many: refuse without building it.
    const text = unread < limits.maxUnreadBytes ? encodeWire(message) : undefined;
    if (text !== undefined && unread + text.length <= limits.maxUnreadBytes) return send(text);
    send({ type: 'result', callId: message.callId, result: behindError(unread, limits.maxUnreadBytes) });
  };

  let drainTimer: ReturnType<typeof setInterval> | undefined;
  const waitForDrain = (): void => {
    drainTimer ??= setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN || behind()) return;
      clearInterval(drainTimer);
      drainTimer = undefined;
      catchUp();
    }, DRAIN_POLL_MS);
  };
  const catchUp = (): void => {
    const next = held.take();
    if (next?.type === 'resync') send({ type: 'resync', reason: 'This page fell too far behind; it reloads the current state' });
    else if (next) send(next);
    runWaiting();
  };

  const unsubscribe = core.batcher.subscribe(onBatch);
  ws.on('message', onMessage);
  ws.on('close', () => {
    unsubscribe();
    clearInterval(drainTimer);
    held.clear();
    waiting.length = 0;
  });
  ws.on('error', () => ws.terminate());

  return () => ({ unreadBytes: ws.bufferedAmount, heldEvents: held.size, waitingCommands: waiting.length, resyncPending: held.resyncPending });
}

function behindError(unread: number, max: number): Result<never> {
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return {
    ok: false,
    error: {
      code: CLIENT_BEHIND,
      message: `Not sent: this page has ${mib(unread)} of earlier replies still to read (the host keeps at most ${mib(max)} per page). Try again in a moment.`,
    },
  };
}

async function handleMessage(core: Core, text: string | undefined): Promise<ServerMessage> {
  let raw: unknown;
  try {
    if (text === undefined) throw new SyntaxError('binary frames are not part of the contract');
    raw = decodeWire(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { type: 'fatal', error: { code: 'MALFORMED_MESSAGE', message: `Malformed message: ${detail}` } };
  }
  const message = ClientMessage.safeParse(raw);
  if (!message.success) {
    const callId = extractCallId(raw);
    const error = { code: 'MALFORMED_MESSAGE', message: 'Malformed message: expected { type: "command", callId, command, input }' };
    return callId === undefined ? { type: 'fatal', error } : { type: 'result', callId, result: { ok: false, error } };
  }
  const result = await core.dispatcher.dispatch(message.data.command, message.data.input);
  return { type: 'result', callId: message.data.callId, result };
}

function extractCallId(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const callId = (raw as Record<string, unknown>).callId;
  return typeof callId === 'number' && Number.isInteger(callId) && callId >= 0 ? callId : undefined;
}
