import { describe, expect, it } from 'vitest';
import { entryLine } from './jsonl';

describe('JSON Lines entries', () => {
  it('carry the time in whole microseconds beside the millisecond float', () => {
    const line = JSON.parse(entryLine('con-1', { seq: 3, time: 1735732800123.456, dir: 'in', bytes: new Uint8Array([0x50]) })) as Record<
      string,
      unknown
    >;
    expect(line.timeUs).toBe(1735732800123456);
    expect(line.time).toBe(1735732800123.456);
  });
});
