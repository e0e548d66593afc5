import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, Input, Output, Result, SavedMessage } from '@shared/contract';
import { fakeTransport } from '../../test-support/fakeTransport';
import { setTransport } from '../../sync/engine';
import { startLibrarySync, useLibrary } from './library';

/** Main's library: what `library.list` answers now. */
let held: SavedMessage[] = [];
const saved = (name: string): SavedMessage => ({ id: name, name, format: 'text', payload: name });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the saved-messages store', () => {
  let engine: ReturnType<typeof fakeTransport>;
  let stop: () => void;

  beforeEach(() => {
    held = [];
    useLibrary.setState({ messages: [], loaded: false, error: null }, true);
    engine = fakeTransport(
      async <C extends Command>(command: C, _input: Input<C>): Promise<Result<Output<C>>> =>
        (command === 'library.list'
          ? { ok: true, value: { messages: held } }
          : { ok: false, error: { code: 'UNSUPPORTED', message: command } }) as Result<Output<C>>,
    );
    setTransport(engine.transport);
    stop = startLibrarySync(engine.transport);
  });

  afterEach(() => {
    stop();
    setTransport(undefined);
  });

  it('lists when the transport opens, when a window changes it, and after lost batches (a change may be among them)', async () => {
    held = [saved('ping')];
    engine.status({ state: 'open' });
    await flush();
    expect(useLibrary.getState()).toMatchObject({ messages: [saved('ping')], loaded: true });

    held = [saved('ping'), saved('pong')];
    engine.emit({ rev: 1, events: [{ type: 'library.changed', revision: 1 }] });
    await flush();
    expect(useLibrary.getState().messages).toEqual([saved('ping'), saved('pong')]);

    // The batch saying this change was dropped for this window.
    held = [saved('pong')];
    engine.resync();
    await flush();
    expect(useLibrary.getState().messages).toEqual([saved('pong')]);

    stop();
    expect(engine.listeners()).toBe(0);
  });
});
