import { useState } from 'react';
import type { ErrorInfo, SocketInfo } from '@shared/contract';
import { actionDescription, actionLabel, availableActions, runAction, type SocketAction } from './socketActions';
import { CloseIcon, EraseIcon, HalfCloseIcon, ResetIcon, StopIcon, TrashIcon } from '../../ui/Icons';

const icons: Record<SocketAction, typeof CloseIcon> = {
  close: CloseIcon,
  halfClose: HalfCloseIcon,
  reset: ResetIcon,
  stop: StopIcon,
  stopAll: StopIcon,
  clearLog: EraseIcon,
  remove: TrashIcon,
};

const destructive = new Set<SocketAction>(['reset', 'stopAll', 'remove']);

/** The selected socket's actions; a failure is shown beside them, as the engine said it. */
export function SocketActions({ socket, openConnections }: { socket: SocketInfo; openConnections: number }) {
  const [running, setRunning] = useState<SocketAction | null>(null);
  const [failure, setFailure] = useState<{ action: SocketAction; error: ErrorInfo } | null>(null);
  const actions = availableActions(socket, openConnections);

  const run = async (action: SocketAction): Promise<void> => {
    setRunning(action);
    setFailure(null);
    const result = await runAction(action, socket.id);
    setRunning(null);
    if (!result.ok) setFailure({ action, error: result.error });
  };

  return (
    <div className="flex min-w-0 flex-col items-end gap-1">
      <div role="group" aria-label="Socket actions" className="flex flex-wrap items-center justify-end gap-1">
        {actions.map((action) => {
          const Icon = icons[action];
          return (
            <button
              key={action}
              type="button"
              title={actionDescription[action]}
              disabled={running !== null}
              onClick={() => void run(action)}
              className={`inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-1.5 text-xs text-fg hover:bg-hover disabled:opacity-50 ${
                destructive.has(action) ? 'hover:border-danger/60 hover:text-danger' : ''
              }`}
            >
              <Icon className="size-3.5 text-muted" />
              {/* Its name, always; shown beside the icon where the header has room (SocketHeader). */}
              <span className="@max-3xl/header:sr-only">{actionLabel[action]}</span>
            </button>
          );
        })}
      </div>
      {failure && (
        <p role="alert" className="max-w-[420px] text-right text-xs text-danger">
          {actionLabel[failure.action]}: {failure.error.message}
        </p>
      )}
    </div>
  );
}
