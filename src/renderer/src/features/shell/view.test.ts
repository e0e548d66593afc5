import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { applyEvents, applySnapshot, initialSocketsState, selectSocket, setTransportStatus, useSockets } from '../sockets/sockets';
import { showView, startViewFollowsSelection, useView } from './view';

describe('the Ports view gives way to the Sockets view', () => {
  let stop = (): void => undefined;
  beforeEach(() => {
    stop = startViewFollowsSelection();
    useSockets.setState(initialSocketsState, true);
    applySnapshot({ rev: 1, sockets: [socket('a'), socket('b')], logs: [] });
    showView('ports');
  });
  afterEach(() => stop());

  it('when the user selects a socket (a new one, or one a Ports row leads to)', () => {
    applyEvents([{ type: 'socket.upsert', socket: socket('c') }]);
    expect(useView.getState().view).toBe('ports');
    selectSocket('c');
    expect(useView.getState().view).toBe('sockets');
  });

  it('not when the selection only moves because its socket went away', () => {
    selectSocket('a');
    showView('ports');
    applyEvents([{ type: 'socket.removed', id: 'a' }]);
    expect(useSockets.getState().selectedId).toBe('b');
    expect(useView.getState().view).toBe('ports');
  });

  it('not when a snapshot after a reconnect picks a selection', () => {
    setTransportStatus({ state: 'closed', reason: 'host restarted' });
    useSockets.setState({ selectedId: null });
    setTransportStatus({ state: 'open' });
    applySnapshot({ rev: 2, sockets: [socket('z')], logs: [] });
    expect(useSockets.getState().selectedId).toBe('z');
    expect(useView.getState().view).toBe('ports');
  });
});
