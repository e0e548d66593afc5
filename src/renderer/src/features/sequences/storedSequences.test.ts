import { afterEach, describe, expect, it, vi } from 'vitest';

/** This browser's storage as the sequences store finds it when its module loads. */
async function sequencesWith(stored: string | null): Promise<unknown[]> {
  vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'sockscope.sequences' ? stored : null), setItem: () => undefined });
  vi.resetModules();
  const { useSequences } = await import('./sequences');
  return useSequences.getState().sequences;
}

describe("the user's sequences, read back from this browser's storage when the window loads", () => {
  afterEach(() => vi.unstubAllGlobals());

  it('are none when none were stored', async () => {
    expect(await sequencesWith(null)).toEqual([]);
  });

  it('come back as stored', async () => {
    const stored = [{ id: 's1', text: '{"name":"ping","steps":[]}' }];
    expect(await sequencesWith(JSON.stringify(stored))).toEqual(stored);
  });

  it('are none when what is stored is not a list of sequences, or not JSON', async () => {
    expect(await sequencesWith(JSON.stringify([{ id: '', text: 'x' }]))).toEqual([]);
    expect(await sequencesWith(JSON.stringify({ id: 's1' }))).toEqual([]);
    expect(await sequencesWith('[not json')).toEqual([]);
  });
});
