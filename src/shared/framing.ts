/**
 * Framing: how a stream of chunks (what each read returned) is cut into the messages a protocol
 * means. The log keeps the chunks as they arrived; framing is a view over them, computed
 * incrementally, one Framer per direction. Pure: no Node or DOM APIs, so every front end shares it.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { httpSplitter, respSplitter } from './framing-protocols';
import { MAX_DELIMITER_BYTES, MAX_FIXED_FRAME_BYTES } from './framing-names';

export * from './framing-names';

const Byte = schemaOnUse(() => z.number().int().min(0).max(255));

export const FramingSpec = schemaOnUse(() =>
  z.discriminatedUnion('mode', [
    /** Each chunk as it arrived: one read, one datagram, one write. */
    z.object({ mode: z.literal('raw') }),
    /** Frames end with these bytes (kept in the frame): LF, CRLF, NUL or any other sequence. */
    z.object({
      mode: z.literal('delimiter'),
      delimiter: z
        .array(Byte)
        .min(1, 'A delimiter needs at least one byte')
        .max(MAX_DELIMITER_BYTES, `A delimiter is at most ${MAX_DELIMITER_BYTES} bytes`),
    }),
    /** A length header, then that many bytes (or that many minus the header, when it counts itself). */
    z.object({
      mode: z.literal('length'),
      headerBytes: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)], {
        error: 'The length header is 1, 2, 4 or 8 bytes',
      }),
      endian: z.enum(['big', 'little']),
      /** The length counts the header's own bytes too. */
      includesHeader: z.boolean(),
    }),
    /** Whole protocol messages: an HTTP/1.x request or response, a RESP value. */
    z.object({ mode: z.literal('message'), protocol: z.enum(['http', 'resp']) }),
    z.object({
      mode: z.literal('fixed'),
      size: z
        .number({ error: 'Frame size must be a number' })
        .int('Frame size must be a whole number')
        .min(1, 'Frame size must be at least 1 byte')
        .max(MAX_FIXED_FRAME_BYTES, `Frame size is at most ${MAX_FIXED_FRAME_BYTES} bytes`),
    }),
  ]),
);
export type FramingSpec = z.infer<typeof FramingSpec>;

/** Which decoder the Decoded view uses: Auto picks per frame from what the bytes look like. */
export const DecoderChoice = schemaOnUse(() => z.enum(['auto', 'json', 'http', 'resp']));
export type DecoderChoice = z.infer<typeof DecoderChoice>;

// ---------------------------------------------------------------------------
// The incremental framer
// ---------------------------------------------------------------------------

export interface Chunk {
  seq: number;
  time: number;
  bytes: Uint8Array;
}

/**
 * Where one frame lies in the chunk stream: from `startOffset` in chunk `firstSeq` to just before
 * `endOffset` in chunk `lastSeq` (chunks of the other direction in between do not count). Bounds,
 * not bytes: the log already holds the bytes, and a frame is read from it when someone looks.
 */
export interface FrameBounds {
  firstSeq: number;
  startOffset: number;
  /** When the frame's first byte arrived. */
  time: number;
  lastSeq: number;
  endOffset: number;
  length: number;
  chunks: number;
  /** Framing bytes at the start (a length header) and at the end (a delimiter). */
  head: number;
  tail: number;
  problem?: string;
  /** A pending frame: how long the whole frame will be, when the framing says. */
  expected?: number;
}

/** One framing's rules: finds where the frame that is being read ends. */
export interface Splitter {
  /** Reads bytes[from…]; the index just past the frame's end if it ends in here, else -1. */
  scan(bytes: Uint8Array, from: number): number;
  /** Framing bytes of the frame that just ended, and what was wrong with it, if anything. */
  finished(): { head: number; tail: number; problem?: string };
  expected(): number | undefined;
  /** The stream ended: whether that completes the frame being read (an HTTP body read until close). */
  endOfStream?(): boolean;
  /** Forgets the frame being read (after it ended, or at a datagram's end). */
  reset(): void;
}

