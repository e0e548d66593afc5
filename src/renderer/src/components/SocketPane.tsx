import { useShallow } from 'zustand/react/shallow';
import { isLive } from '../state/socketTree';
import { useSockets } from '../state/sockets';
import { GettingStarted } from './GettingStarted';
import { LogView } from './LogView';
import { SendBar } from './SendBar';
import { SocketHeader } from './SocketHeader';

/** The main pane: the selected socket's header, its log and the send bar. */
export function SocketPane() {
  const selectedId = useSockets((state) => state.selectedId);
  const hasSockets = useSockets((state) => Object.keys(state.sockets).length > 0);
  const synced = useSockets((state) => state.synced);
  const socket = useSockets((state) => (selectedId === null ? undefined : state.sockets[selectedId]));
  const head = useSockets((state) => (selectedId === null ? undefined : state.heads[selectedId]));
  const reported = useSockets((state) => (selectedId === null ? undefined : state.socketErrors[selectedId]));
  const accepted = useSockets(
    useShallow((state) =>
      socket?.kind === 'tcp-listener' ? Object.values(state.sockets).filter((candidate) => candidate.parentId === socket.id) : [],
    ),
  );

  if (!socket) {
    if (!hasSockets) return synced ? <GettingStarted /> : <main className="flex-1 bg-canvas" aria-busy="true" />;
    return (
      <main className="flex flex-1 items-center justify-center bg-canvas text-xs text-muted">
        Select a socket in the list to see its log.
      </main>
    );
  }

  const openConnections = accepted.filter(isLive).sort((a, b) => a.createdAt - b.createdAt);

  return (
    <main className="flex min-w-0 flex-1 flex-col bg-canvas" aria-label="Selected socket">
      <SocketHeader socket={socket} openConnections={openConnections.length} acceptedTotal={accepted.length} reported={reported} />
      <LogView key={`log:${socket.id}`} socketId={socket.id} head={head} showPeer={socket.kind === 'udp'} />
      <SendBar key={`send:${socket.id}`} socket={socket} connections={openConnections} />
    </main>
  );
}
