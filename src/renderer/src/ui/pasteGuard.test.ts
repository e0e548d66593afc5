import type { ClipboardEvent } from 'react';
import { describe, expect, it } from 'vitest';
import { refuseLongInsert } from './pasteGuard';

/** A paste of `incoming` characters into a field holding `value`, with `selected` of it selected. */
function paste(value: string, incoming: number, selected = 0, type = 'paste') {
  let prevented = false;
  const event = {
    type,
    clipboardData: { getData: (format: string) => (format === 'text/plain' ? 'x'.repeat(incoming) : '') },
    currentTarget: { value, selectionStart: 0, selectionEnd: selected },
    preventDefault: () => (prevented = true),
  } as unknown as ClipboardEvent<HTMLTextAreaElement>;
  return { event, prevented: () => prevented };
}

describe('refuseLongInsert', () => {
  it('lets in text that leaves the field within its limit, and does not stop the browser inserting it', () => {
    const p = paste('PING', 6);
    expect(refuseLongInsert(p.event, 10, 'too long.')).toBeNull();
    expect(p.prevented()).toBe(false);
  });

  it('refuses text past the limit before it goes in, saying how much it was and why', () => {
    const p = paste('PING', 100_000);
    expect(refuseLongInsert(p.event, 65_536, 'more than this field takes.')).toBe('Not pasted: 100,000 characters, more than this field takes.');
    expect(p.prevented()).toBe(true);
  });

  it('counts what the field keeps: its text, less the selection a paste replaces', () => {
    expect(refuseLongInsert(paste('0123456789', 5).event, 12, '')).not.toBeNull();
    expect(refuseLongInsert(paste('0123456789', 5, 4).event, 12, '')).toBeNull();
    // A drop lands beside the selection, replacing nothing.
    expect(refuseLongInsert(paste('0123456789', 5, 4, 'drop').event, 12, '')).not.toBeNull();
  });
});
