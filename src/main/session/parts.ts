/** The parts of the workspace that other modules own, as the session saves and restores them. */
import { type LibraryState, type MessageLibrary, LibraryState as LibraryStateSchema } from '../library';
import type { SessionPart } from './service';

export function savedMessagesPart(library: MessageLibrary): SessionPart {
  const count = (value: unknown): number => LibraryStateSchema.safeParse(value).data?.messages.length ?? 0;
  return {
    key: 'savedMessages',
    get: (): LibraryState | undefined => {
      const state = library.getState();
      return state.messages.length > 0 ? state : undefined;
    },
    set: (value) => library.setState(value),
    subscribe: (onChange) => library.subscribe(() => onChange()),
    describe: (value) => {
      const n = count(value);
      return n > 0 ? `${n} saved message${n === 1 ? '' : 's'}` : undefined;
    },
  };
}
