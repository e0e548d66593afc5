import type { Command, EventBatch, Input, Output, Result } from '@shared/contract';

/** How the renderer reaches the engine: the Electron preload bridge or the browser host's WebSocket. */
export interface Transport {
  invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>>;
  /** Event batches in order; returns unsubscribe. */
  subscribe(listener: (batch: EventBatch) => void): () => void;
  /** Connection to the engine itself (the host may go away); the Electron bridge is always 'open'. */
  onStatus(listener: (status: TransportStatus) => void): () => void;
  /** The host dropped batches this window fell too far behind to read: take a fresh snapshot. */
  onResync?(listener: () => void): () => void;
}

/**
 * `closed`: the link went and the transport is trying again. `refused`: the host turned this page
 * away (a missing or wrong token, a foreign origin); trying again would not help, so it stopped.
 */
export type TransportStatus = { state: 'connecting' | 'open' } | { state: 'closed' | 'refused'; reason: string };
