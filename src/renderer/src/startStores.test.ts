import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Command, Input, Output, Result } from '@shared/contract';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { fakeTransport } from './test-support/fakeTransport';
import { invoke } from './sync/engine';
import { useAutoReplyPanel } from './features/rules/autoReply';
import { useFileSends } from './features/send/fileSends';
import { useFrameCache } from './features/log/framing/frameCache';
import { useLibrary } from './features/send/library';
import { useLogCache } from './features/log/logCache';
import { useLogSearch } from './features/log/search/logSearch';
import { usePorts } from './features/ports/ports';
import { usePreferences } from './features/shell/preferences';
import { useRecordings } from './features/export/recordings';
import { useSendSettings } from './features/send/sendSettings';
import { useSequences } from './features/sequences/sequences';
import { useSession } from './features/session/session';
import { initialSocketsState, selectSocket, useSockets } from './features/sockets/sockets';
import { startStores } from './startStores';
import { useUi } from './features/shell/ui';
import { useView } from './features/shell/view';

type Unsubscribe = () => void;
interface Subscribable {
  subscribe: (listener: never) => Unsubscribe;
}

/** Every store in state/: its live listeners are counted while the test runs. */
const stores: Record<string, Subscribable> = {
  useAutoReplyPanel,
  useFileSends,
  useFrameCache,
  useLibrary,
  useLogCache,
  useLogSearch,
  usePorts,
  usePreferences,
  useRecordings,
  useSendSettings,
  useSequences,
  useSession,
  useSockets,
  useUi,
  useView,
};

/** Wraps `subscribe` so that each subscription counts until it is undone; returns the counts and the undo. */
function countListeners(): { live: () => Record<string, number>; restore: () => void } {
  const counts: Record<string, number> = {};
  const originals = new Map<Subscribable, Subscribable['subscribe']>();
  for (const [name, store] of Object.entries(stores)) {
    const original = store.subscribe;
    originals.set(store, original);
    counts[name] = 0;
    store.subscribe = (listener: never): Unsubscribe => {
      const unsubscribe = original(listener);
      counts[name]++;
      let done = false;
      return () => {
        if (!done) counts[name]--;
        done = true;
        unsubscribe();
      };
    };
  }
  return {
    live: () => ({ ...counts }),
    restore: () => originals.forEach((original, store) => (store.subscribe = original)),
  };
}

/** A transport that answers the snapshot and the library, and fails everything else. */
function fakeEngine() {
  const invoked: Command[] = [];
  const fake = fakeTransport(async <C extends Command>(command: C, _input: Input<C>): Promise<Result<Output<C>>> => {
    invoked.push(command);
    if (command === 'app.snapshot') return { ok: true, value: { rev: 1, sockets: [socket('a')], logs: [] } } as Result<Output<C>>;
    if (command === 'library.list') return { ok: true, value: { messages: [] } } as Result<Output<C>>;
    return { ok: false, error: { code: 'UNSUPPORTED', message: `${command} is not faked` } };
  });
  return { ...fake, invoked, open: () => fake.status({ state: 'open' }) };
}

/** The theme is applied to <html>: this much of a document is what it needs under node. */
function fakeDocument(): { dataset: Record<string, string | undefined>; restore: () => void } {
  const had = 'document' in globalThis;
  const previous: unknown = Reflect.get(globalThis, 'document');
  const dataset: Record<string, string | undefined> = {};
  Reflect.set(globalThis, 'document', { documentElement: { dataset } });
  return { dataset, restore: () => (had ? Reflect.set(globalThis, 'document', previous) : Reflect.deleteProperty(globalThis, 'document')) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('startStores', () => {
  let listeners: ReturnType<typeof countListeners>;
  let document: ReturnType<typeof fakeDocument>;

  beforeEach(() => {
    useSockets.setState(initialSocketsState, true);
    useLibrary.setState({ messages: [], loaded: false, error: null });
    useView.setState({ view: 'ports' });
    usePreferences.setState({ theme: 'system' });
    listeners = countListeners();
    document = fakeDocument();
  });

  afterEach(() => {
    listeners.restore();
    document.restore();
  });

  it('wires the stores to the transport: the snapshot and a batch reach them', async () => {
    const fake = fakeEngine();
    const stop = startStores(fake.transport);
    fake.open();
    await flush();
    expect(useSockets.getState().synced).toBe(true);
    expect(Object.keys(useSockets.getState().sockets)).toEqual(['a']);
    // In step with main: the session's status is asked for, and the library listed.
    expect(fake.invoked).toEqual(expect.arrayContaining(['app.snapshot', 'library.list', 'session.status']));
    expect(useLibrary.getState().loaded).toBe(true);

    fake.emit({
      rev: 2,
      events: [
        { type: 'socket.upsert', socket: socket('b', { bytesIn: 7 }) },
        { type: 'ui.command', command: { action: 'set-theme', theme: 'dark' } },
      ],
    });
    expect(useSockets.getState().sockets.b?.bytesIn).toBe(7);
    // A menu command is checked by a schema loaded with the first one, so it lands a moment later.
    await vi.waitFor(() => expect(usePreferences.getState().theme).toBe('dark'));
    expect(document.dataset.theme).toBe('dark');
    // The view follows a selection the user makes.
    selectSocket('b');
    expect(useView.getState().view).toBe('sockets');
    stop();
  });

  it('stops every listener it started, and nothing reacts afterwards', async () => {
    const fake = fakeEngine();
    expect(Object.values(listeners.live()).every((count) => count === 0)).toBe(true);
    const stop = startStores(fake.transport);
    const started = listeners.live();
    // The caches, search, view and session follow the sockets store; the session several others.
    expect(started.useSockets).toBeGreaterThanOrEqual(5);
    expect(started.useFrameCache).toBeGreaterThanOrEqual(1);
    expect(started.usePreferences).toBeGreaterThanOrEqual(2);
    expect(fake.listeners()).toBeGreaterThanOrEqual(4);

    stop();
    expect(listeners.live()).toEqual(Object.fromEntries(Object.keys(stores).map((name) => [name, 0])));
    expect(fake.listeners()).toBe(0);

    fake.open();
    fake.emit({ rev: 3, events: [{ type: 'socket.upsert', socket: socket('c') }] });
    await flush();
    expect(fake.invoked).toEqual([]);
    expect(useSockets.getState().sockets).toEqual({});
    expect((await invoke('app.snapshot', {})).ok).toBe(false);
  });
});
