import type { EventBatch } from '@shared/contract';
import type { Transport } from '../transport';
import { applyEvents, applySnapshot, setTransportStatus, useSockets } from '../features/sockets/sockets';

/**
 * Keeps the stores in step with the engine: a snapshot whenever the transport (re)opens, then
 * event batches newer than it. Batches that arrive before the snapshot reply are held and replayed.
 * Returns a function that stops listening.
 */
export function startSync(transport: Transport, retryDelayMs = 1000): () => void {
  /** Rev of the last snapshot or batch applied; null while waiting for a snapshot. */
  let appliedRev: number | null = null;
  let held: EventBatch[] = [];
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const applyBatch = (batch: EventBatch): void => {
    if (appliedRev === null) {
      held.push(batch);
      return;
    }
    if (batch.rev <= appliedRev) return;
    appliedRev = batch.rev;
    applyEvents(batch.events);
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
