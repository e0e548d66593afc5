import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, toVisibleText, utf8Encode } from './codec';
import {
  copyAs,
  copyFormats,
  latin1Decode,
  parseBase64,
  parseEscapedText,
  parsePayload,
  payloadFormats,
  toVisibleLatin1,
  visibleText,
} from './payload';
import { bytesToBase64 } from './wire';

function bytesOf(text: string, format: 'text' | 'hex' | 'base64'): number[] {
  const parsed = parsePayload(text, format);
  if (!parsed.ok) throw new Error(parsed.message);
  return [...parsed.bytes];
}

describe('text with escapes', () => {
  it('reads every escape the log shows', () => {
    expect(bytesOf('GET / HTTP/1.1\\r\\n\\r\\n', 'text')).toEqual([...utf8Encode('GET / HTTP/1.1\r\n\r\n')]);
    expect(bytesOf('a\\tb\\0c\\\\d', 'text')).toEqual([0x61, 0x09, 0x62, 0x00, 0x63, 0x5c, 0x64]);
    expect(bytesOf('\\x00\\xff\\xAb', 'text')).toEqual([0x00, 0xff, 0xab]);
    expect(bytesOf('\\u{1F600}\\u{e9}', 'text')).toEqual([...utf8Encode('😀é')]);
    expect(bytesOf('héllo\nworld', 'text')).toEqual([...utf8Encode('héllo\nworld')]);
    expect(bytesOf('', 'text')).toEqual([]);
  });

  it('points at the escape it cannot read, by position', () => {
    expect(parseEscapedText('abc\\qd')).toMatchObject({
      ok: false,
      position: 4,
      message: expect.stringMatching(/^Unknown escape "\\q" at position 4/),
    });
    expect(parseEscapedText('ab\\x4')).toMatchObject({ ok: false, position: 3, message: expect.stringContaining('needs two hex digits') });
    expect(parseEscapedText('\\xzz')).toMatchObject({ ok: false, position: 1 });
    expect(parseEscapedText('x\\u41')).toMatchObject({ ok: false, position: 2, message: expect.stringContaining('code point in braces') });
    expect(parseEscapedText('\\u{110000}')).toMatchObject({ ok: false, position: 1, message: expect.stringContaining('10FFFF') });
    expect(parseEscapedText('\\u{d800}')).toMatchObject({ ok: false, position: 1, message: expect.stringContaining('surrogate') });
    expect(parseEscapedText('end\\')).toMatchObject({ ok: false, position: 4, message: expect.stringContaining('lone') });
    expect(parseEscapedText('\\😀')).toMatchObject({ ok: false, message: expect.stringContaining('"\\😀"') });
  });

  it('reads back exactly the bytes whose escaped text the log shows', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => {
        expect(bytesOf(toVisibleText(bytes), 'text')).toEqual([...bytes]);
        expect(bytesOf(copyAs(bytes, 'escaped'), 'text')).toEqual([...bytes]);
      }),
    );
  });

  it('sends any text without backslashes as its UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (text) => {
        fc.pre(!text.includes('\\'));
        expect(bytesOf(text, 'text')).toEqual([...utf8Encode(text)]);
      }),
    );
  });
});

describe('base64', () => {
  it('accepts padded, unpadded, wrapped and URL-safe base64', () => {
    expect(bytesOf('SGVsbG8=', 'base64')).toEqual([...utf8Encode('Hello')]);
    expect(bytesOf('SGVsbG8', 'base64')).toEqual([...utf8Encode('Hello')]);
    expect(bytesOf('SGVs\n bG8=\n', 'base64')).toEqual([...utf8Encode('Hello')]);
    expect(bytesOf('-_8', 'base64')).toEqual([0xfb, 0xff]);
    expect(bytesOf('', 'base64')).toEqual([]);
  });

  it('points at what is not base64', () => {
    expect(parseBase64('SGVsbG8*')).toMatchObject({ ok: false, position: 8, message: '"*" is not a base64 character (position 8)' });
    expect(parseBase64('SGVsb')).toMatchObject({ ok: false, message: expect.stringContaining('Incomplete') });
    expect(parseBase64('SG==x')).toMatchObject({ ok: false, position: 5, message: expect.stringContaining('after the "=" padding') });
    expect(parseBase64('SGV===')).toMatchObject({ ok: false, position: 6 });
    expect(parseBase64('SGVsbG8==')).toMatchObject({ ok: false, position: 8, message: expect.stringContaining('Wrong padding') });
  });

  it('round-trips any bytes, with and without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = bytesToBase64(bytes);
        expect(bytesOf(encoded, 'base64')).toEqual([...bytes]);
        expect(bytesOf(encoded.replace(/=+$/, ''), 'base64')).toEqual([...bytes]);
        expect(bytesOf(copyAs(bytes, 'base64'), 'base64')).toEqual([...bytes]);
      }),
    );
  });
});

