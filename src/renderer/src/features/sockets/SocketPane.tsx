import { useShallow } from 'zustand/react/shallow';
import { RAW_FRAMING } from '@shared/framing';
import { isLive } from './socketTree';
import { useSockets } from './sockets';
import { AutoReplyPanel } from '../rules/AutoReplyPanel';
import { ConversationPanel } from '../proxy/ConversationPanel';
import { GettingStarted } from '../shell/GettingStarted';
import { ImportedLogNote } from './ImportedLogNote';
import { LogSearchBar } from '../log/search/LogSearchBar';
import { LogView } from '../log/LogView';
import { ProxyPanel } from '../proxy/ProxyPanel';
import { SendBar } from '../send/SendBar';
import { SequencesPanel } from '../sequences/SequencesPanel';
import { SocketViewContext } from './socketViewContext';
import { SocketHeader } from './SocketHeader';
import { UdpOptionsPanel } from './UdpOptionsPanel';

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
    return <main className="flex flex-1 items-center justify-center bg-canvas text-xs text-muted">Select a socket in the list to see its log.</main>;
  }

  const openConnections = accepted.filter(isLive).sort((a, b) => a.createdAt - b.createdAt);

  return (
    <main className="flex min-w-0 flex-1 flex-col bg-canvas" aria-label="Selected socket">
      <SocketHeader socket={socket} openConnections={openConnections.length} acceptedTotal={accepted.length} reported={reported} />
      {socket.kind === 'udp' && <UdpOptionsPanel key={`udp:${socket.id}`} socket={socket} />}
      <LogSearchBar key={`search:${socket.id}`} socketId={socket.id} />
      {/* A container: the auto-reply panel sits beside the log when there is room, over it when not. */}
      <div className="@container relative flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          <SocketViewContext value={{ framing: socket.framing ?? RAW_FRAMING, decoder: socket.decoder ?? 'auto', socketId: socket.id }}>
            {/* A new framing is a new list: rows, expanded ones and the paused position start over. */}
            <LogView
              key={`log:${socket.id}:${JSON.stringify(socket.framing ?? null)}`}
              socketId={socket.id}
              head={head}
              showPeer={(socket.importedFrom?.kind ?? socket.kind) === 'udp'}
            />
          </SocketViewContext>
          {socket.kind === 'proxy-conversation' && <ConversationPanel key={`conversation:${socket.id}`} socket={socket} />}
          {socket.kind === 'imported' ? (
            <ImportedLogNote socket={socket} />
          ) : socket.kind === 'proxy' ? (
            <ProxyPanel socket={socket} />
          ) : (
            <SendBar key={`send:${socket.id}`} socket={socket} connections={openConnections} />
          )}
        </div>
        <AutoReplyPanel key={`rules:${socket.id}`} socket={socket} />
        <SequencesPanel key={`sequences:${socket.id}`} socket={socket} />
      </div>
    </main>
  );
}
