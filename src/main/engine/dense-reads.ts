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
 *
 * A bulk stream pays the same toll. Its reads are large, and a receiver that keeps up drains the
 * socket with each: the loop then sleeps until the sender's next write, on loopback ~20 µs
 * later, and that wake-up goes through the hypervisor too. 1 GiB into a listener, interleaved
 * with socat over 20–30 rounds: 0.89× socat when the turn sleeps at once, 1.05–1.09× when it
 * stays awake 10 µs, 1.15–1.17× for 25 µs, 1.18× for 50 µs. So a turn that read a large chunk
 * close behind another stays awake STREAM_STAY_AWAKE_MS; a lone large read (a paste, a file a
 * user sent once) or a slow stream, whose next chunk is far off, does not.
 */

import { now } from './log';

/** Reads at most this large are a flood's tiny segments. */
export const SMALL_READ_BYTES = 4096;
/** A read within this long of the previous one is part of a flood, ms. */
export const FLOOD_GAP_MS = 0.05;
/** How long a flooded turn stays awake before the loop waits again, ms. */
export const STAY_AWAKE_MS = 0.002;
/** Reads at least this large are a stream's: read-buffer.ts lends the next read the log's memory after one. */
export const STREAM_READ_BYTES = 16 * 1024;
/**
 * A large read within this long of the previous large one is part of a flowing stream, ms: one
 * of 16 KiB every 0.2 ms is 80 MB/s. Below that the next chunk is too far off to wait for.
 */
export const STREAM_GAP_MS = 0.2;
/** How long a streaming turn stays awake, ms: about as long as loopback takes to bring the sender's next 64 KiB. */
export const STREAM_STAY_AWAKE_MS = 0.025;

let lastReadAt = Number.NEGATIVE_INFINITY;
let lastReadSmall = false;
let lastLargeReadAt = Number.NEGATIVE_INFINITY;
let awake: NodeJS.Immediate | undefined;
const turnsKeptAwake = { flood: 0, stream: 0 };

/** Called after each plain TCP read has been handled, `at` when it was taken (log.ts's now(), the time its entry has). */
export function afterRead(bytesRead: number, at: number): void {
  const small = bytesRead <= SMALL_READ_BYTES;
  // Two small reads in a row: a bulk stream's reads are large, with a small one between them
  // now and then (on loopback each 64 KiB write is a 65,483-byte segment and a 53-byte one),
  // so its large reads are timed from the previous large one.
  if (awake === undefined) {
    if (small && lastReadSmall && at - lastReadAt < FLOOD_GAP_MS) awake = setImmediate(stayAwake, 'flood');
    else if (bytesRead >= STREAM_READ_BYTES && at - lastLargeReadAt < STREAM_GAP_MS) awake = setImmediate(stayAwake, 'stream');
  }
  lastReadAt = at;
  lastReadSmall = small;
  if (bytesRead >= STREAM_READ_BYTES) lastLargeReadAt = at;
}

/** In the loop's check phase, after this turn's reads, before it polls (and may sleep) again. */
function stayAwake(kind: keyof typeof turnsKeptAwake): void {
  awake = undefined;
  turnsKeptAwake[kind]++;
  const until = now() + (kind === 'flood' ? STAY_AWAKE_MS : STREAM_STAY_AWAKE_MS);
  while (now() < until) {
    // On the CPU, on purpose (see above).
  }
  // The reads of the next turn are measured from here, not from before the wait.
  lastReadAt = now();
  if (kind === 'stream') lastLargeReadAt = lastReadAt;
}

/** How many turns stayed awake so far, after a flood's small reads and after a stream's large ones (for tests and diagnostics). */
export function keptAwakeTurns(): Readonly<typeof turnsKeptAwake> {
  return { ...turnsKeptAwake };
}
