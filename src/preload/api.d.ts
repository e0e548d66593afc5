import type { Command, EventBatch, Result } from '@shared/contract';

/** The whole surface the preload exposes to the renderer as `window.sockscope`. */
export interface SockscopeBridge {
  invoke(command: Command, input: unknown): Promise<Result<unknown>>;
  onEvents(listener: (batch: EventBatch) => void): () => void;
  /** Main dropped batches this window fell too far behind to read: take a fresh snapshot. */
  onResync(listener: () => void): () => void;
}

declare global {
  interface Window {
    sockscope?: SockscopeBridge;
  }
}
