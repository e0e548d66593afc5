/**
 * Payloads as the user writes and copies them: text with escapes, hex and base64 in; text
 * (UTF-8 or Latin-1), hex, base64 and source-code byte arrays out. Pure functions shared by the
 * renderer, main and the CLI; an invalid input is reported with the 1-based position of the
 * first offending character, and nothing is produced from it.
 */
import { type ParseResult, concatBytes, parseHex, toHex, toVisibleText, utf8Decode, utf8Encode } from './codec';
import { base64ToBytes, bytesToBase64 } from './wire';

export type { ParseResult } from './codec';

/** How typed text becomes bytes. */
export type PayloadFormat = 'text' | 'hex' | 'base64';
export const payloadFormats: readonly PayloadFormat[] = ['text', 'hex', 'base64'];

/** How bytes are read as text: UTF-8, or Latin-1 (ISO 8859-1: one byte, one character). */
export type TextEncoding = 'utf-8' | 'latin1';

export function parsePayload(input: string, format: PayloadFormat): ParseResult {
  if (format === 'hex') return parseHex(input);
  if (format === 'base64') return parseBase64(input);
  return parseEscapedText(input);
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00, '\\': 0x5c };

function failAt(position: number, message: string): ParseResult {
  return { ok: false, message, position };
}

/**
 * Text sent as UTF-8, with escapes for what cannot be typed: `\n \r \t \0 \\`, `\xNN` for one raw
 * byte (so invalid UTF-8 can be written too) and `\u{1F600}` for a code point. These are the
 * escapes the log shows, so text copied from the log's text view parses back to the same bytes.
 */
export function parseEscapedText(input: string): ParseResult {
  const parts: Uint8Array[] = [];
  let escaped: number[] = [];
  const flushEscaped = (): void => {
    if (escaped.length === 0) return;
    parts.push(Uint8Array.from(escaped));
    escaped = [];
  };
  let i = 0;
  while (i < input.length) {
    const backslash = input.indexOf('\\', i);
    const runEnd = backslash < 0 ? input.length : backslash;
    if (runEnd > i) {
      flushEscaped();
      parts.push(utf8Encode(input.slice(i, runEnd)));
    }
    if (backslash < 0) break;
    const position = backslash + 1;
    const kind = input[backslash + 1];
    if (kind === undefined) return failAt(position, `A lone "\\" ends the text at position ${position}: write \\\\ for a backslash`);
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      escaped.push(simple);
      i = backslash + 2;
    } else if (kind === 'x') {
      const digits = input.slice(backslash + 2, backslash + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) {
        return failAt(position, `"\\x" at position ${position} needs two hex digits, e.g. \\x0a`);
      }
      escaped.push(Number.parseInt(digits, 16));
      i = backslash + 4;
    } else if (kind === 'u') {
      const match = /^\{([0-9a-fA-F]{1,6})\}/.exec(input.slice(backslash + 2, backslash + 11));
      if (!match) return failAt(position, `"\\u" at position ${position} needs a code point in braces, e.g. \\u{1F600}`);
      const codePoint = Number.parseInt(match[1], 16);
      if (codePoint > 0x10ffff) {
        return failAt(position, `\\u{${match[1]}} at position ${position} is beyond the last Unicode code point (10FFFF)`);
      }
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
        return failAt(position, `\\u{${match[1]}} at position ${position} is a UTF-16 surrogate, not a character`);
      }
      escaped.push(...utf8Encode(String.fromCodePoint(codePoint)));
      i = backslash + 2 + match[0].length;
    } else {
      const shown = String.fromCodePoint(input.codePointAt(backslash + 1) ?? 0);
      return failAt(position, `Unknown escape "\\${shown}" at position ${position}: use \\n \\r \\t \\0 \\\\ \\xNN or \\u{…} (\\\\ for a backslash)`);
    }
  }
  flushEscaped();
  return { ok: true, bytes: parts.length === 1 ? parts[0] : concatBytes(...parts) };
}

const BASE64_CHAR = /[A-Za-z0-9+/\-_]/;

/**
 * Base64 as people paste it: whitespace and line breaks are ignored, padding is optional, and the
 * URL-safe alphabet (`-`, `_`) is accepted too.
 */
