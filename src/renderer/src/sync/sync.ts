import type { EngineEvent, EventBatch } from '@shared/contract';
import type { Transport } from '../transport';
import { applyEvents, applySnapshot, setTransportStatus, useSockets } from '../features/sockets/sockets';

/** Runs `apply` later, once for everything that arrived meanwhile. */
export type Coalescer = (apply: () => void) => void;

/** What runs before the next frame; one animation frame (or timer) runs them all. */
let frameQueue: (() => void)[] = [];

function runFrameQueue(): void {
  const queue = frameQueue;
  frameQueue = [];
  for (const apply of queue) apply();
}

/**
 * Just before the next frame is drawn, or after 100 ms when no frame is (a hidden tab draws none);
 * at once where there are no frames (tests in Node). Batches that arrive between two frames are
 * applied as one store update: one render and one layout per frame, not one per batch, and input
 * is handled between them. Everything scheduled for a frame (event batches, log reads that
 * landed) runs in one callback, so that React renders the stores' updates together, once.
 */
export const beforeNextFrame: Coalescer =
  typeof requestAnimationFrame === 'function'
    ? (apply) => {
        frameQueue.push(apply);
        if (frameQueue.length > 1) return;
        let done = false;
        const run = (): void => {
          if (done) return;
          done = true;
          cancelAnimationFrame(frame);
          clearTimeout(timer);
          runFrameQueue();
        };
        const frame = requestAnimationFrame(run);
        const timer = setTimeout(run, 100);
      }
    : (apply) => apply();

/**
 * Keeps the stores in step with the engine: a snapshot whenever the transport (re)opens, then
 * event batches newer than it. Batches that arrive before the snapshot reply are held and replayed.
 * Returns a function that stops listening.
 */
export function startSync(transport: Transport, retryDelayMs = 1000, coalesce: Coalescer = beforeNextFrame): () => void {
  /** Rev of the last snapshot or batch applied; null while waiting for a snapshot. */
  let appliedRev: number | null = null;
  let held: EventBatch[] = [];
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  /** Events of batches accepted since the last store update, applied together by `coalesce`. */
  let queued: EngineEvent[] = [];
  let flushScheduled = false;
  const flushQueued = (): void => {
    flushScheduled = false;
    const events = queued;
    queued = [];
    if (!stopped) applyEvents(events);
  };

  const applyBatch = (batch: EventBatch): void => {
    if (appliedRev === null) {
      held.push(batch);
      return;
    }
    if (batch.rev <= appliedRev) return;
    appliedRev = batch.rev;
    for (const event of batch.events) queued.push(event);
    if (!flushScheduled) {
      flushScheduled = true;
      coalesce(flushQueued);
    }
  };

  const requestSnapshot = async (): Promise<void> => {
    const thisAttempt = ++attempt;
    appliedRev = null;
    held = [];
    clearTimeout(retryTimer);
    const result = await transport.invoke('app.snapshot', {});
    if (stopped || thisAttempt !== attempt) return;
    if (!result.ok) {
      useSockets.setState({
        lastError: { error: result.error, time: Date.now() },
      });
      // Only retry while the transport is up; a reopen asks again anyway.
      if (useSockets.getState().transport.state === 'open') {
        retryTimer = setTimeout(() => void requestSnapshot(), retryDelayMs);
      }
      return;
    }
    // Everything queued is older than the snapshot, which already holds it.
    queued = [];
    applySnapshot(result.value);
    appliedRev = result.value.rev;
    const pending = held;
    held = [];
    for (const batch of pending) applyBatch(batch);
  };

  const unsubscribeBatches = transport.subscribe(applyBatch);
  // Batches were dropped for this window: what it shows is current only up to the gap.
  const unsubscribeResync = transport.onResync?.(() => {
    useSockets.setState({ synced: false });
    void requestSnapshot();
  });
  const unsubscribeStatus = transport.onStatus((status) => {
    setTransportStatus(status);
    if (status.state === 'open') void requestSnapshot();
    else {
      // Until the next snapshot, batches may be missing: hold what comes.
      attempt++;
      appliedRev = null;
      held = [];
    }
  });

  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    unsubscribeBatches();
    unsubscribeStatus();
    unsubscribeResync?.();
  };
}
