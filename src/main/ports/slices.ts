/**
 * Long synchronous work cut into short turns. A busy machine's listing reads and parses
 * megabytes of /proc and tens of thousands of links; done in one stretch it held the engine's
 * event loop (its sockets, every page's replies) for a second at a time.
 */
export class Slices {
  private start = performance.now();

  constructor(private readonly budgetMs = 8) {}

  /** True once this turn has run its budget: the caller should `await pause()` at its next safe point. */
  due(): boolean {
    return performance.now() - this.start >= this.budgetMs;
  }

  /** Lets everything else waiting on the event loop (I/O included) run, then starts a new turn. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
