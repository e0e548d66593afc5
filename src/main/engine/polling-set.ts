/**
 * A set of watchers and a timer that runs while it has any: for what the engine can only learn by
 * looking now and then (the kernel's drop counts, the process's descriptors).
 */
export class PollingSet<T> {
  private readonly items = new Set<T>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly tick: () => void,
    private readonly intervalMs: number,
    /** Called when the last watcher leaves (or on stop), to let go of what the ticks used. */
    private readonly onIdle: () => void = () => undefined,
  ) {}

  /** Adds `item`; returns the function that removes it again. */
  add(item: T): () => void {
    this.items.add(item);
    if (this.timer === undefined) {
      this.timer = setInterval(this.tick, this.intervalMs);
      // Watching must not keep a CLI or test process alive.
      this.timer.unref?.();
    }
    return () => {
      this.items.delete(item);
      if (this.items.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.items.clear();
    this.onIdle();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.items.values();
  }
}
