/**
 * Framers and decoders against what a hostile or broken peer sends: any bytes, including ones
 * that look like the start of a protocol message with absurd lengths or nesting. Nothing throws,
 * no byte is lost, and how reads happened to be cut never changes the frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from './codec';
import { decodeFrame } from './decoders';
import { collectFrame, DecoderChoice, Framer, type FramingSpec } from './framing';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Starts of messages that promise more than will ever come, or nest without end. */
const treacherous = fc.constantFrom(
  ascii('GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n'),
  ascii('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n'),
  ascii('POST / HTTP/1.1\r\nContent-Length: -5\r\nContent-Length: 7\r\n\r\n'),
  ascii('HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(2000)),
  ascii('$9999999999999\r\n'),
  ascii('*2147483648\r\n'),
  ascii('*-1\r\n$-1\r\n'),
  ascii('*1\r\n'.repeat(5000)),
  ascii('['.repeat(5000)),
  ascii('{"a":'.repeat(3000)),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0, 0, 0, 0),
);
const peerBytes = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: treacherous }), { maxLength: 5 })
  .map((parts) => concatBytes(...parts));

const anySpec: fc.Arbitrary<FramingSpec> = fc.oneof(
  fc.constant<FramingSpec>({ mode: 'raw' }),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map<FramingSpec>((d) => ({ mode: 'delimiter', delimiter: [...d] })),
  fc.record({
    mode: fc.constant('length' as const),
    headerBytes: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    endian: fc.constantFrom('big' as const, 'little' as const),
    includesHeader: fc.boolean(),
  }),
  fc.constantFrom<FramingSpec>({ mode: 'message', protocol: 'http' }, { mode: 'message', protocol: 'resp' }),
  fc.integer({ min: 1, max: 64 }).map<FramingSpec>((size) => ({ mode: 'fixed', size })),
);

/** Every frame of `bytes` read in pieces ending at `cuts`, then the stream's end, plus what is still pending. */
function frameStream(spec: FramingSpec, bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const ends = [...new Set([...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
  const chunks = ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end)).filter((c) => c.length > 0);
  const framer = new Framer(spec);
  const bounds = chunks.flatMap((chunk, seq) => framer.push({ seq, time: seq, bytes: chunk }));
  const atEnd = framer.endOfStream();
  const rest = framer.pending();
  return [...bounds, ...(atEnd ? [atEnd] : []), ...(rest ? [rest] : [])].map((b) => collectFrame(b, (seq) => chunks[seq]));
}

describe('framers and decoders under arbitrary input', () => {
  it('never throw, lose no byte, and frame the same however the reads were cut', () => {
    fc.assert(
      fc.property(anySpec, peerBytes, fc.array(fc.nat(), { maxLength: 10 }), (spec, bytes, cuts) => {
        const whole = frameStream(spec, bytes, []);
        const pieces = frameStream(spec, bytes, cuts);
        // Byte-wise comparisons: a deep equality over arrays of numbers is what would make this slow.
        expect(Buffer.from(concatBytes(...pieces)).equals(bytes)).toBe(true);
        if (spec.mode !== 'raw') {
          expect(pieces.length).toBe(whole.length);
          expect(pieces.every((frame, i) => Buffer.from(frame).equals(whole[i]))).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('decode any frame to a view, a failure or nothing, without throwing', () => {
    fc.assert(
      fc.property(peerBytes, fc.constantFrom(...DecoderChoice.options), (bytes, choice) => {
        const decoded = decodeFrame(bytes, choice);
        expect(decoded === undefined || typeof decoded === 'object').toBe(true);
      }),
      { numRuns: 600 },
    );
  });
});
