import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectFrame, Framer, type FramingSpec } from '@shared/framing';
import { anySpec, peerBytes } from '@shared/test-support/framing-arbitraries';
import { FrameAssembler, MAX_ASSEMBLED_FRAME_BYTES } from './frame-assembler';

const LINES: FramingSpec = { mode: 'delimiter', delimiter: [0x0a] };
const text = (frames: Uint8Array[]): string[] => frames.map((frame) => Buffer.from(frame).toString('latin1'));

/** Pushes each piece through one reused buffer, as a socket reading into its shared buffer does. */
function pushThroughOneBuffer(assembler: FrameAssembler, pieces: (string | Buffer)[], wholeMessage = false): { frames: string[]; tooLong: number } {
  const shared = Buffer.alloc(2 * MAX_ASSEMBLED_FRAME_BYTES);
  const frames: string[] = [];
  let tooLong = 0;
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
    shared.fill(0x3f);
    bytes.copy(shared);
    frames.push(...text(assembler.push(shared.subarray(0, bytes.length), wholeMessage, () => tooLong++)));
  }
  return { frames, tooLong };
}

describe('assembling frames from chunks', () => {
  it('gives each whole line once it ends, wherever the reads cut it', () => {
    const { frames } = pushThroughOneBuffer(new FrameAssembler(LINES), ['one\ntw', 'o', '\nthree\nfo', 'ur']);
    expect(frames).toEqual(['one\n', 'two\n', 'three\n']);
  });

  it('reads length-prefixed frames whose header and body arrive in different reads', () => {
    const spec: FramingSpec = { mode: 'length', headerBytes: 2, endian: 'big', includesHeader: false };
    const { frames } = pushThroughOneBuffer(new FrameAssembler(spec), ['\x00', '\x03ab', 'c\x00\x01z']);
    expect(frames).toEqual(['\x00\x03abc', '\x00\x01z']);
  });

  it('cuts each datagram on its own, and what it leaves unfinished ends with it', () => {
    const { frames } = pushThroughOneBuffer(new FrameAssembler(LINES), ['a\nb', 'c\n'], true);
    expect(frames).toEqual(['a\n', 'b', 'c\n']);
  });

  it('skips a frame that grows past the limit across reads, and finds the next one', () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pieces = [...new Array<Buffer>(MAX_ASSEMBLED_FRAME_BYTES / chunk.length + 1).fill(chunk), 'x\nnext\n'];
    const { frames, tooLong } = pushThroughOneBuffer(new FrameAssembler(LINES), pieces);
    expect(frames).toEqual(['next\n']);
    expect(tooLong).toBe(1);
  });

  it('skips a frame that crosses the limit in the read that ends it', () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pieces = [...new Array<Buffer>(MAX_ASSEMBLED_FRAME_BYTES / chunk.length).fill(chunk), 'xx\nnext\n'];
    const { frames, tooLong } = pushThroughOneBuffer(new FrameAssembler(LINES), pieces);
    expect(frames).toEqual(['next\n']);
    expect(tooLong).toBe(1);
  });

  it('hands out the same frames as the framer reading the whole stream at once, however the reads are cut', () => {
    fc.assert(
      // Raw is each read as it came: the reads themselves are the frames there.
      fc.property(
        anySpec.filter((spec) => spec.mode !== 'raw'),
        peerBytes,
        fc.array(fc.nat(), { maxLength: 10 }),
        (spec, bytes, cuts) => {
          const whole = new Framer(spec).push({ seq: 0, time: 0, bytes }).map((bounds) => collectFrame(bounds, () => bytes));
          const ends = [...new Set([...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
          const pieces = ends.map((end, i) => Buffer.from(bytes.subarray(i === 0 ? 0 : ends[i - 1], end))).filter((piece) => piece.length > 0);
          const { frames } = pushThroughOneBuffer(new FrameAssembler(spec), pieces);
          expect(frames).toEqual(text(whole));
        },
      ),
      { numRuns: 400 },
    );
  });
});
