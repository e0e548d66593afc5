/** The parts of the workspace that other modules own, as the session saves and restores them. */
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { Host, Port } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { Engine } from '../engine/engine';
import { type LibraryState, type MessageLibrary, LibraryState as LibraryStateSchema } from '../library';
import { toxiproxyApiOf } from '../proxy/api-service';
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
