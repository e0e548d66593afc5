import { formatInteger } from '@shared/codec';

/** `14:03:27.512345` in local time: microseconds, as Wireshark shows them (log times are that precise). */
export function formatTimeMicros(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - Math.floor(whole / 1000) * 1000) * 1000);
  return `${formatTime(whole).slice(0, 8)}.${String(Math.min(999_999, micros)).padStart(6, '0')}`;
}

/** `14:03:27.512` in local time. */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `1,234 B`: exact sizes for the log, where rounding would hide what was on the wire. */
export function formatExactBytes(n: number): string {
  return `${formatInteger(n)} B`;
}

export function formatCount(n: number): string {
  return formatInteger(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInteger(n)} ${n === 1 ? one : many}`;
}

/** The platform's name for the Alt key in shortcut hints. */
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const altKeyName = isMac ? '⌥' : 'Alt+';

/** A listener's connections: `2 connections` while all are open, `0 open · 1 closed` once some have closed. */
export function connectionsSummary(open: number, total: number): string {
  const closed = total - open;
  return closed > 0 ? `${formatCount(open)} open · ${formatCount(closed)} closed` : plural(open, 'connection');
}
