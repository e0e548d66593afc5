/**
 * Accept first, make the socket after: keeps a listener's kernel accept queue short in a burst.
 *
 * libuv accepts one connection per event-loop turn, and Node then makes its socket, record and
 * announcements before the next turn: ~30 µs of a listener's time per connection. When clients
 * connect faster than that (a load generator, a reconnect storm), the kernel's accept queue fills
 * and every SYN that finds it full is dropped: its client waits a second and tries again. Taking
 * a connection off that queue costs a few microseconds. So a listener takes each connection as it
 * comes and leaves the rest for turns in which no connection came, when the kernel has none left
 * to hand over: the burst waits in this queue, not in the kernel's, and no client is turned away.
 * While connections keep coming, sockets are still made for TURN_BUDGET_MS every MAX_WAIT_MS, so
 * that a flood that never lets up still sees its connections made.
 */
import { now } from './log';

/** How long making sockets may wait while connections keep coming. */
export const MAX_WAIT_MS = 20;
/** How long one turn may spend making sockets before the loop goes back to accepting. */
export const TURN_BUDGET_MS = 4;
/** Taken entries dropped from the front once this many, and half the queue, are taken. */
const COMPACT_AFTER = 4096;

/** What a listener keeps of its waiting connections: make them now, or hand them back unmade. */
export interface WaitingAccepts {
  readonly waiting: number;
  flush(): void;
  /** Every waiting connection, unmade, for the caller to close (the engine is going away). */
  discard(): void;
}

export class AcceptQueue<T> implements WaitingAccepts {
  private readonly items: T[] = [];
  private readonly times: number[] = [];
  private head = 0;
  private scheduled: NodeJS.Immediate | undefined;
  /** A connection came since the last turn's look: the kernel may hold more. */
  private arrived = false;
  /** When sockets were last made, or the queue last started filling. */
  private madeAt = 0;

  constructor(
    /** Makes the socket of a connection taken off the kernel's queue at `acceptedAt` (the engine's clock). */
    private readonly take: (item: T, acceptedAt: number) => void,
    private readonly close: (item: T) => void,
  ) {}

  get waiting(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    const time = now();
    if (this.head === this.items.length) this.madeAt = time;
    this.items.push(item);
    this.times.push(time);
    this.arrived = true;
    this.scheduled ??= setImmediate(this.turn);
  }

  /** Makes every waiting connection's socket now (a listener that stops keeps what it accepted). */
  flush(): void {
    this.cancel();
    this.drain(Infinity);
  }

  discard(): void {
    this.cancel();
    const left = this.items.slice(this.head);
    this.reset();
    for (const item of left) this.close(item);
  }

  private readonly turn = (): void => {
    this.scheduled = undefined;
    try {
      const started = now();
      if (!this.arrived || started - this.madeAt >= MAX_WAIT_MS) {
        this.drain(started + TURN_BUDGET_MS);
        this.madeAt = now();
      }
    } finally {
      // A throw in `take` (a bug, reported as any uncaught error) leaves the rest for the next turn.
      this.arrived = false;
      if (this.waiting > 0) this.scheduled ??= setImmediate(this.turn);
    }
  };

  private drain(until: number): void {
    while (this.head < this.items.length) {
      const i = this.head++;
      this.take(this.items[i], this.times[i]);
      // Asked every few connections: the clock is not free at this rate.
      if ((this.head & 7) === 0 && now() >= until) break;
    }
    if (this.head === this.items.length) this.reset();
    else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      // A flood that never empties the queue must not keep every connection it ever took.
      this.items.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }

  private cancel(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private reset(): void {
    this.items.length = 0;
    this.times.length = 0;
    this.head = 0;
  }
}
