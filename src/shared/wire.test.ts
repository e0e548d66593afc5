import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from './wire';

describe('wire encoding', () => {
  it('round-trips bytes nested anywhere in a message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string(), (bytes, text) => {
        const decoded = decodeWire(encodeWire({ a: { data: bytes, text }, list: [bytes] })) as {
          a: { data: Uint8Array; text: string };
          list: Uint8Array[];
        };
        expect(decoded.a.data).toBeInstanceOf(Uint8Array);
        expect([...decoded.a.data]).toEqual([...bytes]);
        expect([...decoded.list[0]]).toEqual([...bytes]);
        expect(decoded.a.text).toBe(text);
      }),
    );
  });

  it('matches Node’s base64 and rejects what is not base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
    expect(base64ToBytes('a$==')).toBeUndefined();
    expect(base64ToBytes('abcde')).toBeUndefined();
  });

  it('encodes whatever a message holds exactly as the tagging replacer does, with or without bytes', () => {
    const tagging = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { $bytes: bytesToBase64(v) } : v));
    const withBytes = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 3 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(withBytes, (value) => {
        expect(encodeWire(value)).toBe(tagging(value));
      }),
    );
    // Transformed before any replacer sees them: they keep their own form.
    let deep: unknown = new Uint8Array([7]);
    for (let i = 0; i < 20; i++) deep = [deep];
    const odd = { when: new Date(0), buffer: Buffer.from([1, 2]), deep };
    expect(encodeWire(odd)).toBe(tagging(odd));
  });

  it('encodes a batch of socket and log-head events as plain JSON, and the bytes of other events beside them', () => {
    const head = { id: 'a', firstSeq: 0, nextSeq: 2, dropped: 0, bytes: 4 };
    const plain = {
      type: 'events',
      batch: {
        rev: 1,
        events: [
          { type: 'socket.removed', id: 'b' },
          { type: 'log.head', head },
        ],
      },
    };
    expect(encodeWire(plain)).toBe(JSON.stringify(plain));
    const withBytes = {
      type: 'events',
      batch: {
        rev: 2,
        events: [
          { type: 'log.head', head },
          { type: 'other', data: new Uint8Array([1, 2]) },
        ],
      },
    };
    expect(encodeWire(withBytes)).toContain('{"type":"other","data":{"$bytes":"AQI="}}');
  });

  it('reads bytes written by hand, leaves every other value as JSON reads it, and never sets a prototype', () => {
    const decoded = decodeWire('{ "a": [ { "$bytes" : "aGk=" } ], "b": { "$bytes": "aGk=", "more": 1 }, "c": "$bytes" }') as {
      a: unknown[];
      b: unknown;
      c: unknown;
    };
    expect(decoded.a[0]).toEqual(new Uint8Array([0x68, 0x69]));
    expect(decoded).toMatchObject({ b: { $bytes: 'aGk=', more: 1 }, c: '$bytes' });
    const listing = '{"rows":[{"port":1,"nested":{"list":[1,2,{"x":null}]}}]}';
    expect(decodeWire(listing)).toEqual(JSON.parse(listing));
    const hostile = decodeWire('{"__proto__":{"$bytes":"aGk="},"x":{"$bytes":"aGk="}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(hostile.x).toBeInstanceOf(Uint8Array);
  });

  it('hands small payloads out as views of one buffer per message, a large one as a buffer of its own', () => {
    const small = [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array([4, 5, 6]), new Uint8Array(0)];
    const large = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    const decoded = decodeWire(encodeWire({ entries: small.map((bytes) => ({ bytes })), large })) as {
      entries: { bytes: Uint8Array }[];
      large: Uint8Array;
    };
    expect(decoded.entries.map((entry) => [...entry.bytes])).toEqual(small.map((bytes) => [...bytes]));
    expect(new Set(decoded.entries.map((entry) => entry.bytes.buffer)).size).toBe(1);
    expect([...decoded.large]).toEqual([...large]);
    expect(decoded.large.buffer).not.toBe(decoded.entries[0].bytes.buffer);
    expect(decoded.large.byteLength).toBe(decoded.large.buffer.byteLength);
    // Base64 that is not plain (whitespace in it) or not base64 at all reads as the general decoder reads it.
    const odd = decodeWire('{"spaced":{"$bytes":"aG k="},"bad":{"$bytes":"a$=="},"short":{"$bytes":"aGk"}}') as Record<string, unknown>;
    expect(odd.spaced).toEqual(new Uint8Array([0x68, 0x69]));
    expect(odd.bad).toBeUndefined();
    expect(odd.short).toEqual(base64ToBytes('aGk'));
  });

  it('throws a SyntaxError on malformed JSON', () => {
    expect(() => decodeWire('{nope')).toThrow(SyntaxError);
  });
});
