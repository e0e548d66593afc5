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
import { anySpec, peerBytes } from './test-support/framing-arbitraries';

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
