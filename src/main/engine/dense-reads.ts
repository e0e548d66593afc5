/**
 * A receiver that keeps up with a flood of tiny segments sleeps between reads, and on a virtual
 * machine each sleep is paid for by the sender: the receiver's idle vCPU halts, and the next
 * segment wakes it through the hypervisor (an inter-processor interrupt the sender's vCPU must
 * send). 1 M × 64 B writes into a bare Node receiver, each side on a CPU of its own: the
 * receiver's CPU halted 72,000–90,000 times and the sender managed 165–212 k msg/s; made to
 * spend 1–4 µs more per read, it halted ~500 times and the sender managed 191–236 k msg/s. socat,
 * which spends more per message than Node, never catches up, halts ~1,000 times, and so set a
 * pace Sockscope (which caught up) did not.
 *
 * So an event-loop turn that read a small chunk close behind another small one (a flood, not a
 * user's message, nor a bulk stream) stays on its CPU for a moment before the loop goes back to wait, as Linux's own
 * halt polling does on machines that enable it: by then the next segments are queued, and the
 * next turn takes them with no sleep between. Once per turn, however many sockets it read, and
 * never for a read that comes alone or a large one (a stream's reads find more queued anyway).
 * Where idle CPUs wake cheaply this only gathers a flood into fewer reads.
 */

import { now } from './log';

/** Reads at most this large are a flood's tiny segments. */
export const SMALL_READ_BYTES = 4096;
/** A read within this long of the previous one is part of a flood, ms. */
export const FLOOD_GAP_MS = 0.05;
/** How long a flooded turn stays awake before the loop waits again, ms. */
export const STAY_AWAKE_MS = 0.002;

let lastReadAt = Number.NEGATIVE_INFINITY;
let lastReadSmall = false;
let awake: NodeJS.Immediate | undefined;
let turnsKeptAwake = 0;

/** Called after each plain TCP read has been handled, `at` when it was taken (log.ts's now(), the time its entry has). */
export function afterRead(bytesRead: number, at: number): void {
  const small = bytesRead <= SMALL_READ_BYTES;
  // Two small reads in a row: a bulk stream's reads are large, with a small one between them
  // now and then (on loopback each 64 KiB write is a 65,483-byte segment and a 53-byte one).
  if (small && lastReadSmall && at - lastReadAt < FLOOD_GAP_MS && awake === undefined) awake = setImmediate(stayAwake);
  lastReadAt = at;
  lastReadSmall = small;
}

/** In the loop's check phase, after this turn's reads, before it polls (and may sleep) again. */
function stayAwake(): void {
  awake = undefined;
  turnsKeptAwake++;
  const until = now() + STAY_AWAKE_MS;
  while (now() < until) {
    // On the CPU, on purpose (see above).
  }
  // The reads of the next turn are measured from here, not from before the wait.
  lastReadAt = now();
}

/** How many turns stayed awake so far (for tests and diagnostics). */
export function keptAwakeTurns(): number {
  return turnsKeptAwake;
}
