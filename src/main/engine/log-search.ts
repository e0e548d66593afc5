/**
 * Search in a socket's log, in main where the log lives. Payloads are scanned in place (no copy
 * per entry) and each call looks at a bounded slice of the log, so a search of a full ring never
 * stalls the engine: the caller continues from the returned cursor. A match lies within one entry.
 */
import type { LogSearchQuery, Output, ParsedInput } from '@shared/contract';
import { parseHex, utf8Decode } from '@shared/codec';
import { parseEscapedText } from '@shared/payload';
import { EngineError } from './errors';
import type { PeekedEntry, SocketLog } from './log';

/** What one call may look at before it returns a cursor: entries, and payload bytes. */
export const SCAN_BUDGET = { entries: 50_000, bytes: 32 * 1024 * 1024 };

type Matcher = (entry: PeekedEntry) => boolean;

/** ASCII letters folded to lower case; every other byte is itself. */
const LOWER = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));

/** The query as a predicate over entries; throws INVALID_INPUT, with the position, for bad text or hex. */
export function compileQuery(query: LogSearchQuery): Matcher {
  const needle = queryBytes(query);
  const { direction } = query;
  const wantsDir = (dir: 'in' | 'out' | 'event'): boolean => (direction === 'any' ? true : dir === direction);
  if (!needle || needle.length === 0) return (entry) => wantsDir(entry.dir);
  const hasLetters = needle.some((b) => LOWER[b] !== b || (b >= 0x61 && b <= 0x7a));
  const folded = !query.caseSensitive && hasLetters;
  const findIn = folded ? foldedFinder(needle) : exactFinder(needle);
  // Event entries (connected, closed, errors) are text the user sees in the log: a text search
  // in both directions finds them too.
  const eventText = query.text !== undefined && direction === 'any' ? utf8Decode(needle) : undefined;
  const eventNeedle = eventText !== undefined && folded ? eventText.toLowerCase() : eventText;
  return (entry) => {
    if (entry.dir === 'event') {
      if (eventNeedle === undefined) return false;
      return (folded ? entry.message.toLowerCase() : entry.message).includes(eventNeedle);
    }
    return wantsDir(entry.dir) && findIn(entry.bytes);
  };
}

function queryBytes(query: LogSearchQuery): Uint8Array | undefined {
  if (query.text !== undefined) {
    const parsed = parseEscapedText(query.text);
    if (!parsed.ok) throw new EngineError('INVALID_INPUT', `Search text: ${parsed.message}`);
    return parsed.bytes;
  }
  if (query.hex !== undefined) {
    const parsed = parseHex(query.hex);
    if (!parsed.ok) throw new EngineError('INVALID_INPUT', `Search bytes: ${parsed.message}`);
    return parsed.bytes;
  }
  return undefined;
}

function exactFinder(needle: Uint8Array): (haystack: Uint8Array) => boolean {
  const pattern = Buffer.from(needle);
  // Buffer#indexOf is native and fast; a Buffer over the same memory costs no copy.
  return (haystack) =>
    haystack.length >= pattern.length && Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(pattern) !== -1;
}

function foldedFinder(needle: Uint8Array): (haystack: Uint8Array) => boolean {
  const lower = needle.map((b) => LOWER[b]);
  const first = lower[0];
  const firstUpper = first >= 0x61 && first <= 0x7a ? first - 0x20 : first;
  const n = lower.length;
  return (haystack) => {
    const last = haystack.length - n;
    outer: for (let i = 0; i <= last; i++) {
      const c = haystack[i];
      if (c !== first && c !== firstUpper) continue;
      for (let k = 1; k < n; k++) if (LOWER[haystack[i + k]] !== lower[k]) continue outer;
      return true;
    }
    return false;
  };
}

/** One bounded step of a search; see the 'log.search' command in the contract. */
export function searchLog(log: SocketLog, input: ParsedInput<'log.search'>, budget = SCAN_BUDGET): Output<'log.search'> {
  const matches = compileQuery(input.query);
  const head = log.headInfo();
  const found: number[] = [];
  const step = input.backwards ? -1 : 1;
  const inRange = (seq: number): boolean => (input.backwards ? seq >= head.firstSeq : seq < head.nextSeq);
  let seq = input.backwards ? Math.min(input.fromSeq, head.nextSeq - 1) : Math.max(input.fromSeq, head.firstSeq);
  let entries = 0;
  let bytes = 0;
  while (inRange(seq) && found.length < input.limit && entries < budget.entries && bytes < budget.bytes) {
    const entry = log.peek(seq);
    if (entry) {
      if (matches(entry)) found.push(seq);
      if (entry.dir !== 'event') bytes += entry.bytes.byteLength;
    }
    entries++;
    seq += step;
  }
  const done = !inRange(seq);
  return { head, matches: found, cursor: done && input.backwards ? -1 : seq, done };
}
