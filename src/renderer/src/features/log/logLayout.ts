import type { LogPayloadView } from '../shell/preferences';

/**
 * How much of one payload a log row draws. A 10 MiB read would otherwise become a million DOM
 * lines and stall every scroll; more is a click away, up to EXPANDED_LIMIT (4096 hex lines).
 */
export const PREVIEW_LIMIT: Record<LogPayloadView, number> = { text: 4 * 1024, hex: 1024, decoded: 16 * 1024 };
export const EXPANDED_LIMIT = 64 * 1024;

const LINE_HEIGHT = 16;
const ROW_PADDING = 6;

/**
 * A first guess at a row's height before it is measured: one line of text, or a short dump. It is
 * deliberately the same for every row, so guessing costs nothing across 100k rows; real heights
 * come from measuring the rows on screen.
 */
export function estimateRowHeight(view: LogPayloadView): number {
  return view === 'hex' ? 2 * LINE_HEIGHT + ROW_PADDING + 1 : LINE_HEIGHT + ROW_PADDING + 1;
}

/**
 * The log's columns: time (µs), Δ since the previous entry (when shown), direction, size, (UDP
 * peer), payload. Shared by the rows and their header. Written out whole so Tailwind sees them.
 */
export function logGridColumns(showPeer: boolean, showDelta: boolean): string {
  if (showDelta) return showPeer ? 'grid-cols-[112px_72px_44px_72px_150px_minmax(0,1fr)]' : 'grid-cols-[112px_72px_44px_72px_minmax(0,1fr)]';
  return showPeer ? 'grid-cols-[112px_44px_72px_150px_minmax(0,1fr)]' : 'grid-cols-[112px_44px_72px_minmax(0,1fr)]';
}
