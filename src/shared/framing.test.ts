import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHttp } from './decoders/http';
import { decodeResp } from './decoders/resp';
import { encodeResp, respValue } from './decoders/test-support';
import { type Chunk, collectFrame, describeFraming, type FrameBounds, Framer, FramingSpec } from './framing';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Feeds `pieces` as consecutive chunks (seq 0, 1, …) and returns each frame's bytes plus the pending ones. */
function frame(spec: FramingSpec, pieces: Uint8Array[]): { frames: Uint8Array[]; bounds: FrameBounds[]; pending?: Uint8Array } {
  const framer = new Framer(spec);
  const chunks: Chunk[] = pieces.map((bytes, seq) => ({ seq, time: 1000 + seq, bytes }));
  const bounds = chunks.flatMap((chunk) => framer.push(chunk));
  const chunkAt = (seq: number): Uint8Array | undefined => chunks[seq]?.bytes;
  const pendingBounds = framer.pending();
  return {
    bounds,
    frames: bounds.map((b) => collectFrame(b, chunkAt)),
    ...(pendingBounds ? { pending: collectFrame(pendingBounds, chunkAt) } : {}),
  };
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) pieces.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return pieces;
}

const anySpec = fc.oneof(
  fc.constant<FramingSpec>({ mode: 'raw' }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }).map<FramingSpec>((delimiter) => ({ mode: 'delimiter', delimiter })),
  fc.record({
    mode: fc.constant('length' as const),
    headerBytes: fc.constantFrom(1 as const, 2 as const, 4 as const),
    endian: fc.constantFrom('big' as const, 'little' as const),
    includesHeader: fc.boolean(),
  }),
  fc.integer({ min: 1, max: 9 }).map<FramingSpec>((size) => ({ mode: 'fixed', size })),
  fc.constantFrom<FramingSpec>({ mode: 'message', protocol: 'http' }, { mode: 'message', protocol: 'resp' }),
);
// Small byte values make delimiters and short length headers common in random streams.
const stream = fc.uint8Array({ maxLength: 300, max: 5 });

describe('Framer', () => {
  it('cuts lines at LF, keeping the delimiter, and holds an unfinished line as pending', () => {
    const { frames, pending } = frame({ mode: 'delimiter', delimiter: [0x0a] }, [text('one\ntw'), text('o\nthr'), text('ee')]);
    expect(frames.map(str)).toEqual(['one\n', 'two\n']);
    expect(str(pending ?? new Uint8Array())).toBe('three');
  });

  it('finds a CRLF split across two reads, and records which chunks a frame spans', () => {
    const { frames, bounds } = frame({ mode: 'delimiter', delimiter: [0x0d, 0x0a] }, [text('GET / HTTP/1.1\r'), text('\nHost: x\r\n')]);
    expect(frames.map(str)).toEqual(['GET / HTTP/1.1\r\n', 'Host: x\r\n']);
    expect(bounds[0]).toMatchObject({ firstSeq: 0, lastSeq: 1, chunks: 2, time: 1000, tail: 2, head: 0 });
    expect(bounds[1]).toMatchObject({ firstSeq: 1, startOffset: 1, chunks: 1, time: 1001 });
  });

  it('matches a delimiter whose prefix repeats (KMP fallback)', () => {
    const { frames } = frame({ mode: 'delimiter', delimiter: [1, 1, 2] }, [Uint8Array.of(9, 1, 1), Uint8Array.of(1, 2, 7)]);
    expect(frames.map((f) => [...f])).toEqual([[9, 1, 1, 1, 2]]);
  });

  it('reads big- and little-endian length headers, split across reads, with or without the header counted', () => {
    const be = frame({ mode: 'length', headerBytes: 2, endian: 'big', includesHeader: false }, [
      Uint8Array.of(0),
      Uint8Array.of(3, 0x61, 0x62),
      Uint8Array.of(0x63, 0, 1, 0x64),
    ]);
    expect(be.frames.map((f) => [...f])).toEqual([
      [0, 3, 0x61, 0x62, 0x63],
      [0, 1, 0x64],
    ]);
    expect(be.bounds[0]).toMatchObject({ head: 2, tail: 0, chunks: 3 });

    const le = frame({ mode: 'length', headerBytes: 4, endian: 'little', includesHeader: true }, [Uint8Array.of(6, 0, 0, 0, 0x61, 0x62, 5, 0)]);
    expect(le.frames.map((f) => [...f])).toEqual([[6, 0, 0, 0, 0x61, 0x62]]);
    expect([...(le.pending ?? [])]).toEqual([5, 0]);
  });

  it('reads an 8-byte length header', () => {
    const header = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2);
    const { frames } = frame({ mode: 'length', headerBytes: 8, endian: 'big', includesHeader: false }, [header, Uint8Array.of(7, 8)]);
    expect(frames.map((f) => [...f])).toEqual([[...header, 7, 8]]);
  });

  it('says how long a pending length-prefixed frame will be', () => {
    const framer = new Framer({ mode: 'length', headerBytes: 1, endian: 'big', includesHeader: false });
    framer.push({ seq: 0, time: 0, bytes: Uint8Array.of(10, 1, 2) });
    expect(framer.pending()).toMatchObject({ length: 3, expected: 11 });
  });

  it('turns a length smaller than the header it counts into a marked header-only frame, and goes on', () => {
    const { frames, bounds } = frame({ mode: 'length', headerBytes: 2, endian: 'big', includesHeader: true }, [Uint8Array.of(0, 1, 0, 3, 9)]);
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1],
      [0, 3, 9],
    ]);
    expect(bounds[0].problem).toBe('The header says 1 bytes, fewer than the 2-byte header it counts');
    expect(bounds[1].problem).toBeUndefined();
  });

  it('cuts fixed-size frames', () => {
    const { frames, pending } = frame({ mode: 'fixed', size: 3 }, [text('abcd'), text('efg')]);
    expect(frames.map(str)).toEqual(['abc', 'def']);
    expect(str(pending ?? new Uint8Array())).toBe('g');
  });

  it('keeps each read as its own frame in raw mode', () => {
    const { frames, pending } = frame({ mode: 'raw' }, [text('ab'), text('c')]);
    expect(frames.map(str)).toEqual(['ab', 'c']);
    expect(pending).toBeUndefined();
  });

  it('closes what is pending at a datagram boundary, marked', () => {
    const framer = new Framer({ mode: 'delimiter', delimiter: [0x0a] });
    expect(framer.push({ seq: 0, time: 0, bytes: text('a\nb') })).toHaveLength(1);
    expect(framer.endOfMessage()).toMatchObject({ length: 1, problem: 'The datagram ended before the frame did' });
    expect(framer.pending()).toBeUndefined();
    expect(framer.endOfMessage()).toBeUndefined();
  });

  it('loses no byte and frames the same way however the stream is cut into reads', () => {
    fc.assert(
      fc.property(anySpec, stream, fc.array(fc.nat(), { maxLength: 12 }), (spec, bytes, cuts) => {
        const whole = frame(spec, bytes.length > 0 ? [bytes] : []);
        const pieces = frame(spec, split(bytes, cuts));
        const joined = [...pieces.frames, ...(pieces.pending ? [pieces.pending] : [])].flatMap((f) => [...f]);
        expect(joined).toEqual([...bytes]);
        if (spec.mode !== 'raw') {
          expect(pieces.frames.map((f) => [...f])).toEqual(whole.frames.map((f) => [...f]));
          expect([...(pieces.pending ?? [])]).toEqual([...(whole.pending ?? [])]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ends every delimited frame at the first occurrence of its delimiter', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), stream, (delimiter, bytes) => {
        for (const f of frame({ mode: 'delimiter', delimiter }, [bytes]).frames) {
          const body = [...f];
          expect(body.slice(-delimiter.length)).toEqual(delimiter);
          const firstAt = body.findIndex((_, i) => delimiter.every((d, k) => body[i + k] === d));
          expect(firstAt).toBe(body.length - delimiter.length);
        }
      }),
    );
  });
});

