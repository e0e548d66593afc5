/**
 * Accept first, make the socket after: keeps a listener's kernel accept queue short in a burst.
 *
 * libuv accepts one connection per event-loop turn, and Node then makes its socket, record and
 * announcements before the next turn: ~30 µs of a listener's time per connection. When clients
 * connect faster than that (a load generator, a reconnect storm), the kernel's accept queue fills
 * and every SYN that finds it full is dropped: its client waits a second and tries again. Taking
 * a connection off that queue costs a few microseconds. So a listener takes each connection as it
 * comes and makes sockets in the turns in which none came, when the kernel has none left to hand
 * over: a burst waits in this queue, not in the kernel's.
 *
 * Sockets are made MAKE_PER_TURN at a time, each batch followed by a turn of the loop: a
 * connection made late may have a lot queued (a client that wrote a megabyte before it was made),
 * and the next poll reads all of it from every socket just made. Made ~150 at a time (4 ms' worth),
 * 2,000 connections that had each sent 1 MB put the host's peak 140–270 MB higher than made one
 * per accept, as a turn read ~150 MB before the collector could free the slabs the log budget
 * let go.
 *
 * A flood that never lets up still has its connections made: at least every MAX_WAIT_MS, and in
 * every turn once MAX_WAITING wait, so that the queue stays bounded (past that the kernel's queue
 * fills again, as it did before, and clients are slowed by their retries instead of this process
 * running out of file descriptors).
 */
import { now } from './log';

/** How long making sockets may wait while connections keep coming. */
export const MAX_WAIT_MS = 20;
/** Sockets made in one turn. */
export const MAKE_PER_TURN = 8;
/** Connections waiting past which sockets are made in every turn, as many as the kernel's own queue holds. */
export const MAX_WAITING = 4096;
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
      if (!this.arrived || started - this.madeAt >= MAX_WAIT_MS || this.waiting >= MAX_WAITING) {
        this.drain(MAKE_PER_TURN);
        this.madeAt = started;
      }
    } finally {
      // A throw in `take` (a bug, reported as any uncaught error) leaves the rest for the next turn.
      this.arrived = false;
      if (this.waiting > 0) this.scheduled ??= setImmediate(this.turn);
    }
  };

  private drain(most: number): void {
    const last = Math.min(this.items.length, this.head + most);
    while (this.head < last) {
      const i = this.head++;
      this.take(this.items[i], this.times[i]);
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
