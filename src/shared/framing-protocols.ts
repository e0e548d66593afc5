/**
 * Framing by protocol: a frame is one whole HTTP/1.x message or one whole RESP value, however
 * many reads it came in. Each splitter follows the protocol's own length rules byte by byte
 * (headers, Content-Length, chunks; RESP lengths and element counts), keeping only a line at a time.
 *
 * Why a splitter and a decoder (decoders/http.ts, resp.ts) per protocol: the splitter runs on
 * every byte received, incrementally across reads, and keeps only where a message ends (a 1 GiB
 * body is counted, never held); the decoder runs on the bytes someone looks at, all at once, and
 * builds what they mean (headers, the de-chunked body, the RESP tree), including for a raw chunk
 * that holds several pipelined messages or half of one, where no splitter has run. So neither can
 * be the other; where they read the same thing, the splitter uses the decoder's rules: the HTTP
 * head and the body length it announces (parseHead, bodyRule), chunk sizes, RESP lengths and depth.
 */
import { concatBytes } from './codec';
import { bodyRule, chunkSize, type HttpHeader, type HttpMessage, parseHead } from './decoders/http';
import { MAX_RESP_DEPTH, respLength } from './decoders/resp';
import { lineText } from './decoders/result';
import type { Splitter } from './framing';

/** A head or a protocol line longer than this is not the protocol: the frame ends there, marked. */
const MAX_LINE_BYTES = 64 * 1024;
const LF = 0x0a;

/**
 * A copy of bytes[from, to). Framers keep pieces across reads, and a caller may hand them a Buffer
 * over memory it reuses (the engine's read buffer), whose own `slice` is a view, not a copy.
 */
function copyOf(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, from, to);
}

/**
 * Reads one line at a time across reads. A line within one read is handed out as a view of it
 * (no copy: most lines are); one split across reads is put together. Past `limit`, a line is
 * only counted, not kept: the frame is ended as too long anyway.
 */
function lineReader(limit: number) {
  let parts: Uint8Array[] = [];
  let length = 0;
  return {
    /** Reads up to and including the next LF: [the index after what was read, the line if it ended]. */
    take(bytes: Uint8Array, from: number): [number, Uint8Array | undefined] {
      const lf = bytes.indexOf(LF, from);
      const end = lf < 0 ? bytes.length : lf + 1;
      if (lf >= 0 && parts.length === 0) return [end, bytes.subarray(from, end)];
      if (length <= limit) parts.push(copyOf(bytes, from, Math.min(end, from + limit + 1 - length)));
      length += end - from;
      if (lf < 0) return [end, undefined];
      const line = parts.length === 1 ? parts[0] : concatBytes(...parts);
      parts = [];
      length = 0;
      return [end, line];
    },
    /** Whether the line being read, or the one just read, is longer than the limit. */
    tooLong(line: Uint8Array | undefined): boolean {
      return length > limit || (line !== undefined && line.length > limit);
    },
    reset(): void {
      parts = [];
      length = 0;
    },
  };
}

type HttpPhase = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close';

/** A 101 response, or a request that opens a WebSocket: what follows its head is not HTTP. */
function switchesProtocol({ type, status, headers }: { type: HttpMessage['type']; status?: number; headers: HttpHeader[] }): boolean {
  if (type === 'response') return status === 101;
  return headers.some((h) => h.name.toLowerCase() === 'upgrade' && /(^|[\s,])websocket($|[\s,])/i.test(h.value));
}

