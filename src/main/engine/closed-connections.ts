/**
 * Accepted connections are forgotten some time after they close: a listener that served 10,000
 * short connections kept 10,000 records and logs, and the memory was never given back. The
 * newest closed ones are kept (their logs still readable, within the log budget); past the cap
 * the oldest closed is removed like a socket the user removed, and its listener counts it.
 */

/** Closed accepted connections kept, across all listeners of the process. */
export const MAX_CLOSED_CONNECTIONS = 1000;

export class ClosedConnections {
  /** Ids of closed accepted connections, oldest closed first. */
  private readonly order = new Set<string>();

  constructor(
    /** Removes the connection for good (and counts it on its listener). */
    private readonly forget: (id: string) => void,
    private readonly cap = MAX_CLOSED_CONNECTIONS,
  ) {}

  closed(id: string): void {
    this.order.add(id);
    for (const oldest of this.order) {
      if (this.order.size <= this.cap) break;
      this.order.delete(oldest);
      this.forget(oldest);
    }
  }

  /** Removed by other means (the user, its listener's removal). */
  removed(id: string): void {
    this.order.delete(id);
  }
}
