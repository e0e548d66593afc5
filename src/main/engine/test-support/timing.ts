/**
 * The least a timer of `delayMs` can be seen to take when timed with `performance.now()`. Node
 * starts and fires timers by the event loop's clock, which counts whole milliseconds, so a 250 ms
 * delay may measure 249.96 ms from outside: a lower bound one millisecond short is still exact.
 */
export function timerFloor(delayMs: number): number {
  return delayMs - 1;
}
