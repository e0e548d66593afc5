/**
 * Taps on what a socket's log takes in: every entry as it is appended (recordings to a file), so a
 * tap sees all of it, whatever the log's bounds drop later. Called from the log's two append
 * methods rather than from SocketRecord, so every path that logs (data, notices however they are
 * coalesced, imported logs) is seen at the one place entries are actually made. One set for the
 * whole engine, which each log checks as it appends: with no recording that is one comparison per
 * entry, not a wrapper per log (a closure hop per read, and four functions on every socket).
 */
import type { Endpoint, EventLogEntry, LogEntry } from '@shared/contract';
import type { LogOwner, LogTaps } from './log';
import type { SocketRecord } from './socket-record';

/**
 * Sees every entry as it is logged. Called synchronously: `entry.bytes` may be the socket's own
 * buffer, to be copied, not kept.
 */
export type EntryTap = (record: SocketRecord, entry: LogEntry) => void;

export class EntryTaps implements LogTaps {
  private readonly taps = new Set<EntryTap>();

  get size(): number {
    return this.taps.size;
  }

  /** Returns the function that removes the tap. */
  add(tap: EntryTap): () => void {
    this.taps.add(tap);
    return () => {
      this.taps.delete(tap);
    };
  }

  /** `owner` is the record whose log made the entry: the engine gives this set only to its records' logs. */
  data(owner: LogOwner, seq: number, time: number, dir: 'in' | 'out', bytes: Uint8Array, peer: Endpoint | undefined): void {
    // Only a view for the taps to copy from (see EntryTap), never kept: hence the cast.
    const view = bytes as Uint8Array<ArrayBuffer>;
    this.call(owner as SocketRecord, peer ? { seq, time, dir, bytes: view, peer } : { seq, time, dir, bytes: view });
  }

  event(owner: LogOwner, entry: EventLogEntry): void {
    this.call(owner as SocketRecord, entry);
  }

  /**
   * A tap runs on the socket's read path: one that throws must not break the socket nor the other
   * taps. It is taken off (a recording catches its own errors and says so; this is the backstop)
   * and the error goes to the process's error output, as the engine does for a broken subscriber.
   */
  private call(record: SocketRecord, entry: LogEntry): void {
    for (const tap of this.taps) {
      try {
        tap(record, entry);
      } catch (error) {
        this.taps.delete(tap);
        console.error(`A log tap failed on ${record.id} and was removed:`, error);
      }
    }
  }
}
