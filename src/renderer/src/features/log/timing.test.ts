import { describe, expect, it } from 'vitest';
import type { LogRowEntry } from './logRows';
import { timingOf } from './timing';

/** Entries from seq 0, each `[dir, time]`. */
function log(...entries: [LogRowEntry['dir'], number][]): (seq: number) => LogRowEntry | undefined {
  return (seq) => {
    const found = entries[seq];
    return found && ({ seq, dir: found[0], time: found[1] } as LogRowEntry);
  };
}

describe('timingOf', () => {
  it('gives a reply the time since the message it answers, past events between them', () => {
    const entries = log(['out', 1000], ['event', 1001], ['in', 1004.5]);
    expect(timingOf(entries, 2, 0)).toEqual({ delta: 3.5, roundTrip: 4.5 });
    expect(timingOf(entries, 0, 0)).toEqual({ delta: undefined, roundTrip: undefined });
  });

  it('gives no round trip to a received entry after another received one, or to a sent one', () => {
    const entries = log(['out', 1000], ['in', 1002], ['in', 1003], ['out', 1010]);
    expect(timingOf(entries, 2, 0).roundTrip).toBeUndefined();
    expect(timingOf(entries, 3, 0).roundTrip).toBeUndefined();
  });

  it("gives no round trip where what follows a sent entry is the peer's next request, not a reply", () => {
    // An accepted connection: a browser's GET, Sockscope's page, the browser's favicon request.
    const entries = log(['in', 1000], ['out', 1001], ['in', 1050]);
    expect(timingOf(entries, 2, 0, false)).toEqual({ delta: 49, roundTrip: undefined });
    expect(timingOf(entries, 2, 0, true).roundTrip).toBe(49);
  });
});
