import type { EventBatch } from '@shared/contract';
import type { Transport } from '../transport';

/**
 * Keeps a store of something main holds in step with it: `read` it whenever the transport (re)opens
 * or batches were lost for this window (what changed meanwhile is unknown), and `follow` the
 * batches in between. Returns the function that stops. The sockets' own sync (sync.ts) does more
 * at each of these moments (holds batches until its snapshot, records the transport's state).
 */
export function followMain(transport: Transport, read: () => void, follow: (batch: EventBatch) => void): () => void {
  const unsubscribeStatus = transport.onStatus((status) => {
    if (status.state === 'open') read();
  });
  const unsubscribeResync = transport.onResync?.(read);
  const unsubscribeBatches = transport.subscribe(follow);
  return () => {
    unsubscribeStatus();
    unsubscribeResync?.();
    unsubscribeBatches();
  };
}
