/** The parts of the workspace that other modules own, as the session saves and restores them. */
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { Host, Port } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { Engine } from '../engine/engine';
import { type LibraryState, type MessageLibrary, LibraryState as LibraryStateSchema } from '../library';
import { toxiproxyApiOf } from '../proxy/api-service';
import { type SavedSequences, type SavedSequencesState, SavedSequencesState as SavedSequencesStateSchema } from '../scenario/saved-sequences';
import type { SessionPart } from './service';

/** What a list kept in main (saved messages, sequences) gives the session: its state, its changes. */
interface KeptList<State> {
  getState(): State;
  setState(value: unknown): void;
  subscribe(listener: () => void): () => void;
}

/**
 * A list kept in main, saved under `key` when it has items: `items` finds them in a state (a saved
 * one is checked by the schema first), `noun` counts them for the restore offer.
 */
function keptListPart<State>(
  key: string,
  list: KeptList<State>,
  schema: z.ZodType<State>,
  items: (state: State) => unknown[],
  noun: string,
): SessionPart {
  const count = (value: unknown): number => {
    const parsed = schema.safeParse(value);
    return parsed.success ? items(parsed.data).length : 0;
  };
  return {
    key,
    get: (): State | undefined => {
      const state = list.getState();
      return items(state).length > 0 ? state : undefined;
    },
    set: (value) => list.setState(value),
    subscribe: (onChange) => list.subscribe(() => onChange()),
    describe: (value) => {
      const n = count(value);
      return n > 0 ? `${n} ${noun}${n === 1 ? '' : 's'}` : undefined;
    },
  };
}

export function savedMessagesPart(library: MessageLibrary): SessionPart {
  return keptListPart<LibraryState>('savedMessages', library, LibraryStateSchema, (state) => state.messages, 'saved message');
}

export function savedSequencesPart(sequences: SavedSequences): SessionPart {
  return keptListPart<SavedSequencesState>('sequences', sequences, SavedSequencesStateSchema, (state) => state.sequences, 'sequence');
}

/** Where the Toxiproxy API served; kept only while it is on, so a workspace saved with it off restores nothing. */
const SavedToxiproxyApi = schemaOnUse(() => z.object({ host: Host, port: Port }));

/**
 * The Toxiproxy API switch: on at the port it had (the one it got, when 0 was asked for). One
 * already serving (`sockscope host --toxiproxy-api`) is left where the command line put it.
 */
export function toxiproxyApiPart(engine: Engine): SessionPart {
  const api = toxiproxyApiOf(engine);
  const where = (value: unknown): string | undefined => {
    const saved = SavedToxiproxyApi.safeParse(value);
    return saved.success ? formatEndpoint(saved.data) : undefined;
  };
  return {
    key: 'toxiproxyApi',
    get: () => api.serving,
    set: async (value) => {
      const saved = SavedToxiproxyApi.safeParse(value);
      if (!saved.success) throw new Error('its saved address could not be read; turn it on again');
      if (api.serving) return;
      await api.set({ enabled: true, ...saved.data });
    },
    subscribe: (onChange) => api.subscribe(() => onChange()),
    describe: (value) => {
      const address = where(value);
      return address && `Toxiproxy API on ${address}`;
    },
  };
}
