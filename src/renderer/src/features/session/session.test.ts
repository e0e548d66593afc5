import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Command, Input, Output, Result } from '@shared/contract';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { fakeTransport } from '../../test-support/fakeTransport';
import { setTransport } from '../../sync/engine';
import { applySnapshot, initialSocketsState, selectSocket, useSockets } from '../sockets/sockets';
import { startSessionSync, useSession } from './session';

/** The layouts the window asked main to save, by their selected socket. */
let saved: unknown[];

const fake = fakeTransport(async <C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> => {
  if (command === 'session.saveUi') saved.push((input as Input<'session.saveUi'>).ui.selectedId);
  return { ok: true, value: {} } as Result<Output<C>>;
});

describe("the window's layout, changed before the session's status is known", () => {
  let stop: () => void;

  beforeEach(() => {
    vi.useFakeTimers();
    saved = [];
    setTransport(fake.transport);
    useSockets.setState(initialSocketsState, true);
    applySnapshot({ rev: 1, sockets: [socket('a'), socket('b'), socket('c')], logs: [] });
    useSession.setState({ status: undefined });
    stop = startSessionSync();
  });

  afterEach(() => {
    stop();
    setTransport(undefined);
    vi.useRealTimers();
  });

  it('is saved once the status says this window keeps a session', () => {
    selectSocket('b');
    vi.runAllTimers();
    expect(saved).toEqual([]);
    useSession.setState({ status: { state: 'none' } });
    vi.runAllTimers();
    expect(saved).toEqual(['b']);
  });

  it('is not saved where no session is kept, nor after the window stopped listening', () => {
    selectSocket('c');
    useSession.setState({ status: { state: 'off' } });
    vi.runAllTimers();
    expect(saved).toEqual([]);

    useSession.setState({ status: undefined });
    selectSocket('a');
    stop();
    useSession.setState({ status: { state: 'none' } });
    vi.runAllTimers();
    expect(saved).toEqual([]);
  });
});