describe('Framer by protocol', () => {
  const HTTP: FramingSpec = { mode: 'message', protocol: 'http' };
  const RESP: FramingSpec = { mode: 'message', protocol: 'resp' };

  it('frames whole HTTP messages: a request, a response whose body came in another read, a chunked one', () => {
    const { frames, bounds, pending } = frame(HTTP, [
      text('\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n'),
      text('hel'),
      text('loHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi'),
      text('ki\r\n0\r\n\r'),
      text('\nHTTP/1.1 200'),
    ]);
    expect(frames.map(str)).toEqual([
      '\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
      'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n',
    ]);
    expect(bounds.map((b) => b.chunks)).toEqual([1, 3, 3]);
    expect(bounds.every((b) => b.problem === undefined)).toBe(true);
    expect(str(pending ?? new Uint8Array())).toBe('HTTP/1.1 200');
  });

  it('completes a response that runs until the connection closes when the stream ends', () => {
    const framer = new Framer(HTTP);
    expect(framer.push({ seq: 0, time: 0, bytes: text('HTTP/1.0 200 OK\r\n\r\n<html>') })).toEqual([]);
    const ended = framer.endOfStream();
    expect(ended).toMatchObject({ length: 25 });
    expect(ended).not.toHaveProperty('problem');
    // A frame the end of the stream does not complete stays pending.
    const lines = new Framer({ mode: 'delimiter', delimiter: [10] });
    lines.push({ seq: 0, time: 0, bytes: text('no end') });
    expect(lines.endOfStream()).toBeUndefined();
    expect(lines.pending()).toMatchObject({ length: 6 });
  });

  it('ends a frame that is not HTTP at its first blank line, marked', () => {
    const { bounds } = frame(HTTP, [text('hello there\n\nGET / HTTP/1.1\n\n')]);
    expect(bounds.map((b) => b.problem)).toEqual(['Not HTTP: "hello there" is neither a request line nor a status line', undefined]);
  });

  it('frames each read on its own after a WebSocket handshake (101 response, Upgrade request), not as one HTTP message that never ends', () => {
    /** Bytes as written, one a character (WebSocket frame headers are binary). */
    const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
    const asLatin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
    const accepted = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    // The first frame in the read that ends the head; one whose length byte is LF (10); one with no LF.
    const server = frame(HTTP, [latin1(`${accepted}\x81\x07welcome`), latin1('\x81\x0aecho:hello'), latin1('\x82\x02\x00\xff')]);
    expect(server.frames.map(asLatin1)).toEqual([accepted, '\x81\x07welcome', '\x81\x0aecho:hello', '\x82\x02\x00\xff']);
    expect(server.pending).toBeUndefined();
    expect(server.bounds.every((b) => b.problem === undefined)).toBe(true);
    const handshake = 'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n';
    const client = frame(HTTP, [latin1(handshake), latin1('\x81\x85\0\0\0\0hello'), latin1('\x81\x82\0\0\0\0hi')]);
    expect(client.frames.map(asLatin1)).toEqual([handshake, '\x81\x85\0\0\0\0hello', '\x81\x82\0\0\0\0hi']);
    expect(client.pending).toBeUndefined();
    // Other Upgrade offers (h2c) may be refused and HTTP/1.1 go on: still framed as HTTP.
    const h2c = frame(HTTP, [text('GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\nGET /b HTTP/1.1\r\n\r\n')]);
    expect(h2c.frames.map(str)).toEqual(['GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n', 'GET /b HTTP/1.1\r\n\r\n']);
  });

  it('frames one RESP value each, however the reads cut them, and inline commands by line', () => {
    const { frames } = frame(RESP, [text('+OK\r\n$5\r\nhel'), text('lo\r\n*2\r\n*1\r\n:1\r\n$-1'), text('\r\nPING\r\n%1\r\n+k\r\n+v\r\n')]);
    expect(frames.map(str)).toEqual(['+OK\r\n', '$5\r\nhello\r\n', '*2\r\n*1\r\n:1\r\n$-1\r\n', 'PING\r\n', '%1\r\n+k\r\n+v\r\n']);
  });

  it('frames any sequence of RESP values as those values, one a frame', () => {
    fc.assert(
      fc.property(fc.array(respValue, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), (values, cuts) => {
        const encoded = values.map(encodeResp);
        const { frames, pending } = frame(RESP, split(text(encoded.join('')), cuts));
        expect(frames.map(str)).toEqual(encoded);
        expect(pending).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('cuts frames the decoders read as exactly one whole message each (splitter and decoder share the rules)', () => {
    const http = frame(
      HTTP,
      split(
        text(
          'GET / HTTP/1.1\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;x=1\r\nabc\r\n0\r\nT: 1\r\n\r\n',
        ),
        [5, 40, 77],
      ),
    );
    expect(http.frames.map((bytes) => decodeHttp(bytes))).toEqual([
      expect.objectContaining({ messages: [expect.objectContaining({ startLine: 'GET / HTTP/1.1', bodyFraming: 'none' })] }),
      expect.objectContaining({ messages: [expect.objectContaining({ body: text('abc'), bodyFraming: 'Content-Length 3' })] }),
      expect.objectContaining({ messages: [expect.objectContaining({ body: text('abc'), bodyFraming: 'chunked, 1 chunk' })] }),
    ]);
    expect(http.frames.map((bytes) => decodeHttp(bytes))).toEqual(
      http.frames.map(() => expect.not.objectContaining({ trailing: expect.anything() })),
    );
    fc.assert(
      fc.property(fc.array(respValue, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), (values, cuts) => {
        const { frames } = frame(RESP, split(text(values.map(encodeResp).join('')), cuts));
        expect(frames.map((bytes) => decodeResp(bytes))).toEqual(values.map((value) => ({ kind: 'resp', values: [value] })));
      }),
      { numRuns: 200 },
    );
  });

  it('marks a RESP length that is not a number', () => {
    expect(frame(RESP, [text('$x\r\n')]).bounds[0].problem).toBe('Not RESP: "x" is not a length');
  });
});

describe('FramingSpec', () => {
  it('explains what is wrong with a framing', () => {
    const issues = (value: unknown): string[] => FramingSpec.safeParse(value).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ mode: 'delimiter', delimiter: [] })).toEqual(['A delimiter needs at least one byte']);
    expect(issues({ mode: 'fixed', size: 0 })).toEqual(['Frame size must be at least 1 byte']);
    expect(issues({ mode: 'length', headerBytes: 3, endian: 'big', includesHeader: false })).toEqual(['The length header is 1, 2, 4 or 8 bytes']);
  });

  it('describes a framing in a few words', () => {
    expect(describeFraming({ mode: 'delimiter', delimiter: [13, 10] })).toBe('Delimiter CRLF');
    expect(describeFraming({ mode: 'delimiter', delimiter: [0x7e, 0x7e] })).toBe('Delimiter 7e 7e');
    expect(describeFraming({ mode: 'length', headerBytes: 2, endian: 'big', includesHeader: true })).toBe('Length 16-bit BE, incl. header');
    expect(describeFraming({ mode: 'fixed', size: 16 })).toBe('Fixed 16 B');
  });
});
