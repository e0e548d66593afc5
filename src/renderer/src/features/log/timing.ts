import type { LogRowEntry } from './logRows';

/** What a log row shows about time beyond its own timestamp. */
export interface EntryTiming {
  /** Milliseconds since the previous entry (Wireshark's delta time); undefined for the first. */
  delta: number | undefined;
  /** A received entry right after a sent one (events between them aside): milliseconds since it was sent. */
  roundTrip: number | undefined;
}

/** Entries looked back over, past events, for the message a reply answers. */
const LOOK_BACK = 16;

/**
 * The timing of row `seq` from the rows before it, as far as they are loaded. `roundTrips`: whether
 * a received entry after a sent one is a reply to it, as on a socket that asks (a client, a UDP
 * socket, a proxied client's conversation). On a connection a listener accepted it is not: what
 * comes after Sockscope's reply is the peer's next request (a browser's favicon after the page),
 * and the time between is the peer's, not a round trip.
 */
export function timingOf(entryAt: (seq: number) => LogRowEntry | undefined, seq: number, firstSeq: number, roundTrips = true): EntryTiming {
  const entry = entryAt(seq);
  if (!entry || seq <= firstSeq) return NO_TIMING;
  const previous = entryAt(seq - 1);
  const delta = previous ? entry.time - previous.time : undefined;
  let roundTrip: number | undefined;
  if (roundTrips && entry.dir === 'in') {
    for (let back = seq - 1; back >= Math.max(firstSeq, seq - LOOK_BACK); back--) {
      const before = entryAt(back);
      if (!before || before.dir === 'in') break;
      if (before.dir === 'out') {
        roundTrip = entry.time - before.time;
        break;
      }
    }
  }
  return { delta, roundTrip };
}

const NO_TIMING: EntryTiming = { delta: undefined, roundTrip: undefined };
