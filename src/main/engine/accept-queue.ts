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
import type { Server } from 'node:net';
import { now } from './log';
import { type InternalsNote, reportInternalsFallback } from './node-internals';

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

/** What Node's net.Server keeps on itself and its listening handle (lib/net.js, stable since Node 0.x). */
interface ListeningServer {
  _handle?: { onconnection?: unknown } | null;
  _connections?: number;
  maxConnections?: number;
}

/** What libuv hands over for each accepted connection: a TCP handle. */
export interface AcceptedHandle {
  setNoDelay?(enable: boolean): number;
  close?(): void;
}

/** Node's own accept of a connection taken earlier: it makes the Socket, counts it and emits 'connection'. */
export type NodeAccept = (clientHandle: AcceptedHandle) => void;

/**
 * Takes over a listening server's accepts: each connection libuv hands over waits in an
 * AcceptQueue, and `make` makes its socket in a later turn, told when it was accepted (and given
 * Node's own accept, to make it as Node would have). Accept failures and a `maxConnections` limit
 * stay Node's to handle, at once. Returns the connections still waiting, or undefined (said once,
 * with `consequence`) when this Node keeps its listening handle elsewhere: connections then come
 * through 'connection' as they are accepted.
 */
export function queueAccepts(
  server: Server,
  make: (clientHandle: AcceptedHandle, acceptedAt: number, nodeAccept: NodeAccept) => void,
  consequence: string,
  note?: InternalsNote,
): WaitingAccepts | undefined {
  const listening = server as unknown as ListeningServer;
  const handle = listening._handle;
  const onconnection = handle?.onconnection;
  if (!handle || typeof onconnection !== 'function' || typeof listening._connections !== 'number') {
    reportInternalsFallback('net.Server._handle.onconnection', consequence, note);
    return undefined;
  }
  const nodeConnection = onconnection as (this: unknown, err: number, clientHandle: AcceptedHandle) => void;
  // Node's own onconnection finds its server through the handle it is called on, closed or not.
  const nodeAccept: NodeAccept = (clientHandle) => nodeConnection.call(handle, 0, clientHandle);
  const uncount = (): void => {
    listening._connections = (listening._connections ?? 1) - 1;
  };
  const waiting = new AcceptQueue<AcceptedHandle>(
    (clientHandle, acceptedAt) => {
      // Counted again as it is made, by Node or by `make`, as Node counts a connection it makes.
      uncount();
      make(clientHandle, acceptedAt, nodeAccept);
    },
    (clientHandle) => {
      clientHandle.close?.();
      uncount();
    },
  );
  handle.onconnection = function onconnection(this: unknown, err: number, clientHandle: AcceptedHandle): void {
    if (err || listening.maxConnections) {
      nodeConnection.call(this, err, clientHandle);
      return;
    }
    // Counted while it waits, so that server.close() waits for the connection (Node counts one
    // down when its socket is destroyed).
    listening._connections = (listening._connections ?? 0) + 1;
    waiting.push(clientHandle);
  };
  return waiting;
}

/** Connections Node makes and announces ('connection') a turn or more after it accepted them (deferNodeAccepts). */
export interface DeferredAccepts extends WaitingAccepts {
  /** While 'connection' is emitted for a connection made from the queue: when it was accepted (undefined otherwise). */
  readonly acceptedAt: number | undefined;
}

/**
 * The accept queue for a server whose connections Node itself makes (TLS listeners, the proxy):
 * each waits, then Node makes its Socket and emits 'connection' as it would have on accept, its
 * listener asking `acceptedAt` for the time it was taken. Undefined when this Node keeps its
 * listening handle elsewhere: each connection is then made as it is accepted, as before.
 */
export function deferNodeAccepts(server: Server, note?: InternalsNote): DeferredAccepts | undefined {
  let making: number | undefined;
  const waiting = queueAccepts(
    server,
    (clientHandle, acceptedAt, nodeAccept) => {
      making = acceptedAt;
      try {
        nodeAccept(clientHandle);
      } finally {
        making = undefined;
      }
    },
    "each connection is made in the turn that accepts it (a burst may overflow the kernel's accept queue)",
    note,
  );
  if (waiting === undefined) return undefined;
  return {
    get waiting() {
      return waiting.waiting;
    },
    get acceptedAt() {
      return making;
    },
    flush: () => waiting.flush(),
    discard: () => waiting.discard(),
  };
}
