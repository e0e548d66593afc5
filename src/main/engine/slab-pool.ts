/**
 * Payload slabs that logs no longer need, kept for the next log that does.
 *
 * A fresh slab costs a page fault per 4 KiB the first time it is filled: a connection that floods
 * its way to the default log limit faults in 64 MiB, about 40 ms of a core here, and every new
 * connection paid that again. Slabs freed by one log (entries falling out, a clear, a removed
 * socket, the process-wide budget taking them) are reused by the next instead. That includes a
 * new log's first, smaller slabs (4 KiB doubling up to 1 MiB): with 2,000 connections receiving
 * 1 MB each against the budget, every evicted slab was one of those, and left as garbage until
 * the next collection they put the host ~100 MB above the budget. The pool is bounded in bytes,
 * and empties itself after a quiet spell so that removing a socket still gives its memory back.
 */
export class SlabPool {
  /** Free slabs by size: powers of two from `smallestBytes` to `slabBytes`. */
  private free = new Map<number, Uint8Array<ArrayBuffer>[]>();
  private freeBytes = 0;
  private freeCount = 0;
  private trimTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last slab was given back (performance.now()): quiet time counts from it. */
  private lastGiveAt = 0;
  /** Slabs made because none of their size was free: what the pool exists to keep low. */
  allocated = 0;

  constructor(
    /** The largest (and standard) slab size pooled; oversized slabs are not worth keeping. */
    readonly slabBytes: number,
    /** The pool holds at most this many standard slabs' worth of bytes. */
    private readonly maxSlabs: number,
    private readonly keepMs: number,
    /** The smallest size pooled (a power of two, like every size pooled). */
    private readonly smallestBytes = slabBytes,
  ) {}

  /** Free slabs held, of every size. */
  get size(): number {
    return this.freeCount;
  }

  /** A slab of `bytes` with stale contents if one is free, or a new zeroed one. */
  take(bytes = this.slabBytes): Uint8Array<ArrayBuffer> {
    const reused = this.free.get(bytes)?.pop();
    if (reused) {
      this.freeBytes -= bytes;
      this.freeCount--;
      return reused;
    }
    if (this.pooled(bytes)) this.allocated++;
    return new Uint8Array(bytes);
  }

  /** Hands back a slab nothing refers to any more. */
  give(bytes: Uint8Array<ArrayBuffer>): void {
    const size = bytes.byteLength;
    if (!this.pooled(size) || this.freeBytes + size > this.maxSlabs * this.slabBytes) return;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(bytes);
    this.freeBytes += size;
    this.freeCount++;
    // Quiet seconds count from the last slab given back: noted here, checked when the timer fires.
    // Not a timer refresh per slab: a stream cycling through its log gives one back every MiB,
    // and each refresh took the timer out of Node's timer lists and put it back (~1 % of the host's
    // CPU on a 1 GiB ingest, in the profile).
    this.lastGiveAt = performance.now();
    this.trimTimer ??= this.trimAfter(this.keepMs);
  }

  private trimAfter(ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const quietFor = performance.now() - this.lastGiveAt;
      if (quietFor >= this.keepMs) this.trim();
      else this.trimTimer = this.trimAfter(this.keepMs - quietFor);
    }, ms);
    // A pool waiting to empty must not keep a CLI or test process alive.
    timer.unref?.();
    return timer;
  }

  /** Lets go of every pooled slab (their memory returns once collected). */
  trim(): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    this.free = new Map();
    this.freeBytes = 0;
    this.freeCount = 0;
  }

  private pooled(size: number): boolean {
    // A power of two within bounds: the sizes logs ask for (log.ts), nothing odd-sized.
    return size >= this.smallestBytes && size <= this.slabBytes && (size & (size - 1)) === 0;
  }
}
