import { describe, expect, it } from 'vitest';
import { heldSummary } from './heldQueue';

describe('the line under the held queue', () => {
  it('says a FIN waits when nothing else is held, instead of "Nothing held yet"', () => {
    expect(heldSummary(0, false)).toBe('Nothing held yet: what arrives in a held direction waits here.');
    expect(heldSummary(0, true)).toBe('A FIN waits: Forward it, or stop holding, to end the stream.');
  });

  it('puts the FIN after the held messages', () => {
    expect(heldSummary(2, true)).toMatch(/^2 held, then a FIN\. Edit with/);
    expect(heldSummary(1, false)).toMatch(/^1 held\. Edit with/);
  });
});
