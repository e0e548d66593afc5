import type { SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { formatTime, plural } from '../../ui/format';
import { usePeerProcess } from './peerProcess';
import { setPreference, usePreferences, type LogPayloadView } from '../shell/preferences';
import { endpointSummary, socketKindLabel } from './socketTree';
import type { ReportedError } from './sockets';
import { DecoderSelect } from '../log/decoded/DecoderSelect';
import { FramingControl } from '../log/framing/FramingControl';
import { AlertIcon } from '../../ui/Icons';
import { ProtocolBadge } from '../../ui/ProtocolBadge';
import { badgeKind } from '../proxy/proxy';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { SocketActions } from './SocketActions';
import { SearchButton } from '../log/search/LogSearchBar';
import { SocketLogTools } from '../log/SocketLogTools';
import { TextEncodingSelect } from '../log/TextEncodingSelect';
import { StateIndicator } from './StateIndicator';
import { SocketTraffic } from './SocketCounters';
import { TlsDetails } from './TlsDetails';

const viewOptions: readonly { value: LogPayloadView; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'hex', label: 'Hex' },
  { value: 'decoded', label: 'Decoded' },
];

interface SocketHeaderProps {
  socket: SocketInfo;
  openConnections: number;
  acceptedTotal: number;
  reported: ReportedError | undefined;
}

/** The selected socket at a glance: what and where it is, its state, traffic and actions. */
export function SocketHeader({ socket, openConnections, acceptedTotal, reported }: SocketHeaderProps) {
  const logView = usePreferences((state) => state.logView);
  const error = socket.error ?? reported?.error;
  const isListener = socket.kind === 'tcp-listener';

  return (
    // A container: on a narrow pane the actions show their icons only (SocketActions) and the kind's
    // word goes (the badge still says TCP or UDP), so that the endpoints keep the room.
    <div className="@container/header shrink-0 border-b border-line bg-panel px-3 py-2">
      <div className="flex items-start gap-3">
        <div className="flex min-h-6 min-w-0 flex-1 items-center gap-2">
          <ProtocolBadge kind={badgeKind(socket)} secure={socket.tls !== undefined} />
          <span className="shrink-0 text-xs text-muted @max-lg/header:hidden">{socketKindLabel(socket)}</span>
          <h1 className="min-w-0 truncate font-mono text-[13px] font-medium text-fg" title={endpointSummary(socket)}>
            {endpointSummary(socket)}
          </h1>
          <span className="shrink-0 text-xs">
            <StateIndicator state={socket.state} />
          </span>
        </div>
        <SocketActions key={socket.id} socket={socket} openConnections={openConnections} />
      </div>
      {/* The tools move under the counters, right-aligned, when both do not fit on one line. */}
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <div className="flex min-w-0 flex-1 basis-72 flex-wrap items-center gap-x-4 gap-y-0.5 text-xs text-muted">
          {isListener && (
            <span>
              {plural(openConnections, 'open connection')}
              {acceptedTotal > openConnections ? ` · ${acceptedTotal} in the list` : ''}
            </span>
          )}
          <SocketTraffic id={socket.id} udp={socket.kind === 'udp'} totals={!isListener} />
          {socket.kind === 'udp' && socket.defaultTarget && (
            <span>
              Default target <span className="font-mono text-fg">{formatEndpoint(socket.defaultTarget)}</span>
            </span>
          )}
          <PeerProcessNote socket={socket} />
          <span>Opened {formatTime(socket.createdAt)}</span>
        </div>
        <div className="ml-auto flex flex-wrap items-center justify-end gap-1.5">
          <SearchButton socketId={socket.id} />
          <SocketLogTools socket={socket} />
          <span aria-hidden="true" className="text-xs text-muted">
            Framing
          </span>
          <FramingControl socket={socket} />
          <span aria-hidden="true" className="ml-1.5 text-xs text-muted">
            View
          </span>
          <SegmentedControl label="Log view" options={viewOptions} value={logView} onChange={(value) => setPreference('logView', value)} />
          <TextEncodingSelect />
          {logView === 'decoded' && <DecoderSelect socket={socket} />}
        </div>
      </div>
      <TlsDetails socket={socket} />
      {error && (
        <p className="mt-1 flex min-w-0 items-center gap-1.5 text-xs text-danger">
          <AlertIcon className="size-3.5 shrink-0" />
          <span className="min-w-0 truncate select-text" title={error.message}>
            {error.message}
          </span>
        </p>
      )}
    </div>
  );
}

/** The process at the other end, when it runs on this machine. */
function PeerProcessNote({ socket }: { socket: SocketInfo }) {
  const peer = usePeerProcess(socket);
  if (!peer) return null;
  return (
    <span title={peer.command}>
      Peer process <span className="font-mono text-fg">{peer.label}</span> (pid {peer.pid})
    </span>
  );
}
