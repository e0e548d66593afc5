import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Command, Input, Output, Result } from '@shared/contract';
import type { SavedSequence } from '@shared/sequences';
import { setTransport } from '../../sync/engine';
import { fakeTransport } from '../../test-support/fakeTransport';
import { saveSequence, startSequencesSync, useSequences } from './sequences';

const STORAGE_KEY = 'sockscope.sequences';

/** Main's list as the commands see it, and a storage for what this browser kept before. */
function setUp(inMain: SavedSequence[], stored: string | null, refuse?: string) {
  const main = [...inMain];
  const calls: string[] = [];
  const fake = fakeTransport(async <C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> => {
    calls.push(command);
    const answer = (value: unknown) => ({ ok: true, value }) as Result<Output<C>>;
    if (command === 'sequences.list') return answer({ sequences: main.map((s) => ({ ...s })) });
    if (command === 'sequences.save') {
      const sequence = input as SavedSequence;
      if (sequence.id === refuse) return { ok: false, error: { code: 'SEQUENCES_FULL', message: 'At most 500 sequences can be kept' } };
      const at = main.findIndex((s) => s.id === sequence.id);
      if (at >= 0) main[at] = sequence;
      else main.push(sequence);
      return answer({});
    }
    return { ok: false, error: { code: 'UNSUPPORTED', message: `${command} is not faked` } };
  });
  const storage = new Map<string, string>(stored === null ? [] : [[STORAGE_KEY, stored]]);
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  });
  setTransport(fake.transport);
  const stop = startSequencesSync(fake.transport);
  return { main, calls, storage, fake, stop };
}

const ping = { id: 's1', text: '{"name":"ping","steps":[]}' };
const quit = { id: 's2', text: '{"name":"quit","steps":[]}' };

describe('the sequences, mirrored from main', () => {
  beforeEach(() => useSequences.setState({ sequences: [], storeError: null }));
  afterEach(() => {
    vi.unstubAllGlobals();
    setTransport(undefined);
  });

  it('are listed when the link opens and again when any window changes them', async () => {
    const { main, fake, stop } = setUp([ping], null);
    fake.status({ state: 'open' });
    await vi.waitFor(() => expect(useSequences.getState().sequences).toEqual([ping]));
    main.push(quit);
    fake.emit({ rev: 2, events: [{ type: 'sequences.changed', revision: 1 }] });
    await vi.waitFor(() => expect(useSequences.getState().sequences).toEqual([ping, quit]));
    stop();
  });

  it("hand what this browser kept before to main, once, leaving out what main has, and clear the browser's copy", async () => {
    const edited = { id: 's1', text: '{"name":"ping, edited here","steps":[]}' };
    const { main, calls, storage, fake, stop } = setUp([ping], JSON.stringify([edited, quit, { id: 3 }]));
    fake.status({ state: 'open' });
    await vi.waitFor(() => expect(storage.has(STORAGE_KEY)).toBe(false));
    // Main's own s1 stands; s2 is added; what is not a sequence is left out.
    expect(main).toEqual([ping, quit]);
    expect(calls.filter((command) => command === 'sequences.save')).toHaveLength(1);
    await vi.waitFor(() => expect(useSequences.getState().sequences).toEqual([ping, quit]));
    stop();
  });

  it("keep the browser's copy when main would not take one, and say why in the panel", async () => {
    const { storage, fake, stop } = setUp([], JSON.stringify([quit]), 's2');
    fake.status({ state: 'open' });
    await vi.waitFor(() => expect(useSequences.getState().storeError).toBe('Not kept: At most 500 sequences can be kept'));
    expect(storage.get(STORAGE_KEY)).toBe(JSON.stringify([quit]));
    stop();
  });

  it('show a saved sequence at once, and what main holds once it answers', async () => {
    const { main, stop } = setUp([ping], null);
    const saved = saveSequence(quit);
    expect(useSequences.getState().sequences).toEqual([quit]);
    expect(await saved).toBe(true);
    expect(useSequences.getState().sequences).toEqual([ping, quit]);
    expect(main).toEqual([ping, quit]);
    stop();
  });
});
