/** How long a repeated send took, as the log note and the send bar both say it. */
import type { RepeatStatus } from './contract';
import { formatDuration, formatInteger } from './codec';

/**
 * `in 1.030 s · 97,087/s` for an ended repeat: its rate only when it sent back to back (with an
 * interval the rate is the interval's). Undefined while it runs, or for one with no times.
 */
export function repeatTiming(status: RepeatStatus): string | undefined {
  if (status.startedAt === undefined || status.endedAt === undefined) return undefined;
  const ms = status.endedAt - status.startedAt;
  const backToBack = status.intervalMs === 0 && status.sent > 1 && ms > 0;
  return `in ${formatDuration(ms)}${backToBack ? ` · ${formatInteger(Math.round((status.sent * 1000) / ms))}/s` : ''}`;
}
