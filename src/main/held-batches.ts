import type { EventBatch } from '@shared/contract';
import { EventCoalescer } from './batcher';

/** What a front end that was behind gets once it catches up. */
export type CatchUp = { type: 'events'; batch: EventBatch } | { type: 'resync' };

/**
 * Event batches for a front end that has stopped reading (a frozen browser tab on the host, a hung
 * Electron renderer): batches carry full state per socket, so they are merged into one as they
 * arrive, and past `maxEvents` distinct events dropped for a resync from a snapshot instead.
 * What is held is bounded whatever the traffic; the host's WebSocket clients and Electron's
 * windows both keep one.
 */
export class HeldBatches {
  private readonly events = new EventCoalescer();
  private rev: number | undefined;
  private resync = false;

  constructor(private readonly maxEvents: number) {}

  /** Something waits to be sent: while so, later batches must be held too, or they would overtake it. */
  get holding(): boolean {
    return this.rev !== undefined || this.resync;
  }

  get size(): number {
    return this.events.size;
  }

  get resyncPending(): boolean {
    return this.resync;
  }

  hold(batch: EventBatch): void {
    if (this.resync) return;
    for (const event of batch.events) this.events.add(event);
    this.rev = batch.rev;
    if (this.events.size > this.maxEvents) {
      this.clear();
      this.resync = true;
    }
  }

  /** What to send now that the front end reads again: the merged batch, a resync, or nothing. */
  take(): CatchUp | undefined {
    if (this.resync) {
      this.resync = false;
      return { type: 'resync' };
    }
    if (this.rev === undefined) return undefined;
    const batch: EventBatch = { rev: this.rev, events: this.events.take() };
    this.rev = undefined;
    return { type: 'events', batch };
  }

  /** Forgets everything (the front end went, or starts afresh from a snapshot). */
  clear(): void {
    this.events.take();
    this.rev = undefined;
    this.resync = false;
  }
}
