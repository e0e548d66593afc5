/**
 * Payload slabs that logs no longer need, kept for the next log that does.
 *
 * A fresh slab costs a page fault per 4 KiB the first time it is filled: a connection that floods
 * its way to the default log budget faults in 64 MiB, about 40 ms of a core here, and every new
 * connection paid that again. Slabs freed by one log (entries falling out, a clear, a removed
 * socket) are reused by the next instead. The pool is bounded, and empties itself after a quiet
 * spell so that removing a socket still gives its memory back.
 */
export class SlabPool {
  private free: Uint8Array<ArrayBuffer>[] = [];
  private trimTimer: ReturnType<typeof setTimeout> | undefined;
  /** Slabs made because none was free: what the pool exists to keep low. */
  allocated = 0;

  constructor(
    /** The only slab size pooled: smaller first slabs and oversized ones are not worth keeping. */
    readonly slabBytes: number,
    private readonly maxSlabs: number,
    private readonly keepMs: number,
  ) {}

  get size(): number {
    return this.free.length;
  }

  /** A slab of `slabBytes` with stale contents, or a new zeroed one. */
  take(): Uint8Array<ArrayBuffer> {
    const reused = this.free.pop();
    if (reused) return reused;
    this.allocated++;
    return new Uint8Array(this.slabBytes);
  }

  /** Hands back a slab nothing refers to any more. */
  give(bytes: Uint8Array<ArrayBuffer>): void {
    if (bytes.byteLength !== this.slabBytes || this.free.length >= this.maxSlabs) return;
    this.free.push(bytes);
    if (this.trimTimer === undefined) {
      this.trimTimer = setTimeout(() => this.trim(), this.keepMs);
      // A pool waiting to empty must not keep a CLI or test process alive.
      this.trimTimer.unref?.();
    } else {
      // Quiet seconds count from the last slab given back.
      this.trimTimer.refresh();
    }
  }

  /** Lets go of every pooled slab (their memory returns once collected). */
  trim(): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    this.free = [];
  }
}