function rawSplitter(): Splitter {
  return {
    scan: (bytes) => bytes.length,
    finished: () => ({ head: 0, tail: 0 }),
    expected: () => undefined,
    reset: () => undefined,
  };
}

/** Knuth–Morris–Pratt, so a delimiter split across two reads (CR | LF) is still found. */
function delimiterSplitter(delimiter: readonly number[]): Splitter {
  const fallback = new Array<number>(delimiter.length).fill(0);
  for (let i = 1, k = 0; i < delimiter.length; i++) {
    while (k > 0 && delimiter[i] !== delimiter[k]) k = fallback[k - 1];
    if (delimiter[i] === delimiter[k]) k++;
    fallback[i] = k;
  }
  let matched = 0;
  return {
    scan(bytes, from) {
      let m = matched;
      for (let i = from; i < bytes.length; i++) {
        if (m === 0) {
          // The common case: jump to the next candidate with the native search.
          const next = bytes.indexOf(delimiter[0], i);
          if (next < 0) break;
          i = next;
        }
        const byte = bytes[i];
        while (m > 0 && byte !== delimiter[m]) m = fallback[m - 1];
        if (byte === delimiter[m]) m++;
        if (m === delimiter.length) {
          matched = 0;
          return i + 1;
        }
      }
      matched = m;
      return -1;
    },
    finished: () => ({ head: 0, tail: delimiter.length }),
    expected: () => undefined,
    reset: () => {
      matched = 0;
    },
  };
}

function lengthSplitter(spec: Extract<FramingSpec, { mode: 'length' }>): Splitter {
  const size = spec.headerBytes;
  let header: number[] = [];
  /** Body bytes still to come; undefined while the header is incomplete. */
  let remaining: number | undefined;
  let declaredBody = 0;
  let problem: string | undefined;
  return {
    scan(bytes, from) {
      let i = from;
      if (remaining === undefined) {
        while (header.length < size && i < bytes.length) header.push(bytes[i++]);
        if (header.length < size) return -1;
        const declared = readUnsigned(header, spec.endian);
        declaredBody = spec.includesHeader ? declared - size : declared;
        if (declaredBody < 0) {
          problem = `The header says ${declared} bytes, fewer than the ${size}-byte header it counts`;
          declaredBody = 0;
        }
        remaining = declaredBody;
      }
      const available = bytes.length - i;
      if (available >= remaining) return i + remaining;
      remaining -= available;
      return -1;
    },
    finished: () => ({ head: size, tail: 0, ...(problem === undefined ? {} : { problem }) }),
    expected: () => (remaining === undefined ? undefined : size + declaredBody),
    reset: () => {
      header = [];
      remaining = undefined;
      problem = undefined;
    },
  };
}

function fixedSplitter(size: number): Splitter {
  let remaining = size;
  return {
    scan(bytes, from) {
      const available = bytes.length - from;
      if (available >= remaining) return from + remaining;
      remaining -= available;
      return -1;
    },
    finished: () => ({ head: 0, tail: 0 }),
    expected: () => size,
    reset: () => {
      remaining = size;
    },
  };
}

/** Big- or little-endian unsigned integer; exact up to 2^53, which no real frame reaches. */
function readUnsigned(bytes: readonly number[], endian: 'big' | 'little'): number {
  let value = 0;
  const ordered = endian === 'big' ? bytes : [...bytes].reverse();
  for (const byte of ordered) value = value * 256 + byte;
  return value;
}

function splitterFor(spec: FramingSpec): Splitter {
  switch (spec.mode) {
    case 'raw':
      return rawSplitter();
    case 'delimiter':
      return delimiterSplitter(spec.delimiter);
    case 'length':
      return lengthSplitter(spec);
    case 'fixed':
      return fixedSplitter(spec.size);
    case 'message':
      return spec.protocol === 'http' ? httpSplitter() : respSplitter();
  }
}

/**
 * Cuts one direction's chunks into frames as they come. `push` returns the frames a chunk
 * completed; what is left is the pending frame, still waiting for its end.
 */
export class Framer {
  private readonly splitter: Splitter;
  private current: Omit<FrameBounds, 'head' | 'tail' | 'problem' | 'expected'> | undefined;

