/**
 * Property tests over arbitrary bytes and text: whatever a peer sends or a user pastes, the
 * codecs never throw, and what the log shows maps back to exactly the bytes on the wire.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, hexDump, parseHex, toHex, toVisibleText, utf8Decode, utf8Encode } from './codec';
import { parseEscapedText } from './payload';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from './wire';

/** Bytes a misbehaving peer sends: random, plus byte sequences that trip decoders up. */
const awkwardBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc
        .constantFrom(
          [0xef, 0xbb, 0xbf], // a UTF-8 byte-order mark, which decoders like to drop silently
          [0xef, 0xbf, 0xbd], // a real U+FFFD
          [0xe2, 0x80, 0xae], // U+202E right-to-left override: would reorder what follows on screen
          [0xe2, 0x81, 0xa6], // U+2066 left-to-right isolate
          [0xe2, 0x80, 0x8b], // U+200B zero width space
          [0xcc, 0x81], // U+0301 combining acute: with nothing before it, it would draw over the glyph before
          [0xf0, 0x9f, 0x98], // a truncated 4-byte sequence
          [0xed, 0xa0, 0x80], // an encoded surrogate (invalid in UTF-8)
          [0xc0, 0x80], // an overlong NUL
          [0x5c, 0x78, 0x34, 0x31], // the text `\x41`, which must not read as the byte 0x41
          [0x0d, 0x0a, 0x00, 0x1b, 0x7f],
        )
        .map((b) => Uint8Array.from(b)),
    ),
    { maxLength: 8 },
  )
  .map((parts) => concatBytes(...parts));

/** Any text a user pastes: all of Unicode, and ASCII control characters ('binary' is 100 times slower to generate). */
const anyText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary-ascii', maxLength: 300 }));

describe('codecs under arbitrary input', () => {
  it('shows any bytes as text that parses back to exactly those bytes', () => {
    fc.assert(
      fc.property(awkwardBytes, fc.boolean(), (bytes, lineBreaks) => {
        const shown = toVisibleText(bytes, { lineBreaks });
        const copied = lineBreaks ? shown.replaceAll('\\n\n', '\\n') : shown;
        const parsed = parseEscapedText(copied);
        expect(parsed.ok && [...parsed.bytes]).toEqual([...bytes]);
      }),
      { numRuns: 2000 },
    );
  });

  it('never shows a character that hides or reorders text on screen', () => {
    fc.assert(
      fc.property(awkwardBytes, (bytes) => {
        expect(toVisibleText(bytes)).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes any bytes as UTF-8 without throwing, and keeps valid text intact', () => {
    fc.assert(fc.property(awkwardBytes, (bytes) => void utf8Decode(bytes)));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8Decode(utf8Encode(text))).toBe(text);
      }),
    );
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe('\ufeffA');
  });

  it('parses any text as hex without throwing, and any bytes round-trip through hex and the hex dump', () => {
    fc.assert(fc.property(anyText, (text) => void parseHex(text)));
    fc.assert(
      fc.property(awkwardBytes, (bytes) => {
        const parsed = parseHex(toHex(bytes, ':'));
        expect(parsed.ok && [...parsed.bytes]).toEqual([...bytes]);
        const dumped = parseHex(
          hexDump(bytes)
            .map((row) => row.hex)
            .join(' '),
        );
        expect(dumped.ok && [...dumped.bytes]).toEqual([...bytes]);
      }),
    );
  });

  it('reads any text as base64 without throwing, and any bytes round-trip through base64', () => {
    fc.assert(fc.property(anyText, (text) => void base64ToBytes(text)));
    fc.assert(
      fc.property(awkwardBytes, (bytes) => {
        expect([...(base64ToBytes(bytesToBase64(bytes)) ?? [])]).toEqual([...bytes]);
        expect(base64ToBytes(Buffer.from(bytes).toString('base64'))).toEqual(new Uint8Array(Buffer.from(bytes)));
      }),
    );
  });

  it('rejects malformed wire messages only with a SyntaxError, and round-trips any JSON value', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          decodeWire(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxError);
        }
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON itself has no -0: what comes back is what JSON.parse would give.
        expect(decodeWire(encodeWire(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
