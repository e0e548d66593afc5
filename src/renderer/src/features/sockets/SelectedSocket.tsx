import { Suspense, useMemo } from 'react';
import { RAW_FRAMING } from '@shared/framing-names';
import { sameSettings } from '@shared/socket-stats';
import type { SocketInfo } from '@shared/contract';
import { isLive } from './socketTree';
import { useSettled, useSockets } from './sockets';
import { AutoReplyPanel } from '../rules/AutoReplyPanel';
import { ConversationPanel } from '../proxy/ConversationPanel';
import { ImportedLogNote } from './ImportedLogNote';
import { LogSearchBar } from '../log/search/LogSearchBar';
import { LogView } from '../log/LogView';
import { ProxyPanel } from '../proxy/ProxyPanel';
import { SendBar } from '../send/SendBar';
import { LazySequencesPanel } from '../shell/lazyParts';
import { SocketViewContext } from './socketViewContext';
import { SocketHeader } from './SocketHeader';
import { UdpOptionsPanel } from './UdpOptionsPanel';

function sameSettingsList(a: readonly SocketInfo[], b: readonly SocketInfo[]): boolean {
  return a.length === b.length && a.every((socket, index) => sameSettings(socket, b[index]));
}

/** The log reads its head here: where the log stands moves with every batch, the pane around it does not. */
function SelectedLog({ socketId, showPeer, roundTrips }: { socketId: string; showPeer: boolean; roundTrips: boolean }) {
  const head = useSockets((state) => state.heads[socketId]);
  return <LogView socketId={socketId} head={head} showPeer={showPeer} roundTrips={roundTrips} />;
}

/**
 * The selected socket: its header, its log and the send bar (or what stands for it). A module of
 * its own, loaded after the first paint (lazyParts.ts): a new user's first window has no socket.
 */
export function SelectedSocket({ socket }: { socket: SocketInfo }) {
  const reported = useSockets((state) => state.socketErrors[socket.id]);
  const accepted = useSockets(
    useSettled(
      (state) => (socket.kind === 'tcp-listener' ? Object.values(state.sockets).filter((candidate) => candidate.parentId === socket.id) : []),
      sameSettingsList,
    ),
  );

  // One array while the accepted connections stay as they are: the send bar is memoized on it.
  const openConnections = useMemo(() => accepted.filter(isLive).sort((a, b) => a.createdAt - b.createdAt), [accepted]);

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
            <SelectedLog
              key={`log:${socket.id}:${JSON.stringify(socket.framing ?? null)}`}
              socketId={socket.id}
              showPeer={(socket.importedFrom?.kind ?? socket.kind) === 'udp'}
              roundTrips={(socket.importedFrom?.kind ?? socket.kind) !== 'tcp-connection'}
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
        {/* Loaded after the first paint (lazyParts): shown before it has, the panel comes a moment later. */}
        <Suspense fallback={null}>
          <LazySequencesPanel key={`sequences:${socket.id}`} socket={socket} />
        </Suspense>
      </div>
    </main>
  );
}