  constructor(spec: FramingSpec) {
    this.splitter = splitterFor(spec);
  }

  push(chunk: Chunk): FrameBounds[] {
    const { bytes } = chunk;
    const frames: FrameBounds[] = [];
    let position = 0;
    while (position < bytes.length) {
      const frame = this.touch(chunk, position);
      const end = this.splitter.scan(bytes, position);
      if (end < 0) {
        frame.length += bytes.length - position;
        frame.endOffset = bytes.length;
        break;
      }
      frame.length += end - position;
      frame.endOffset = end;
      frames.push(this.finish(frame));
      this.splitter.reset();
      this.current = undefined;
      position = end;
    }
    return frames;
  }

  /** The frame still waiting for its end, if any bytes of it have arrived. */
  pending(): FrameBounds | undefined {
    if (!this.current) return undefined;
    const expected = this.splitter.expected();
    return { ...this.current, head: 0, tail: 0, ...(expected === undefined ? {} : { expected }) };
  }

  /**
   * A message boundary the framing cannot see past (a UDP datagram ended): what was pending
   * becomes a frame of its own, marked, and the next message starts afresh.
   */
  endOfMessage(): FrameBounds | undefined {
    const pending = this.pending();
    this.splitter.reset();
    this.current = undefined;
    if (!pending) return undefined;
    const { expected: _expected, ...bounds } = pending;
    return { ...bounds, problem: 'The datagram ended before the frame did' };
  }

  /**
   * The stream ended (the peer closed its side): the frame that this completes, if any (an HTTP
   * body that runs until the connection closes). Any other pending frame stays pending.
   */
  endOfStream(): FrameBounds | undefined {
    if (!this.current || !this.splitter.endOfStream?.()) return undefined;
    const frame = this.finish(this.current);
    this.splitter.reset();
    this.current = undefined;
    return frame;
  }

  /** The frame that just ended; written out field by field, as this runs once per frame. */
  private finish(frame: NonNullable<Framer['current']>): FrameBounds {
    const { head, tail, problem } = this.splitter.finished();
    const { firstSeq, startOffset, time, lastSeq, endOffset, length, chunks } = frame;
    const bounds: FrameBounds = { firstSeq, startOffset, time, lastSeq, endOffset, length, chunks, head, tail };
    if (problem !== undefined) bounds.problem = problem;
    return bounds;
  }

  /** The frame being read, started at this chunk if none is; counts the chunk once. */
  private touch(chunk: Chunk, position: number): NonNullable<Framer['current']> {
    if (!this.current) {
      this.current = {
        firstSeq: chunk.seq,
        startOffset: position,
        time: chunk.time,
        lastSeq: chunk.seq,
        endOffset: position,
        length: 0,
        chunks: 1,
      };
    } else if (this.current.lastSeq !== chunk.seq) {
      this.current.lastSeq = chunk.seq;
      this.current.chunks++;
    }
    return this.current;
  }
}

/**
 * A frame's bytes, gathered from its chunks; `chunkAt` gives a chunk of the frame's direction by
 * seq (undefined for the other direction and for events). Stops after `limit` bytes, so a huge
 * pending frame is shown by its start without copying all of it.
 */
export function collectFrame(
  bounds: Pick<FrameBounds, 'firstSeq' | 'startOffset' | 'lastSeq' | 'endOffset' | 'length'>,
  chunkAt: (seq: number) => Uint8Array | undefined,
  limit = Number.POSITIVE_INFINITY,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.min(bounds.length, limit));
  let filled = 0;
  for (let seq = bounds.firstSeq; seq <= bounds.lastSeq && filled < out.length; seq++) {
    const chunk = chunkAt(seq);
    if (!chunk) continue;
    const start = seq === bounds.firstSeq ? bounds.startOffset : 0;
    const end = seq === bounds.lastSeq ? bounds.endOffset : chunk.length;
    const piece = chunk.subarray(start, Math.min(end, start + out.length - filled));
    out.set(piece, filled);
    filled += piece.length;
  }
  return filled === out.length ? out : out.subarray(0, filled);
}
