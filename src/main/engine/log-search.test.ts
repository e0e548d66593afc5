import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands, type LogEntry, type ParsedInput } from '@shared/contract';
import { utf8Encode } from '@shared/codec';
import { EngineError } from './errors';
import { SocketLog } from './log';
import { searchLog } from './log-search';

type Query = ParsedInput<'log.search'>['query'];

/** A request as the dispatcher would hand it over, defaults filled in by the contract's schema. */
function request(query: Partial<Query>, extra: { fromSeq?: number; backwards?: boolean; limit?: number } = {}): ParsedInput<'log.search'> {
  return commands['log.search'].input.parse({ id: 'tcp-1', query, fromSeq: 0, ...extra });
}

function logOf(
  entries: ({ dir: 'in' | 'out'; text: string | Uint8Array } | { event: string })[],
  limits = { maxEntries: 1000, maxBytes: 1 << 20 },
): SocketLog {
  const log = new SocketLog('tcp-1', limits);
  for (const entry of entries) {
    if ('event' in entry) log.appendEvent('info', entry.event);
    else log.appendData(entry.dir, typeof entry.text === 'string' ? utf8Encode(entry.text) : entry.text);
  }
  return log;
}

const sample = logOf([
  { dir: 'out', text: 'GET / HTTP/1.1\r\nHost: example\r\n\r\n' },
  { dir: 'in', text: 'HTTP/1.1 200 OK\r\n' },
  { event: 'Peer closed its sending side' },
  { dir: 'in', text: new Uint8Array([0x00, 0xde, 0xad, 0xbe, 0xef, 0x0a]) },
  { dir: 'out', text: 'get lower' },
]);

describe('log search', () => {
  it('finds text in either case by default, and exactly when asked', () => {
    expect(searchLog(sample, request({ text: 'get' })).matches).toEqual([0, 4]);
    expect(searchLog(sample, request({ text: 'GET', caseSensitive: true })).matches).toEqual([0]);
    expect(searchLog(sample, request({ text: 'http/1.1' })).matches).toEqual([0, 1]);
  });

  it('reads escapes in the search text, so \\r\\n finds line ends', () => {
    expect(searchLog(sample, request({ text: '\\r\\n\\r\\n' })).matches).toEqual([0]);
    expect(searchLog(sample, request({ text: '\\xde\\xad' })).matches).toEqual([3]);
  });

  it('finds a hex byte sequence, written the ways hex is pasted', () => {
    expect(searchLog(sample, request({ hex: 'de ad be ef' })).matches).toEqual([3]);
    expect(searchLog(sample, request({ hex: '0xBE:0xEF' })).matches).toEqual([3]);
    expect(searchLog(sample, request({ hex: 'ef 00' })).matches).toEqual([]);
  });

  it('filters by direction, with or without a query', () => {
    expect(searchLog(sample, request({ direction: 'in' })).matches).toEqual([1, 3]);
    expect(searchLog(sample, request({ direction: 'out' })).matches).toEqual([0, 4]);
    expect(searchLog(sample, request({ text: 'http', direction: 'in' })).matches).toEqual([1]);
  });

  it('finds event messages in a text search across both directions only', () => {
    expect(searchLog(sample, request({ text: 'peer closed' })).matches).toEqual([2]);
    expect(searchLog(sample, request({ text: 'peer closed', direction: 'in' })).matches).toEqual([]);
    expect(searchLog(sample, request({ text: 'Peer', caseSensitive: true })).matches).toEqual([2]);
  });

  it('searches backwards from a seq, for "previous match"', () => {
    expect(searchLog(sample, request({ text: 'get' }, { fromSeq: 4, backwards: true, limit: 1 }))).toMatchObject({
      matches: [4],
      done: false,
      cursor: 3,
    });
    expect(searchLog(sample, request({ text: 'get' }, { fromSeq: 3, backwards: true, limit: 1 }))).toMatchObject({
      matches: [0],
      done: true,
      cursor: -1,
    });
    const last = searchLog(sample, request({ text: 'get' }, { fromSeq: 1000, backwards: true }));
    expect(last).toMatchObject({ matches: [4, 0], done: true, cursor: -1 });
  });

  it('stops at the limit and continues from the cursor', () => {
    const first = searchLog(sample, request({}, { limit: 2 }));
    expect(first).toMatchObject({ matches: [0, 1], cursor: 2, done: false });
    const rest = searchLog(sample, request({}, { fromSeq: first.cursor }));
    expect(rest).toMatchObject({ matches: [2, 3, 4], cursor: 5, done: true });
  });

  it('points at invalid search text or hex, by position', () => {
    const search = (query: Partial<Query>) => () => searchLog(sample, request(query));
    expect(search({ text: 'ab\\q' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Search text: Unknown escape "\\q" at position 3/) }),
    );
    expect(search({ hex: 'de a' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('position 4') }));
    expect(search({ hex: 'de a' })).toThrow(EngineError);
  });

  it('the contract refuses text and hex at once', () => {
    expect(commands['log.search'].input.safeParse({ id: 'x', query: { text: 'a', hex: '61' }, fromSeq: 0 }).success).toBe(false);
  });

  it('skips what fell out of the ring and stays within a budget per call', () => {
    const log = logOf(
      Array.from({ length: 50 }, (_, i) => ({ dir: 'in' as const, text: `msg ${i}` })),
      { maxEntries: 20, maxBytes: 1 << 20 },
    );
    const budget = { entries: 7, bytes: 1 << 20 };
    const first = searchLog(log, request({ text: 'msg' }), budget);
    expect(first).toMatchObject({ matches: [30, 31, 32, 33, 34, 35, 36], cursor: 37, done: false });
    const byBytes = searchLog(log, request({ text: 'msg' }), { entries: 1000, bytes: 12 });
    expect(byBytes.matches).toEqual([30, 31]);
  });

  it('finds exactly the entries a naive search finds, however the scan is split into calls', () => {
    const entry = fc.oneof(
      fc.record({ dir: fc.constantFrom('in' as const, 'out' as const), text: fc.uint8Array({ maxLength: 24, max: 0x7f }) }),
      fc.record({ event: fc.string({ maxLength: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 3, max: 0x7f }),
        fc.constantFrom('any' as const, 'in' as const, 'out' as const),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        (entries, needle, direction, caseSensitive, budgetEntries, backwards) => {
          const log = logOf(entries);
          const query = { hex: [...needle].map((b) => b.toString(16).padStart(2, '0')).join(' '), direction, caseSensitive };
          const expected = log
            .read(0, 1000)
            .filter((e): e is Extract<LogEntry, { dir: 'in' | 'out' }> => e.dir !== 'event' && (direction === 'any' || e.dir === direction))
            .filter((e) => Buffer.from(caseSensitive ? e.bytes : lower(e.bytes)).includes(Buffer.from(caseSensitive ? needle : lower(needle))))
            .map((e) => e.seq);
          const found: number[] = [];
          let cursor = backwards ? 1000 : 0;
          for (let calls = 0; calls < 100; calls++) {
            const step = searchLog(log, request(query, { fromSeq: cursor, backwards, limit: 3 }), { entries: budgetEntries, bytes: 1 << 20 });
            found.push(...step.matches);
            cursor = step.cursor;
            if (step.done) break;
          }
          expect(backwards ? found.reverse() : found).toEqual(expected);
        },
      ),
    );
  });
});

function lower(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));
}
