import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '@shared/contract';
import { MAX_SAVED_SEQUENCES, MAX_SEQUENCE_CHARS } from '@shared/sequences';
import { type Core, createCore } from '../core';
import { waitFor } from '../engine/test-support/wait-for';
import { SavedSequences } from './saved-sequences';

const cores: Core[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.dispose()));
});

const ping = { id: 's1', text: '{"name":"ping","steps":[]}' };
const quit = { id: 's2', text: '{"name":"quit","steps":[]}' };

describe('SavedSequences', () => {
  it('adds a new id at the end, replaces a known one where it is, and forgets one removed', () => {
    const sequences = new SavedSequences();
    const revisions: number[] = [];
    sequences.subscribe((revision) => revisions.push(revision));
    sequences.save(ping);
    sequences.save(quit);
    sequences.save({ id: 's1', text: '{"name":"ping twice","steps":[]}' });
    expect(sequences.list()).toEqual([{ id: 's1', text: '{"name":"ping twice","steps":[]}' }, quit]);
    // The same text again changes nothing, and says nothing.
    sequences.save(quit);
    sequences.remove('s1');
    // Removed in another window already: not an error.
    sequences.remove('s1');
    expect(sequences.list()).toEqual([quit]);
    expect(revisions).toEqual([1, 2, 3, 4]);
  });

  it(`keeps at most ${MAX_SAVED_SEQUENCES}, and restores only a list of sequences`, () => {
    const sequences = new SavedSequences();
    for (let i = 0; i < MAX_SAVED_SEQUENCES; i++) sequences.save({ id: `s${i}`, text: '{}' });
    expect(() => sequences.save({ id: 'one-more', text: '{}' })).toThrow(expect.objectContaining({ code: 'SEQUENCES_FULL' }));
    // Replacing one still works at the limit.
    sequences.save({ id: 's0', text: '{"name":"first"}' });
    expect(() => sequences.setState({ sequences: [{ id: '', text: '' }] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(sequences.list()).toHaveLength(MAX_SAVED_SEQUENCES);
    sequences.setState({ sequences: [quit] });
    expect(sequences.getState()).toEqual({ sequences: [quit] });
  });
});

describe('sequences.* over the contract', () => {
  it('lists what any window saved, tells every window it changed, and refuses a text past the limit', async () => {
    const core = createCore();
    cores.push(core);
    const batches: EventBatch[] = [];
    core.batcher.subscribe((batch) => batches.push(batch));
    expect(await core.dispatcher.dispatch('sequences.save', ping)).toEqual({ ok: true, value: {} });
    expect(await core.dispatcher.dispatch('sequences.list', {})).toEqual({ ok: true, value: { sequences: [ping] } });
    await waitFor(() => batches.some((batch) => batch.events.some((event) => event.type === 'sequences.changed')), 'the change to be announced');
    const tooLong = await core.dispatcher.dispatch('sequences.save', { id: 'big', text: 'x'.repeat(MAX_SEQUENCE_CHARS + 1) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatcher.dispatch('sequences.remove', { id: 's1' })).toEqual({ ok: true, value: {} });
    expect(await core.dispatcher.dispatch('sequences.list', {})).toEqual({ ok: true, value: { sequences: [] } });
  });
});
