/**
 * Byte codecs shared by every front end: what the user types → bytes, and bytes → what the
 * user reads. Pure functions, no Node or DOM APIs beyond TextEncoder/TextDecoder.
 */

export type ParseResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string; position?: number };

const encoder = new TextEncoder();
// ignoreBOM keeps a leading byte-order mark: by default the decoder drops those three bytes silently.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Parses hex as people paste it: spaces, newlines, colons, dashes, commas and `0x` prefixes are
 * separators. Reports the first offending character (1-based position in the input).
 */
export function parseHex(input: string): ParseResult {
  const digits: number[] = [];
  let firstDigitOfPair = -1;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    if (ch === 0x30 && (input[i + 1] === 'x' || input[i + 1] === 'X')) {
      // A `0x` prefix only counts at the start of a group, so `10x` stays an error.
      const prev = i === 0 ? ' ' : input[i - 1];
      if (isHexSeparator(prev) && digits.length % 2 === 0) {
        i++;
        continue;
      }
    }
    const value = hexValue(ch);
    if (value >= 0) {
      if (digits.length % 2 === 0) firstDigitOfPair = i;
      digits.push(value);
      continue;
    }
    if (isHexSeparator(input[i])) continue;
    return { ok: false, message: `"${input[i]}" is not a hex digit (position ${i + 1})`, position: i + 1 };
  }
  if (digits.length % 2 !== 0) {
    return {
      ok: false,
      message: `Odd number of hex digits: "${input[firstDigitOfPair]}" at position ${firstDigitOfPair + 1} has no pair`,
      position: firstDigitOfPair + 1,
    };
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
  return { ok: true, bytes };
}

function isHexSeparator(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === ':' || ch === '-' || ch === ',';
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `de ad be ef` */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : separator) + HEX[bytes[i]];
  return out;
}

export type LineEnding = 'none' | 'lf' | 'crlf';
export const lineEndingBytes: Record<LineEnding, Uint8Array> = {
  none: new Uint8Array(0),
  lf: new Uint8Array([0x0a]),
  crlf: new Uint8Array([0x0d, 0x0a]),
};

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const CONTROL_NAMES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x00: '\\0' };

/**
 * Text for display with control bytes made visible: `\r\n` for CR LF, `\x1b` for ESC, and
 * invalid UTF-8 as `\xNN`, so that what you see is exactly what was on the wire.
 * The `lineBreaks` option keeps a real line break after each `\n` for multi-line payloads.
 */
export function toVisibleText(bytes: Uint8Array, options: { lineBreaks?: boolean } = {}): string {
  const text = utf8Decode(bytes);
  // Fast path: printable ASCII without backslashes (those are escaped so `\n` typed is not LF sent).
  if (!/[^\x20-\x5b\x5d-\x7e]/.test(text)) return text;
  let out = '';
  let byteIndex = 0;
  // Whether the last thing shown is a character as itself, which a combining mark can sit on.
  let base = false;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code === 0xfffd && !isEncodedReplacementChar(bytes, byteIndex)) {
      // The decoder substituted one U+FFFD for up to three invalid bytes: show each byte itself.
      const end = byteIndex + invalidSequenceLength(bytes, byteIndex);
      for (; byteIndex < end; byteIndex++) out += `\\x${HEX[bytes[byteIndex]]}`;
      base = false;
      continue;
    }
    byteIndex += width;
    const afterBase = base;
    base = false;
    if (code < 0x20 || code === 0x7f) {
      out += CONTROL_NAMES[code] ?? `\\x${HEX[code]}`;
      if (code === 0x0a && options.lineBreaks) out += '\n';
    } else if (code === 0x5c) {
      out += '\\\\';
    } else if (HIDDEN_OR_REORDERING.test(ch) || (!afterBase && COMBINING_MARK.test(ch))) {
      out += `\\u{${code.toString(16)}}`;
    } else {
      out += ch;
      base = true;
    }
  }
  return out;
}

