/**
 * Whole frames out of received chunks, for auto-reply rules that match per message (each line,
 * each HTTP request) rather than per read.
 *
 * Why this and framing/frame-index.ts both exist (both drive the one shared Framer, which is
 * where frames end): the index is the log's Frames view, built lazily from the log when someone
 * reads, keeping bounds and reading bytes back from the log. A rule cannot wait for a reader, nor
 * miss a message because the log evicted or cleared it, frames under the rules' own framing, and
 * needs the frame's bytes the moment it ends: so this frames every read as it arrives, keeps a
 * copy of the frame being read (bounded) and hands out each frame as it ends.
 */
import { concatBytes } from '@shared/codec';
import { type FrameBounds, Framer, type FramingSpec } from '@shared/framing';
import { copyBytes } from './log';

/** A frame still growing past this is given up on (not matched) rather than held without bound. */
export const MAX_ASSEMBLED_FRAME_BYTES = 1024 * 1024;

export class FrameAssembler {
  private readonly framer: Framer;
  /** The bytes so far of the frame being read, from earlier chunks (copies: chunks are reused). */
  private carry: Uint8Array[] = [];
  private carried = 0;
  /** The frame being read outgrew the limit: its bytes are not kept, and it is skipped when it ends. */
  private dropping = false;
  private seq = 0;

  constructor(spec: FramingSpec) {
    this.framer = new Framer(spec);
  }

  /**
   * The frames that `bytes` completes. They may be views into `bytes`: use them before the next
   * push. With `wholeMessage` (a datagram) nothing carries over: what is left of it is a frame too.
   * `tooLong` is told when a frame outgrew MAX_ASSEMBLED_FRAME_BYTES and was dropped.
   */
  push(bytes: Uint8Array, wholeMessage: boolean, tooLong: () => void): Uint8Array[] {
    const seq = this.seq++;
    const frames: Uint8Array[] = [];
    for (const bounds of this.framer.push({ seq, time: 0, bytes })) {
      if (bounds.firstSeq !== seq && (this.dropping || this.carried + bounds.endOffset > MAX_ASSEMBLED_FRAME_BYTES)) {
        // The end of a frame that grew too long: the framer kept its place, the bytes are not kept.
        if (!this.dropping) tooLong();
        this.dropOversized(false);
        continue;
      }
      frames.push(this.bytesOf(bounds, bytes, seq));
    }
    if (wholeMessage) {
      const rest = this.framer.endOfMessage();
      if (rest) frames.push(this.bytesOf(rest, bytes, seq));
    } else {
      this.keepPending(bytes, seq, tooLong);
    }
    return frames;
  }

  private bytesOf(bounds: FrameBounds, bytes: Uint8Array, seq: number): Uint8Array {
    if (bounds.firstSeq === seq) return bytes.subarray(bounds.startOffset, bounds.endOffset);
    // Begun in earlier chunks: what was carried, then this chunk up to the frame's end.
    const frame = concatBytes(...this.carry, bytes.subarray(0, bounds.endOffset));
    this.carry = [];
    this.carried = 0;
    return frame;
  }

  /** Forgets the carried bytes; `dropping` while the oversized frame has not ended yet. */
  private dropOversized(dropping: boolean): void {
    this.carry = [];
    this.carried = 0;
    this.dropping = dropping;
  }

  private keepPending(bytes: Uint8Array, seq: number, tooLong: () => void): void {
    const pending = this.framer.pending();
    if (!pending || (this.dropping && pending.firstSeq !== seq)) return;
    // A frame that ended in this chunk means the pending one began in it; otherwise all of it is pending.
    const piece = pending.firstSeq === seq ? bytes.subarray(pending.startOffset) : bytes;
    if (this.carried + piece.byteLength > MAX_ASSEMBLED_FRAME_BYTES) {
      tooLong();
      this.dropOversized(true);
      return;
    }
    // A copy (Buffer#slice would be a view, and the socket reads its next chunk into the same memory).
    this.carry.push(copyBytes(piece));
    this.carried += piece.byteLength;
  }
}
