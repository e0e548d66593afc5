/**
 * Framing's limits and names, apart from the FramingSpec schema (framing.ts imports these): what
 * the page shows and compares at start-up, without building a schema.
 */
import type { FramingSpec } from './framing';

/** Largest fixed frame size and delimiter length a user may ask for. */
export const MAX_FIXED_FRAME_BYTES = 16 * 1024 * 1024;
export const MAX_DELIMITER_BYTES = 32;

export const RAW_FRAMING: FramingSpec = { mode: 'raw' };

/**
 * One raw chunk of a TCP stream, in the words every choice of it uses (the log's framing, the
 * rules' message unit): a read is at most what main reads at once (read-buffer.ts LENT_READ_BYTES).
 */
export const EACH_READ = 'Each read (up to 64 KiB)';

const NAMED_DELIMITERS: readonly { name: string; bytes: readonly number[] }[] = [
  { name: 'LF', bytes: [0x0a] },
  { name: 'CRLF', bytes: [0x0d, 0x0a] },
  { name: 'NUL', bytes: [0x00] },
];

/** `LF`, `CRLF`, `NUL`, or the bytes in hex (`7e 7e`). */
export function delimiterName(delimiter: readonly number[]): string {
  const named = NAMED_DELIMITERS.find((d) => sameBytes(d.bytes, delimiter));
  return named ? named.name : delimiter.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** What a framing is, in a few words for a button or a log line. */
export function describeFraming(spec: FramingSpec): string {
  switch (spec.mode) {
    case 'raw':
      return 'Raw chunks';
    case 'delimiter':
      return `Delimiter ${delimiterName(spec.delimiter)}`;
    case 'length':
      return `Length ${spec.headerBytes * 8}-bit ${spec.endian === 'big' ? 'BE' : 'LE'}${spec.includesHeader ? ', incl. header' : ''}`;
    case 'fixed':
      return `Fixed ${spec.size} B`;
    case 'message':
      return spec.protocol === 'http' ? 'HTTP messages' : 'RESP values';
  }
}

export function sameFraming(a: FramingSpec, b: FramingSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