/**
 * Text that is already a string (a scenario step's, a rule's) with its control characters named as
 * toVisibleText names them, so that a label stays on one line: `"PING\r\n"`, not a real line break.
 */
export function toVisibleControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what it names
  return text.replace(/[\x00-\x1f\x7f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return CONTROL_NAMES[code] ?? `\\x${HEX[code]}`;
  });
}

/**
 * Bytes for display as ASCII, for a user who thinks in bytes (the send bar's Hex mode): printable
 * ASCII as is, controls named as toVisibleText names them, every byte from 0x80 as `\xNN`. Read
 * as UTF-8, `de ad` would show as one combining mark drawn over whatever stands before it.
 */
export function toVisibleAscii(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += CONTROL_NAMES[b] ?? `\\x${HEX[b]}`;
  }
  return out;
}

/**
 * Characters that show as nothing or move other text around (C1 controls, zero-width and
 * bidirectional formatting, line separators, the BOM): a peer could make the log read differently
 * from what was sent, so they are shown as escapes.
 */
const HIDDEN_OR_REORDERING = /^[\u0080-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]$/;

/**
 * A combining mark (accents, vowel signs, variation selectors) is drawn on the character before
 * it. With none shown before it (at the start, or after an escape) it would land on the previous
 * glyph on screen, or on the `n` of a `\n`, so it is shown as an escape.
 */
const COMBINING_MARK = /^\p{M}$/u;

function isEncodedReplacementChar(bytes: Uint8Array, i: number): boolean {
  return bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd;
}

/** How many bytes the WHATWG decoder folds into one U+FFFD at `i` (maximal subpart rule). */
function invalidSequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) lower = 0xa0;
    if (lead === 0xed) upper = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) lower = 0x90;
    if (lead === 0xf4) upper = 0x8f;
  } else return 1;
  let n = 1;
  for (let k = 0; k < need; k++) {
    const b = bytes[i + n];
    if (b === undefined || b < lower || b > upper) break;
    lower = 0x80;
    upper = 0xbf;
    n++;
  }
  return n;
}

export interface HexDumpLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** Classic 16-bytes-a-row dump: offset, hex (with a gap after 8), printable ASCII or `.`. */
export function hexDump(bytes: Uint8Array, width = 16): HexDumpLine[] {
  const lines: HexDumpLine[] = [];
  for (let offset = 0; offset < bytes.length; offset += width) {
    const row = bytes.subarray(offset, offset + width);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < width; i++) {
      if (i > 0) hex += i === width / 2 ? '  ' : ' ';
      if (i < row.length) {
        hex += HEX[row[i]];
        ascii += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
      } else {
        hex += '  ';
      }
    }
    lines.push({ offset: offset.toString(16).padStart(8, '0'), hex, ascii });
  }
  return lines;
}

export function hexDumpText(bytes: Uint8Array, width = 16): string {
  return hexDump(bytes, width)
    .map((l) => `${l.offset}  ${l.hex}  |${l.ascii}|`)
    .join('\n');
}

/**
 * `1,234,567`: a count as the app and its messages write it (en-US grouping), without Intl: the
 * first Intl formatter of a page or process loads the locale's data, tens of milliseconds of
 * start-up spent on a comma. Other numbers than safe integers (rare) go to toLocaleString.
 */
export function formatInteger(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const head = digits.length % 3 || 3;
  let grouped = digits.slice(0, head);
  for (let at = head; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  return n < 0 ? `-${grouped}` : grouped;
}

/** A span of time in the unit that reads best: `840 µs`, `12.4 ms`, `3.20 s`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1) return `${Math.round(ms * 1000)} µs`;
  if (abs < 1000) return `${ms.toFixed(abs < 10 ? 3 : abs < 100 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(abs < 10_000 ? 3 : 2)} s`;
}

/** Human-readable size: 512 B, 1.5 KiB, 3.2 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
