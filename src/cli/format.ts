/**
 * Log entries as terminal lines, the way the app's log shows them: time, socket, direction, peer,
 * size, then the payload as visible text (control bytes as `\r\n`, `\x1b`) or as a hex dump.
 */
import { hexDumpText, toVisibleText } from '@shared/codec';
import type { LogEntry, SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';

export interface EntryStyle {
  hexdump: boolean;
  color: boolean;
  /** At most this many bytes of a payload are shown (Infinity: all), then how many more there were. */
  showBytes: number;
}

const ANSI = { rx: '\x1b[36m', tx: '\x1b[33m', dim: '\x1b[2m', error: '\x1b[31m', reset: '\x1b[0m' };
const errorEvents = new Set(['error', 'reset']);

/** `14:03:27.512` in local time. */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** One entry as one line (text) or a line and its dump (hexdump), ending in a newline. */
export function formatEntry(socket: SocketInfo, entry: LogEntry, style: EntryStyle): string {
  const paint = (code: string, text: string): string => (style.color ? `${code}${text}${ANSI.reset}` : text);
  const lead = `${clockTime(entry.time)}  ${socket.id.padEnd(6)}`;
  if (entry.dir === 'event') {
    const text = `·   ${entry.message}${entry.code && errorEvents.has(entry.event) ? ` (${entry.code})` : ''}`;
    return `${lead}  ${paint(errorEvents.has(entry.event) ? ANSI.error : ANSI.dim, text)}\n`;
  }
  const received = entry.dir === 'in';
  const peer = entry.peer ?? socket.remote;
  const where = peer ? `${received ? 'from' : 'to'} ${formatEndpoint(peer)}` : '';
  const size = `${entry.bytes.byteLength} B`;
  const head = `${lead}  ${paint(received ? ANSI.rx : ANSI.tx, received ? '↓ RX' : '↑ TX')}  ${where.padEnd(26)} ${size.padStart(8)}`;
  if (entry.bytes.byteLength === 0) return `${head}  (empty)\n`;
  const shown = entry.bytes.byteLength > style.showBytes ? entry.bytes.subarray(0, style.showBytes) : entry.bytes;
  const more = entry.bytes.byteLength - shown.byteLength;
  const rest =
    more === 0 ? '' : paint(ANSI.dim, `… ${more.toLocaleString('en-US')} more ${more === 1 ? 'byte' : 'bytes'} (--show-bytes all shows every byte)`);
  if (style.hexdump) return `${head}\n${indent(hexDumpText(shown))}\n${rest === '' ? '' : `    ${rest}\n`}`;
  return `${head}  ${toVisibleText(shown)}${rest === '' ? '' : `  ${rest}`}\n`;
}

/** A received payload on its own, as `send` prints replies. */
export function formatPayload(bytes: Uint8Array, hexdump: boolean): string | Uint8Array {
  return hexdump ? `${hexDumpText(bytes)}\n` : bytes;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
