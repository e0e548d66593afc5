/**
 * The sequences panel's saved sequences, kept in main as the saved messages are (library.ts): every
 * window and browser tab of one engine sees the same list, and the workspace saves it. The panel
 * used to keep them in its own browser storage, so another browser, or the desktop window, had
 * none of them until a workspace was restored.
 */
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { MAX_SAVED_SEQUENCES, SavedSequence } from '@shared/sequences';
import { EngineError } from '../engine/errors';
import { Revisions } from '../revisions';

export const SavedSequencesState = schemaOnUse(() => z.object({ sequences: z.array(SavedSequence).max(MAX_SAVED_SEQUENCES) }));
export type SavedSequencesState = z.infer<typeof SavedSequencesState>;

export class SavedSequences extends Revisions {
  private sequences: SavedSequence[] = [];

  list(): SavedSequence[] {
    return this.sequences.map((sequence) => ({ ...sequence }));
  }

  save(sequence: SavedSequence): void {
    const at = this.sequences.findIndex((existing) => existing.id === sequence.id);
    if (at >= 0) {
      if (this.sequences[at].text === sequence.text) return;
      this.sequences = this.sequences.with(at, { id: sequence.id, text: sequence.text });
    } else {
      if (this.sequences.length >= MAX_SAVED_SEQUENCES)
        throw new EngineError('SEQUENCES_FULL', `At most ${MAX_SAVED_SEQUENCES} sequences can be kept`);
      this.sequences = [...this.sequences, { id: sequence.id, text: sequence.text }];
    }
    this.changed();
  }

  remove(id: string): void {
    const kept = this.sequences.filter((sequence) => sequence.id !== id);
    if (kept.length === this.sequences.length) return;
    this.sequences = kept;
    this.changed();
  }

  /** Every sequence, for saving them with the workspace. */
  getState(): SavedSequencesState {
    return { sequences: this.list() };
  }

  /** The sequences a workspace saved; throws INVALID_INPUT (and changes nothing) if `state` is not that. */
  setState(state: unknown): void {
    const parsed = SavedSequencesState.safeParse(state);
    if (!parsed.success) throw new EngineError('INVALID_INPUT', `Not a list of saved sequences: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    this.sequences = parsed.data.sequences.map(({ id, text }) => ({ id, text }));
    this.changed();
  }
}
