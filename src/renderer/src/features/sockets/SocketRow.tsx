import { memo, type MouseEvent } from 'react';
import type { SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { connectionsSummary } from '../../ui/format';
import { usePeerProcess } from './peerProcess';
import { actionLabel, primaryAction, runAction, type SocketAction } from './socketActions';
import { endpointSummary } from './socketTree';
import { socketName } from './socketName';
import { reportError, selectSocket, useSocketSettings, type ReportedError } from './sockets';
import { toggleCollapsed } from '../shell/ui';
import { SocketActivity, SocketBytes } from './SocketCounters';
import { ChevronIcon, CloseIcon, EraseIcon, StopIcon, TrashIcon } from '../../ui/Icons';
import { ProtocolBadge } from '../../ui/ProtocolBadge';
import { badgeKind } from '../proxy/proxy';
import { StateIndicator } from './StateIndicator';

interface SocketRowProps {
  id: string;
  depth: 0 | 1;
  selected: boolean;
  /** The one row Tab reaches: the selected one, else the first. */
  tabbable: boolean;
  openConnections: number;
  childCount: number;
  collapsed: boolean;
  /** The newest error reported for this socket, if any. */
  reported: ReportedError | undefined;
}

const quickIcons: Partial<Record<SocketAction, typeof CloseIcon>> = {
  close: CloseIcon,
  stop: StopIcon,
  remove: TrashIcon,
  clearLog: EraseIcon,
};

/** One socket in the sidebar: protocol, endpoints, state, byte counters and activity. */
export const SocketRow = memo(function SocketRow({ id, ...rest }: SocketRowProps) {
  // Counters are left to SocketActivity and SocketBytes: they move with every packet.
  const socket = useSocketSettings(id);
  return socket ? <SocketRowBody socket={socket} {...rest} /> : null;
});

const SocketRowBody = memo(function SocketRowBody({
  socket,
  depth,
  selected,
  tabbable,
  openConnections,
  childCount,
  collapsed,
  reported,
}: Omit<SocketRowProps, 'id'> & { socket: SocketInfo }) {
  const errorText = socket.error?.message ?? reported?.error.message;
  const quick: SocketAction[] = [primaryAction(socket), 'clearLog'];
  const peer = usePeerProcess(socket);
  const secondLine = socket.kind === 'tcp-listener' ? connectionsSummary(openConnections, childCount) : peer ? `${peer.label} · pid ${peer.pid}` : '';

  const run = async (event: MouseEvent, action: SocketAction): Promise<void> => {
    event.stopPropagation();
    const result = await runAction(action, socket.id);
    if (!result.ok) reportError(socket.id, result.error);
  };

  // The row is an option, and an option's content is presentational: its mouse shortcuts (fold,
  // quick actions) sit beside it, not in it. Keyboard users have the same through Left/Right and
  // the socket's actions in its header; the shortcuts are hidden from assistive technology.
  return (
    <div role="presentation" className="group relative h-full">
      <div
        role="option"
        aria-selected={selected}
        aria-label={errorText ? `${socketName(socket)}: ${errorText}` : socketName(socket)}
        tabIndex={tabbable ? 0 : -1}
        data-socket-id={socket.id}
        onClick={() => selectSocket(socket.id)}
        className={`peer relative flex h-full cursor-default flex-col justify-center gap-0.5 border-l-2 pr-2 outline-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent ${
          depth === 1 ? 'pl-7' : 'pl-2.5'
        } ${selected ? 'border-accent bg-selected' : 'border-transparent group-hover:bg-hover'}`}
      >
        {depth === 1 && <span aria-hidden="true" className="absolute top-0 bottom-0 left-[17px] w-px bg-line-strong" />}
        {/* While the quick icons show (hover, keyboard focus), the first line stops short of them, so a
            long address truncates with its ellipsis before them instead of running beneath: they are
            two 18 px buttons in a 3 px frame, 6 px from the edge; the row pads 8 px, the line 42 more. */}
        <div className="flex min-w-0 items-center gap-1.5 group-hover:pr-[42px] group-has-[:focus-visible]:pr-[42px]">
          {socket.kind === 'tcp-listener' && childCount > 0 ? <span aria-hidden="true" className="-ml-1 size-3.5 shrink-0" /> : null}
          <ProtocolBadge kind={badgeKind(socket)} secure={socket.tls !== undefined} />
          <span className="min-w-0 flex-1 truncate font-mono text-xs text-fg" title={endpointSummary(socket)}>
            {depth === 1 ? (
              <>
                <span className="text-muted">peer </span>
                {formatEndpoint(socket.remote)}
              </>
            ) : (
              endpointSummary(socket)
            )}
          </span>
          <SocketActivity id={socket.id} />
        </div>
        <div className="flex min-w-0 items-center gap-2 text-[11px]">
          <StateIndicator state={socket.state} />
          {errorText ? (
            <span className="min-w-0 flex-1 truncate text-danger" title={errorText}>
              {errorText}
            </span>
          ) : (
            <span className="min-w-0 flex-1 truncate text-muted" title={peer?.command}>
              {secondLine}
            </span>
          )}
          {(socket.importedFrom?.kind ?? socket.kind) !== 'tcp-listener' && <SocketBytes id={socket.id} className="text-[11px]" />}
        </div>
      </div>
      {socket.kind === 'tcp-listener' && childCount > 0 ? (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          title={collapsed ? 'Show accepted connections' : 'Hide accepted connections'}
          onClick={() => toggleCollapsed(socket.id)}
          className="absolute top-[7px] left-[6px] rounded text-muted hover:text-fg"
        >
          <ChevronIcon open={!collapsed} className="size-3.5" />
        </button>
      ) : null}
      <span
        aria-hidden="true"
        className="absolute top-1 right-1.5 hidden items-center gap-px rounded bg-panel p-px shadow-sm ring-1 ring-line-strong group-hover:flex peer-focus-visible:flex"
      >
        {quick.map((action) => {
          const Icon = quickIcons[action] ?? CloseIcon;
          return (
            <button
              key={action}
              type="button"
              tabIndex={-1}
              title={actionLabel[action]}
              onMouseDown={(event) => event.preventDefault()}
              onClick={(event) => void run(event, action)}
              className={`rounded p-0.5 text-muted hover:bg-hover ${action === 'remove' || action === 'close' || action === 'stop' ? 'hover:text-danger' : 'hover:text-fg'}`}
            >
              <Icon className="size-3.5" />
            </button>
          );
        })}
      </span>
    </div>
  );
});
