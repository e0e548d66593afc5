import type { SocketKind } from '@shared/contract';
import type { Announced } from './engine/announcements';

/**
 * The sockets that come on their own, and so in bursts: a listener's connections, a proxy's
 * conversations. One the user opens is shown with the next batch, whatever else is arriving.
 */
const COME_ON_THEIR_OWN: ReadonlySet<SocketKind> = new Set(['tcp-connection', 'proxy-conversation']);

/**
 * New sockets waiting for the batch that shows them (the batcher's `added`).
 *
 * Showing a socket (a copy of its info and its log head, built into a batch, serialized and sent)
 * took about a third of the accepting thread's time per connection. In a burst of thousands of
 * connections a second that kept the kernel's accept queue at its limit, and every client whose
 * handshake it then dropped waited a second to try again. So
 * while sockets arrive faster than one batch shows, each batch shows only `duringBurst` of the
 * waiting ones, the oldest first, and once the burst is over `afterBurst` a batch until all are
 * shown. The engine keeps them all meanwhile: a snapshot lists every one.
 */
export class Arrivals {
  /** In arrival order (a Set keeps its insertion order), each once. */
  private readonly waiting = new Set<Announced>();
  /** Arrived since the last batch: more than `duringBurst` of them is a burst. */
  private sinceBatch = 0;

  constructor(
    private readonly duringBurst: number,
    private readonly afterBurst: number,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** True: show it with the next batch. False: it waits (it is a burst, or others wait before it). */
  arrived(source: Announced): boolean {
    if (!COME_ON_THEIR_OWN.has(source.kind)) return true;
    if (++this.sinceBatch <= this.duringBurst && this.waiting.size === 0) return true;
    this.waiting.add(source);
    return false;
  }

  /** Whether it has not been shown yet: nothing of it goes out before it is. */
  waits(source: Announced): boolean {
    return this.waiting.size !== 0 && this.waiting.has(source);
  }

  /** Gone before it was shown: true if it was waiting, and so nothing of it is to be said at all. */
  gone(source: Announced): boolean {
    return this.waiting.delete(source);
  }

  /** The waiting sockets the batch going out now shows, oldest first. */
  take(): Announced[] {
    const limit = this.sinceBatch > this.duringBurst ? this.duringBurst : this.afterBurst;
    this.sinceBatch = 0;
    const shown: Announced[] = [];
    for (const source of this.waiting) {
      if (shown.length === limit) break;
      shown.push(source);
    }
    for (const source of shown) this.waiting.delete(source);
    return shown;
  }

  clear(): void {
    this.waiting.clear();
    this.sinceBatch = 0;
  }
}