describe('parsePayload', () => {
  it('never throws, and every failure names a position inside the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(...payloadFormats), (text, format) => {
        const parsed = parsePayload(text, format);
        if (!parsed.ok) {
          expect(parsed.position).toBeGreaterThanOrEqual(1);
          expect(parsed.position).toBeLessThanOrEqual(Math.max(1, text.length));
          expect(parsed.message).toMatch(/\S/);
        }
      }),
    );
  });

  it('hex copies parse back as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(bytesOf(copyAs(bytes, 'hex'), 'hex')).toEqual([...bytes]);
      }),
    );
  });
});

describe('Latin-1', () => {
  it('maps byte n to U+00nn, including 0x80-0x9f (where windows-1252 differs)', () => {
    expect(latin1Decode(new Uint8Array([0x41, 0xe9, 0x80, 0xff]))).toBe('A\u00e9\u0080\u00ff');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...latin1Decode(all)].map((c) => c.charCodeAt(0))).toEqual([...all]);
  });

  it('shows C0 and C1 controls as escapes and the rest as characters', () => {
    expect(toVisibleLatin1(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x85, 0x5c, 0x7f]))).toBe('café\\r\\n\\x85\\\\\\x7f');
    expect(toVisibleLatin1(new Uint8Array([0x61, 0x0a, 0x62]), { lineBreaks: true })).toBe('a\\n\nb');
    expect(visibleText(new Uint8Array([0xc3, 0xa9]), 'utf-8')).toBe('é');
    expect(visibleText(new Uint8Array([0xc3, 0xa9]), 'latin1')).toBe('Ã©');
  });

  it('never shows a raw control character', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const codes = [...toVisibleLatin1(bytes)].map((c) => c.charCodeAt(0));
        expect(codes.every((c) => c >= 0x20 && !(c >= 0x7f && c < 0xa0))).toBe(true);
      }),
    );
  });
});

describe('copyAs', () => {
  const hello = utf8Encode('Hello');

  it('writes C and JS arrays twelve bytes a line', () => {
    expect(copyAs(hello, 'c-array')).toBe('unsigned char data[5] = {\n  0x48, 0x65, 0x6c, 0x6c, 0x6f\n};');
    expect(copyAs(hello, 'js-array')).toBe('new Uint8Array([\n  0x48, 0x65, 0x6c, 0x6c, 0x6f\n])');
    const thirteen = copyAs(new Uint8Array(13), 'js-array').split('\n');
    expect(thirteen).toHaveLength(4);
    expect(thirteen[2]).toBe('  0x00');
  });

  it('copies text in the chosen encoding, control bytes as they are', () => {
    expect(copyAs(utf8Encode('a\r\nb'), 'text')).toBe('a\r\nb');
    expect(copyAs(new Uint8Array([0xe9]), 'text', 'latin1')).toBe('é');
    expect(copyAs(hello, 'hex')).toBe(toHex(hello));
  });

  it('the JS array evaluates back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const body = copyAs(bytes, 'js-array').replace(/^new Uint8Array\(|\)$/g, '');
        expect(JSON.parse(body.replace(/0x([0-9a-f]{2})/g, (_m, h: string) => String(Number.parseInt(h, 16))))).toEqual([...bytes]);
      }),
    );
  });

  it('has a label for every format', () => {
    expect(copyFormats.map((f) => f.format)).toEqual(['text', 'escaped', 'hex', 'base64', 'c-array', 'js-array']);
  });
});
