/**
 * What main keeps for every window (saved messages, sequences) says when it changed: each change a
 * new revision, which the event batcher passes on so that every window lists it again.
 */
export class Revisions {
  private revision = 0;
  private readonly listeners = new Set<(revision: number) => void>();

  /** Called after every change with a new revision; returns the function that unsubscribes. */
  subscribe(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    this.revision++;
    for (const listener of this.listeners) listener(this.revision);
  }
}
