import { describe, expect, it } from 'vitest';
import { JUMP_INTERVAL_MS, tailReadDelay } from './tailPace';

describe('tailReadDelay', () => {
  it('reads at once when what arrived fits on the screen, however recently the tail was read', () => {
    expect(tailReadDelay(1, 30, 0)).toBe(0);
    expect(tailReadDelay(30, 30, 5)).toBe(0);
  });

  it('in a flood, waits until JUMP_INTERVAL_MS after the last read', () => {
    expect(tailReadDelay(2000, 30, 0)).toBe(JUMP_INTERVAL_MS);
    expect(tailReadDelay(2000, 30, 100)).toBe(JUMP_INTERVAL_MS - 100);
  });

  it('in a flood, reads at once once the interval has passed, and on the first read', () => {
    expect(tailReadDelay(2000, 30, JUMP_INTERVAL_MS)).toBe(0);
    expect(tailReadDelay(2000, 30, Infinity)).toBe(0);
  });
});
