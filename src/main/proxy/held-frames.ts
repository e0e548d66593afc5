/**
 * Held messages as whole frames when a conversation's framing is set (a line, a length-prefixed
 * record, an HTTP message, a RESP command), not as the reads TCP happened to cut: mitmproxy's
 * lesson that message boundaries on a byte stream are arbitrary. The framer follows every read of
 * its direction, held or not, so it knows where frames end when a hold begins.
 */
import { concatBytes } from '@shared/codec';
import { Framer, type FramingSpec, RAW_FRAMING, sameFraming } from '@shared/framing';
import { type Engine, SOCKETS_ONLY } from '../engine/engine';

/**
 * The start of a frame held past this is handed over as a held message of its own: the held
 * direction stops reading at the pipe's high-water mark, so a larger frame would never end.
 */
export const MAX_HELD_FRAME_BYTES = 192 * 1024;

export class HeldFrames {
  private readonly framer: Framer;
  private seq = 0;
  /** What has been held of the frame not ended yet. */
  private partial: Uint8Array[] = [];
  private partialBytes = 0;

  constructor(readonly spec: FramingSpec) {
    this.framer = new Framer(spec);
  }

  /** Not holding: only where frames end is kept. */
  track(bytes: Uint8Array): void {
    this.framer.push({ seq: this.seq++, time: 0, bytes });
  }

  /**
   * Holding: the whole frames this read completes (views into it, or joined with what was held
   * before). The rest waits as the start of the next frame. A frame that began before the hold did
   * is held from where the hold began.
   */
  cut(bytes: Uint8Array): Uint8Array[] {
    const seq = this.seq++;
    const frames: Uint8Array[] = [];
    for (const bounds of this.framer.push({ seq, time: 0, bytes })) {
      if (bounds.firstSeq === seq) frames.push(bytes.subarray(bounds.startOffset, bounds.endOffset));
      else frames.push(this.takeWith(bytes.subarray(0, bounds.endOffset)));
    }
    const pending = this.framer.pending();
    if (pending) {
      const piece = pending.firstSeq === seq ? bytes.subarray(pending.startOffset) : bytes;
      this.partial.push(piece);
      this.partialBytes += piece.byteLength;
      if (this.partialBytes >= MAX_HELD_FRAME_BYTES) frames.push(this.takeWith());
    }
    return frames;
  }

  /** What is held of an unfinished frame (the hold or the stream ended); undefined when nothing. */
  takePartial(): Uint8Array | undefined {
    return this.partialBytes > 0 ? this.takeWith() : undefined;
  }

  private takeWith(tail?: Uint8Array): Uint8Array {
    const whole = tail ? concatBytes(...this.partial, tail) : concatBytes(...this.partial);
    this.partial = [];
    this.partialBytes = 0;
    return whole;
  }
}

/** Framing for a pipe: none for raw chunks (each read is a message). */
export function heldFramesFor(spec: FramingSpec | undefined): HeldFrames | undefined {
  return spec && !sameFraming(spec, RAW_FRAMING) ? new HeldFrames(spec) : undefined;
}

/**
 * Tells each conversation when its framing changes (framing.set on it, or on its proxy, which
 * its conversations inherit): `onFraming` gets the conversation's id and its framing.
 */
export function followConversationFraming(engine: Engine, onFraming: (id: string, framing: FramingSpec) => void): () => void {
  const known = new Map<string, FramingSpec>();
  return engine.subscribe(
    (event) => {
      if (event.type === 'socket.removed') known.delete(event.id);
      if (event.type !== 'socket.upsert' || event.socket.kind !== 'proxy-conversation') return;
      const framing = event.socket.framing ?? RAW_FRAMING;
      const before = known.get(event.socket.id) ?? RAW_FRAMING;
      if (sameFraming(before, framing)) return;
      known.set(event.socket.id, framing);
      onFraming(event.socket.id, framing);
    },
    SOCKETS_ONLY,
    ['proxy-conversation'],
  );
}