/** One HTTP/1.x request or response a frame: head, then the body its headers announce. */
export function httpSplitter(): Splitter {
  const lines = lineReader(MAX_LINE_BYTES);
  let phase: HttpPhase = 'head';
  /** The head so far, as read: parsed once its empty line has come. */
  let head: Uint8Array[] = [];
  let headLength = 0;
  let remaining = 0;
  let problem: string | undefined;
  /**
   * The connection stopped speaking HTTP (a 101 Switching Protocols, or a WebSocket handshake
   * request, whose client sends frames only once it is accepted): from here each read is a frame
   * of its own, as raw chunks are. Read as HTTP, a WebSocket's frames made one frame "waiting for
   * the rest of the message" for as long as the connection lasted. Kept across reset(), which only
   * forgets the message being read.
   */
  let switched = false;

  /** The head has ended (its empty line came): decides how the body is read. False: it is not HTTP. */
  const startBody = (): boolean => {
    const parsed = parseHead(concatBytes(...head));
    if ('failure' in parsed) {
      problem = parsed.failure;
      return false;
    }
    if (switchesProtocol(parsed)) {
      switched = true;
      return false;
    }
    const rule = bodyRule(parsed.type, parsed.status, parsed.headers);
    if (rule.kind === 'invalid') problem = rule.reason;
    if (rule.kind === 'length' && rule.length > 0) {
      phase = 'body';
      remaining = rule.length;
    } else if (rule.kind === 'chunked') phase = 'chunk-size';
    else if (rule.kind === 'until-close') phase = 'until-close';
    else return false;
    return true;
  };

  return {
    scan(bytes, from) {
      if (switched) return bytes.length;
      let i = from;
      while (i < bytes.length) {
        if (phase === 'until-close') return -1;
        if (phase === 'body' || phase === 'chunk-data') {
          const take = Math.min(remaining, bytes.length - i);
          i += take;
          remaining -= take;
          if (remaining > 0) return -1;
          if (phase === 'body') return i;
          phase = 'chunk-end';
          continue;
        }
        const [next, line] = lines.take(bytes, i);
        if (phase === 'head') {
          if (headLength <= MAX_LINE_BYTES) head.push(copyOf(bytes, i, next));
          headLength += next - i;
        }
        i = next;
        if (lines.tooLong(line) || headLength > MAX_LINE_BYTES) {
          problem = 'Not HTTP: a header line or the head is longer than 64 KiB';
          return i;
        }
        if (!line) return -1;
        const text = lineText(line);
        switch (phase) {
          case 'head':
            // Empty lines before a start line are skipped, as servers do (RFC 9112 §2.2).
            if (text === '' && headLength === line.length) {
              head = [];
              headLength = 0;
              continue;
            }
            if (text === '' && !startBody()) return i;
            break;
          case 'chunk-size': {
            const size = chunkSize(text);
            if (size === undefined) {
              problem = `"${text.slice(0, 40)}" is not a chunk size`;
              return i;
            }
            remaining = size;
            phase = remaining === 0 ? 'trailer' : 'chunk-data';
            break;
          }
          case 'chunk-end':
            phase = 'chunk-size';
            break;
          case 'trailer':
            if (text === '') return i;
            break;
        }
      }
      return -1;
    },
    finished: () => ({ head: 0, tail: 0, ...(problem === undefined ? {} : { problem }) }),
    expected: () => undefined,
    endOfStream: () => phase === 'until-close',
    reset: () => {
      lines.reset();
      phase = 'head';
      head = [];
      headLength = 0;
      remaining = 0;
      problem = undefined;
    },
  };
}

/** One RESP value a frame (an array with everything in it), or one inline command line. */
export function respSplitter(): Splitter {
  const lines = lineReader(MAX_LINE_BYTES);
  /** Bulk bytes plus their CR LF still to come; -1 while a line is being read. */
  let blob = -1;
  /** Elements still to come in each open aggregate, innermost last. */
  let open: number[] = [];
  let problem: string | undefined;

  /** A value ended: counts it in its aggregate; true when the outermost value is whole. */
  const valueDone = (): boolean => {
    while (open.length > 0) {
      open[open.length - 1]--;
      if (open[open.length - 1] > 0) return false;
      open.pop();
    }
    return true;
  };

  /** A header line: true when it ends the frame (the value is whole, or the bytes are not RESP). */
  const header = (line: Uint8Array): boolean => {
    const type = line[0];
    const blobType = type === 0x24 || type === 0x21 || type === 0x3d; // $ ! =
    const aggregateType = type === 0x2a || type === 0x7e || type === 0x3e || type === 0x25 || type === 0x7c; // * ~ > % |
    // Simple types, and (outside an aggregate) an inline command: the line is the whole value.
    if (!blobType && !aggregateType) return valueDone();
    // Only a length's digits are read as text: a simple value's line is passed over as it is.
    const text = lineText(line).slice(1);
    const length = respLength(text);
    if (length === undefined) return invalid(`"${text.slice(0, 40)}" is not a length`);
    if (blobType) {
      if (length < 0) return valueDone();
      blob = length + 2;
      return false;
    }
    // A map has a key and a value per entry; an attribute also the reply it comes before.
    const elements = type === 0x25 ? 2 * length : type === 0x7c ? 2 * length + 1 : length;
    if (elements <= 0) return valueDone();
    if (open.length >= MAX_RESP_DEPTH) return invalid(`values are nested deeper than ${MAX_RESP_DEPTH} levels`);
    open.push(elements);
    return false;
  };

  const invalid = (reason: string): true => {
    problem = `Not RESP: ${reason}`;
    return true;
  };

  return {
    scan(bytes, from) {
      let i = from;
      while (i < bytes.length) {
        if (blob >= 0) {
          const take = Math.min(blob, bytes.length - i);
          i += take;
          blob -= take;
          if (blob > 0) return -1;
          blob = -1;
          if (valueDone()) return i;
          continue;
        }
        const [next, line] = lines.take(bytes, i);
        i = next;
        if (lines.tooLong(line)) {
          invalid('a line is longer than 64 KiB');
          return i;
        }
        if (!line) return -1;
        if (header(line)) return i;
      }
      return -1;
    },
    finished: () => ({ head: 0, tail: 0, ...(problem === undefined ? {} : { problem }) }),
    expected: () => undefined,
    reset: () => {
      lines.reset();
      blob = -1;
      open = [];
      problem = undefined;
    },
  };
}
