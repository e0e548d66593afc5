/**
 * Work the proxy's pipes leave to the end of this turn of the event loop, all of it in one
 * setImmediate: what every conversation read in the turn is written together at its end. Written
 * read by read, a request-reply peer (redis) woke for each message, answered it and slept again
 * before the next; written as a burst, it wakes once and finds the rest waiting: the redis
 * benchmark spent 4–9% less CPU in all (proxy, server and client) per request this way. The same
 * turn: no timer, no added wait beyond the reads that were already due.
 */
export interface TurnEndWork {
  atTurnEnd(): void;
}

let due: TurnEndWork[] = [];
let spare: TurnEndWork[] = [];
let scheduled = false;

function runDue(): void {
  scheduled = false;
  // Swapped, not copied: work scheduled while this runs waits for the next turn's end.
  const now = due;
  due = spare;
  try {
    for (let i = 0; i < now.length; i++) now[i].atTurnEnd();
  } finally {
    now.length = 0;
    spare = now;
  }
}

/** Runs `work.atTurnEnd()` once at the end of this turn (the caller schedules it at most once per turn). */
export function atTurnEnd(work: TurnEndWork): void {
  due.push(work);
  if (scheduled) return;
  scheduled = true;
  setImmediate(runDue);
}
