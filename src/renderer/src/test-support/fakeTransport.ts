import type { EventBatch } from '@shared/contract';
import type { Transport, TransportStatus } from '../transport';

/**
 * A Transport for renderer tests: the test answers `invoke` and delivers batches, status changes and
 * resyncs by hand, and can count who still listens.
 */
export function fakeTransport(invoke: Transport['invoke']) {
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const resyncListeners = new Set<() => void>();
  const transport: Transport = {
    invoke,
    subscribe(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
  };
  return {
    transport,
    emit: (batch: EventBatch) => batchListeners.forEach((listener) => listener(batch)),
    status: (status: TransportStatus) => statusListeners.forEach((listener) => listener(status)),
    resync: () => resyncListeners.forEach((listener) => listener()),
    listeners: () => batchListeners.size + statusListeners.size + resyncListeners.size,
  };
}
