import { useEffect } from 'react';
import { useSocketSettings, useSockets } from './sockets';
import { GettingStarted } from '../shell/GettingStarted';
import { LazySelectedSocket, preloadSocketParts } from '../shell/lazyParts';

/** The main pane: the selected socket's view (SelectedSocket.tsx), or what to do when there is none. */
export function SocketPane() {
  const selectedId = useSockets((state) => state.selectedId);
  const hasSockets = useSockets((state) => Object.keys(state.sockets).length > 0);
  const synced = useSockets((state) => state.synced);
  // Counters are drawn by the header's own subscription: a packet does not redraw the pane.
  const socket = useSocketSettings(selectedId);
  useEffect(() => {
    if (hasSockets) preloadSocketParts();
  }, [hasSockets]);

  if (!socket) {
    if (!hasSockets) return synced ? <GettingStarted /> : <main className="flex-1 bg-canvas" aria-busy="true" />;
    return <main className="flex flex-1 items-center justify-center bg-canvas text-xs text-muted">Select a socket in the list to see its log.</main>;
  }
  return <LazySelectedSocket socket={socket} />;
}