export function parseBase64(input: string): ParseResult {
  let dataChars = 0;
  let padding = 0;
  let firstPad = 0;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (ch === '=') {
      if (padding === 0) firstPad = i + 1;
      if (++padding > 2) return failAt(i + 1, `Too much padding: a third "=" at position ${i + 1}`);
      continue;
    }
    if (padding > 0) return failAt(i + 1, `"${ch}" at position ${i + 1} comes after the "=" padding, which ends base64`);
    if (!BASE64_CHAR.test(ch)) {
      const shown = String.fromCodePoint(input.codePointAt(i) ?? 0);
      return failAt(i + 1, `"${shown}" is not a base64 character (position ${i + 1})`);
    }
    dataChars++;
  }
  if (dataChars % 4 === 1) {
    return failAt(input.length, 'Incomplete base64: it ends one character into a group of four');
  }
  if (padding > 0 && (dataChars + padding) % 4 !== 0) {
    return failAt(firstPad, `Wrong padding at position ${firstPad}: base64 comes in groups of four characters`);
  }
  const standard = input.replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes = base64ToBytes(standard);
  // Every character was checked above, so this only guards the invariant.
  if (!bytes) return failAt(1, 'Invalid base64');
  return { ok: true, bytes };
}

/** ISO 8859-1: byte n is U+00nn. (TextDecoder's "latin1" is windows-1252, which is not that.) */
export function latin1Decode(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

const LATIN1_NAMED: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x00: '\\0', 0x5c: '\\\\' };

/** Latin-1 for display: C0 and C1 controls and DEL as escapes, like toVisibleText does for UTF-8. */
export function toVisibleLatin1(bytes: Uint8Array, options: { lineBreaks?: boolean } = {}): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x20 || (b >= 0x7f && b < 0xa0) || b === 0x5c) {
      out += LATIN1_NAMED[b] ?? `\\x${b.toString(16).padStart(2, '0')}`;
      if (b === 0x0a && options.lineBreaks) out += '\n';
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}

/** The log's text view in either encoding; escapes make every byte visible. */
export function visibleText(bytes: Uint8Array, encoding: TextEncoding, options: { lineBreaks?: boolean } = {}): string {
  return encoding === 'latin1' ? toVisibleLatin1(bytes, options) : toVisibleText(bytes, options);
}

export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  return encoding === 'latin1' ? latin1Decode(bytes) : utf8Decode(bytes);
}

export type CopyFormat = 'text' | 'escaped' | 'hex' | 'base64' | 'c-array' | 'js-array';

export const copyFormats: readonly { format: CopyFormat; label: string }[] = [
  { format: 'text', label: 'Text' },
  { format: 'escaped', label: 'Text with escapes' },
  { format: 'hex', label: 'Hex' },
  { format: 'base64', label: 'Base64' },
  { format: 'c-array', label: 'C array' },
  { format: 'js-array', label: 'JS Uint8Array' },
];

/**
 * A payload as the clipboard should get it. `text` is decoded as is (control bytes included);
 * `escaped` is what the send bar's Text mode reads back to exactly these bytes.
 */
export function copyAs(bytes: Uint8Array, format: CopyFormat, encoding: TextEncoding = 'utf-8'): string {
  switch (format) {
    case 'text':
      return decodeText(bytes, encoding);
    case 'escaped':
      return toVisibleText(bytes);
    case 'hex':
      return toHex(bytes);
    case 'base64':
      return bytesToBase64(bytes);
    case 'c-array':
      return `unsigned char data[${bytes.length}] = {${byteListing(bytes)}};`;
    case 'js-array':
      return `new Uint8Array([${byteListing(bytes)}])`;
  }
}

const BYTES_PER_LINE = 12;

/** `\n  0x48, 0x65, …\n` with twelve bytes a line, the body of an array literal. */
function byteListing(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += BYTES_PER_LINE) {
    lines.push(`0x${toHex(bytes.subarray(i, i + BYTES_PER_LINE), ', 0x')}`);
  }
  return `\n  ${lines.join(',\n  ')}\n`;
}
