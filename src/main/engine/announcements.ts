import type { EngineEvent, LogHead, SocketInfo, SocketKind, SocketStats } from '@shared/contract';

/**
 * A socket as a batch reads it when it goes out (a SocketRecord): its state is built into events
 * only then, once per batch, not on every change (the batcher, src/main/batcher.ts).
 */
export interface Announced {
  readonly id: string;
  readonly kind: SocketKind;
  /** A copy of the socket now, as socket.upsert carries it. */
  readonly info: SocketInfo;
  /** Its counters now, as socket.stats carries them. */
  stats(): SocketStats;
  /** Its log now, as log.head carries it. */
  head(): LogHead;
  /** Stands for the socket's log in a batch: the log head has a slot of its own, after the socket's. */
  readonly log: object;
  /**
   * Its events were just built (into a batch going out, or for whoever follows it as it changes):
   * a change after this needs a new mark. A socket may skip marking a sink again until then
   * (SocketRecord marks a stream's reads once per batch).
   */
  built(): void;
}

/**
 * Takes the engine's changes as marks rather than events (Engine.announceTo): a socket that
 * changes a thousand times between two batches costs a thousand marks and one event.
 */
export interface AnnouncementSink {
  /** Anything not about one socket's state (errors), as the event itself. */
  event(event: EngineEvent): void;
  /**
   * A socket is shown for the first time: its whole info and its log head. A sink without this
   * takes it as an upsert and a log head (the batcher holds back a burst of them: arrivals.ts).
   */
  added?(source: Announced): void;
  /** The socket's settings or state changed ('upsert'), or only its counters ('stats'). */
  changed(source: Announced, kind: 'upsert' | 'stats'): void;
  headChanged(source: Announced): void;
  /** The socket is gone: nothing of it is announced after this. */
  removed(source: Announced): void;
}
