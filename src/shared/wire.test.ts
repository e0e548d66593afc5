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

  it('throws a SyntaxError on malformed JSON', () => {
    expect(() => decodeWire('{nope')).toThrow(SyntaxError);
  });
});
