/**
 * Taps on what a socket's log takes in: every entry as it is appended (recordings to a file), so a
 * tap sees all of it, whatever the log's bounds drop later. Hooked onto the log's two append
 * methods rather than into SocketRecord, so every path that logs (data, notices however they are
 * coalesced, imported logs) is seen at the one place entries are actually made.
 */
import type { LogEntry } from '@shared/contract';
import { now, type SocketLog } from './log';
import type { SocketRecord } from './socket-record';

/**
 * Sees every entry as it is logged. Called synchronously: `entry.bytes` may be the socket's own
 * buffer, to be copied, not kept.
 */
export type EntryTap = (record: SocketRecord, entry: LogEntry) => void;

export function tapLog(record: SocketRecord, taps: Set<EntryTap>): void {
  const log: SocketLog = record.log;
  const appendData = log.appendData.bind(log);
  const appendEvent = log.appendEvent.bind(log);
  log.appendData = (dir, bytes, peer, time = now()) => {
    appendData(dir, bytes, peer, time);
    if (taps.size === 0) return;
    // Only a view for the taps to copy from (see EntryTap), never kept: hence the cast.
    const view = bytes as Uint8Array<ArrayBuffer>;
    const entry: LogEntry = peer ? { seq: log.lastSeq, time, dir, bytes: view, peer } : { seq: log.lastSeq, time, dir, bytes: view };
    callTaps(taps, record, entry);
  };
  log.appendEvent = (event, message, code, time = now()) => {
    appendEvent(event, message, code, time);
    if (taps.size === 0) return;
    const seq = log.lastSeq;
    const entry: LogEntry = code === undefined ? { seq, time, dir: 'event', event, message } : { seq, time, dir: 'event', event, message, code };
    callTaps(taps, record, entry);
  };
}

/**
 * A tap runs on the socket's read path: one that throws must not break the socket nor the other
 * taps. It is taken off (a recording catches its own errors and says so; this is the backstop)
 * and the error goes to the process's error output, as the engine does for a broken subscriber.
 */
function callTaps(taps: Set<EntryTap>, record: SocketRecord, entry: LogEntry): void {
  for (const tap of taps) {
    try {
      tap(record, entry);
    } catch (error) {
      taps.delete(tap);
      console.error(`A log tap failed on ${record.id} and was removed:`, error);
    }
  }
}
