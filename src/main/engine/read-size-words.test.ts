import { describe, expect, it } from 'vitest';
import { formatBytes } from '@shared/codec';
import { EACH_READ } from '@shared/framing-names';
import { LENT_READ_BYTES } from './read-buffer';

describe("the app's words for one read", () => {
  it('give the largest read main makes', () => {
    expect(EACH_READ).toContain(`up to ${formatBytes(LENT_READ_BYTES)}`);
  });
});
