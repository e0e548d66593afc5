import { create } from 'zustand';
import { type SocketsState, useSockets } from '../sockets/sockets';

/** The window's two views: the sockets Sockscope opened, and every port on the machine. */
export type MainView = 'sockets' | 'ports';

export const useView = create<{ view: MainView }>()(() => ({ view: 'sockets' }));

export function showView(view: MainView): void {
  useView.setState({ view });
}

// Selecting a socket — a new one from the New… dialog, "Show" on a row of the Ports view, the
// status bar's last error — is asking to see it. A selection that moves because its socket went
// away, or a snapshot after a reconnect, is not.
function showSelected(next: SocketsState, previous: SocketsState): void {
  if (next.selectedId === previous.selectedId || next.selectedId === null || !previous.synced || !next.synced) return;
  if (previous.selectedId !== null && !(previous.selectedId in next.sockets)) return;
  showView('sockets');
}

/** Started once by startStores (start.ts); returns the stop. */
export function startViewFollowsSelection(): () => void {
  return useSockets.subscribe(showSelected);
}
