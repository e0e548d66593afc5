import { describe, expect, it } from 'vitest';
import { parseHex, utf8Encode } from '@shared/codec';
import { PREVIEW_BYTES, previewText } from './sendPreview';

function hex(input: string): Uint8Array {
  const parsed = parseHex(input);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.bytes;
}

describe('previewText', () => {
  it('shows Hex bytes one by one: ASCII as is, controls by name, 0x80 and above as \\xNN', () => {
    // Read as UTF-8, de ad is one Thaana combining mark drawn over the space.
    expect(previewText(hex('20 de ad'), 'hex')).toBe('\\x20\\xde\\xad');
    expect(previewText(hex('48 69 0d 0a 00 c3 a9'), 'hex')).toBe('Hi\\r\\n\\0\\xc3\\xa9');
  });

  it('shows Base64 as the bytes it stands for, as Hex is shown', () => {
    expect(previewText(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 'base64')).toBe('\\xde\\xad\\xbe\\xef');
  });

  it('shows Text as the UTF-8 the user typed', () => {
    expect(previewText(utf8Encode('café ✓\r\n'), 'text')).toBe('café ✓\\r\\n');
  });

  it('writes spaces at either end as \\x20, and keeps those between characters', () => {
    expect(previewText(utf8Encode('PING '), 'text')).toBe('PING\\x20');
    expect(previewText(utf8Encode('  a  b  '), 'text')).toBe('\\x20\\x20a  b\\x20\\x20');
    expect(previewText(hex('20 41 20'), 'hex')).toBe('\\x20A\\x20');
    expect(previewText(utf8Encode(' '), 'text')).toBe('\\x20');
    // Cut short, the end shown is not the message's end.
    expect(previewText(utf8Encode(`${'a'.repeat(PREVIEW_BYTES - 1)} b`), 'text')).toBe(`${'a'.repeat(PREVIEW_BYTES - 1)} …`);
  });

  it('shows a long message by its start', () => {
    const long = new Uint8Array(PREVIEW_BYTES + 1).fill(0xff);
    expect(previewText(long, 'hex')).toBe(`${'\\xff'.repeat(PREVIEW_BYTES)}…`);
    expect(previewText(utf8Encode('a'.repeat(PREVIEW_BYTES)), 'text')).toBe('a'.repeat(PREVIEW_BYTES));
  });
});
