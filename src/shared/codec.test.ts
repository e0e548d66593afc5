import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatInteger, hexDump, hexDumpText, parseHex, toHex, toVisibleAscii, toVisibleText, utf8Encode } from './codec';
import { parseEscapedText } from './payload';

describe('parseHex', () => {
  it('accepts the ways people paste hex', () => {
    for (const input of ['de ad be ef', 'DEADBEEF', 'de:ad:be:ef', '0xde 0xad 0xbe 0xef', 'de-ad\nbe,ef']) {
      const result = parseHex(input);
      expect(result.ok && toHex(result.bytes)).toBe('de ad be ef');
    }
    expect(parseHex('')).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });

  it('points at an odd digit and at a non-hex character', () => {
    expect(parseHex('01 02 0')).toMatchObject({ ok: false, position: 7, message: expect.stringMatching(/Odd number of hex digits.*position 7/) });
    expect(parseHex('01 zz')).toMatchObject({ ok: false, position: 4, message: '"z" is not a hex digit (position 4)' });
    expect(parseHex('10x1').ok).toBe(false);
  });

  it('round-trips any bytes through toHex with any separator', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.constantFrom(' ', '', ':', '\n'), (bytes, sep) => {
        const parsed = parseHex(toHex(bytes, sep));
        expect(parsed.ok && [...parsed.bytes]).toEqual([...bytes]);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void parseHex(text)));
  });
});

describe('toVisibleText', () => {
  it('makes control bytes and invalid UTF-8 visible', () => {
    expect(toVisibleText(utf8Encode('GET / HTTP/1.1\r\n'))).toBe('GET / HTTP/1.1\\r\\n');
    expect(toVisibleText(new Uint8Array([0x41, 0x00, 0x1b, 0x7f, 0xff, 0x42]))).toBe('A\\0\\x1b\\x7f\\xffB');
    expect(toVisibleText(utf8Encode('a\\b'))).toBe('a\\\\b');
    expect(toVisibleText(utf8Encode('héllo ✓'))).toBe('héllo ✓');
    expect(toVisibleText(utf8Encode('a\nb'), { lineBreaks: true })).toBe('a\\n\nb');
  });

  it('keeps a literal U+FFFD that was really sent', () => {
    expect(toVisibleText(utf8Encode('\uFFFD'))).toBe('\uFFFD');
  });

  it('never shows a raw control character, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const codes = [...toVisibleText(bytes)].map((c) => c.charCodeAt(0));
        expect(codes.filter((c) => c < 0x20 || c === 0x7f)).toEqual([]);
      }),
    );
  });

  it('shows each invalid byte as its own escape', () => {
    // A truncated sequence is one U+FFFD to the decoder, but two bytes on the wire.
    expect(toVisibleText(new Uint8Array([0xe2, 0x82, 0x41]))).toBe('\\xe2\\x82A');
    expect(toVisibleText(new Uint8Array([0xc0, 0xaf]))).toBe('\\xc0\\xaf');
  });

  it('keeps a combining mark on the character it follows', () => {
    expect(toVisibleText(utf8Encode('e\u0301 a\u0301\u0323'))).toBe('e\u0301 a\u0301\u0323');
    expect(toVisibleText(utf8Encode(' \u07ad'))).toBe(' \u07ad');
  });

  it('escapes a combining mark with no character shown before it, which would draw over whatever is there', () => {
    // 0xde 0xad is U+07AD, a Thaana combining mark.
    expect(toVisibleText(new Uint8Array([0xde, 0xad]))).toBe('\\u{7ad}');
    expect(toVisibleText(utf8Encode('\u0301\u0302x'))).toBe('\\u{301}\\u{302}x');
    // After an escape it would sit on the escape's last letter.
    expect(toVisibleText(utf8Encode('\r\n\u0301'))).toBe('\\r\\n\\u{301}');
    expect(toVisibleText(utf8Encode('a\n\u0301'), { lineBreaks: true })).toBe('a\\n\n\\u{301}');
    expect(toVisibleText(new Uint8Array([0xff, 0xcc, 0x81]))).toBe('\\xff\\u{301}');
    expect(toVisibleText(utf8Encode('\u200d\ufe0f'))).toBe('\\u{200d}\\u{fe0f}');
  });
});

describe('toVisibleAscii', () => {
  it('shows printable ASCII as is, controls by name and every byte from 0x80 as \\xNN', () => {
    expect(toVisibleAscii(new Uint8Array([0x20, 0xde, 0xad]))).toBe(' \\xde\\xad');
    expect(toVisibleAscii(utf8Encode('PING\r\n\0\x1b\x7f a\\b é'))).toBe('PING\\r\\n\\0\\x1b\\x7f a\\\\b \\xc3\\xa9');
    expect(toVisibleAscii(new Uint8Array(0))).toBe('');
  });

  it('shows any bytes as ASCII text that Text mode reads back to exactly those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const shown = toVisibleAscii(bytes);
        expect(shown).toMatch(/^[\x20-\x7e]*$/);
        const parsed = parseEscapedText(shown);
        expect(parsed.ok && [...parsed.bytes]).toEqual([...bytes]);
      }),
    );
  });
});

describe('hexDump', () => {
  it('prints offset, hex with a gap after 8 bytes, and ASCII', () => {
    const bytes = utf8Encode('Hello, Sockscope!\n');
    expect(hexDumpText(bytes)).toBe(
      '00000000  48 65 6c 6c 6f 2c 20 53  6f 63 6b 73 63 6f 70 65  |Hello, Sockscope|\n' + `00000010  ${'21 0a'.padEnd(48)}  |!.|`,
    );
  });

  it('has one row per 16 bytes whose hex parses back to the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const rows = hexDump(bytes);
        expect(rows).toHaveLength(Math.ceil(bytes.length / 16));
        const parsed = parseHex(rows.map((r) => r.hex).join(' '));
        expect(parsed.ok && [...parsed.bytes]).toEqual([...bytes]);
      }),
    );
  });
});

describe('formatInteger', () => {
  it('groups digits as en-US Intl does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 86_400_000, -1, -1234, -999_999_999, Number.MAX_SAFE_INTEGER, 2 ** 40 + 17]) {
      expect(formatInteger(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('leaves what is not a safe integer to toLocaleString', () => {
    expect(formatInteger(1234.5)).toBe('1,234.5');
    expect(formatInteger(1e21)).toBe((1e21).toLocaleString('en-US'));
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100 MiB');
  });
});
