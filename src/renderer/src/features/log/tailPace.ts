/**
 * How often a followed log draws its newest screenful during a flood ("jump scroll", as in xterm):
 * when more than a screen of entries arrived since the rows on screen were read, the new screen
 * replaces the old one whole, and no one reads rows that are gone within a quarter of a second. So
 * the tail is read (and the rows drawn) at most this often then, while the counters and the
 * entry count still change with every batch. Drawing the rows is most of what the window does in
 * a flood (their layout, paint and React work, ~30 ms of a slow core each time): ten times a
 * second that kept the page's main thread running a third of the time, above its fair share of
 * a loaded machine, so the scheduler made it wait, and frames and key presses waited with it.
 */
export const JUMP_INTERVAL_MS = 250;

/**
 * Milliseconds to wait before reading a followed log's tail: none when what arrived (entries newer
 * than the newest drawn) fits on the screen, so that at ordinary rates every entry is seen as it
 * comes; otherwise until JUMP_INTERVAL_MS after the last read of the tail.
 */
export function tailReadDelay(arrived: number, screenRows: number, sinceLastRead: number): number {
  if (arrived <= screenRows) return 0;
  return Math.max(0, JUMP_INTERVAL_MS - sinceLastRead);
}
