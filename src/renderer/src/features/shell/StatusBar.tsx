import { formatBytes } from '@shared/codec';
import { formatTime, plural } from '../../ui/format';
import { selectSocket, useSockets } from '../sockets/sockets';
import { AlertIcon } from '../../ui/Icons';
import { LogBudgetControl } from './LogBudgetControl';
import { ToxiproxyApiControl } from '../proxy/ToxiproxyApiControl';

function describeHost(): string {
  if (typeof window !== 'undefined' && window.sockscope) return 'Connected';
  return `Connected to ${window.location.host}`;
}

/** The window's footer: link to the engine, open sockets, total traffic, and the last error. */
export function StatusBar() {
  const transport = useSockets((state) => state.transport);
  const lastError = useSockets((state) => state.lastError);
  const errorSocketExists = useSockets((state) => (state.lastError?.id ? state.lastError.id in state.sockets : false));
  const totals = useSockets((state) => state.totals);

  const reason = 'reason' in transport ? transport.reason : '';
  const link =
    transport.state === 'open'
      ? { dot: 'bg-emerald-500', text: describeHost() }
      : transport.state === 'connecting'
        ? { dot: 'bg-zinc-400 animate-pulse', text: 'Connecting…' }
        : transport.state === 'refused'
          ? { dot: 'bg-red-500', text: `Not connected: ${reason}` }
          : { dot: 'bg-red-500', text: `Reconnecting… ${reason}` };

  return (
    <footer className="flex h-6 shrink-0 items-center gap-4 border-t border-line bg-chrome px-3 text-[11px] text-muted">
      <span role="status" aria-label="Engine connection" className="flex shrink-0 items-center gap-1.5 whitespace-nowrap">
        <span aria-hidden="true" className={`size-[7px] rounded-full ${link.dot}`} />
        {link.text}
      </span>
      <span className="shrink-0 whitespace-nowrap">{plural(totals.open, 'open socket')}</span>
      <span className="flex shrink-0 items-center gap-2.5 whitespace-nowrap font-mono tabular-nums">
        <span className="text-rx" title="Received by all sockets in the list">
          <span aria-hidden="true">↓ </span>
          <span className="sr-only">received </span>
          {formatBytes(totals.bytesIn)}
        </span>
        <span className="text-tx" title="Sent by all sockets in the list">
          <span aria-hidden="true">↑ </span>
          <span className="sr-only">sent </span>
          {formatBytes(totals.bytesOut)}
        </span>
      </span>
      <LogBudgetControl />
      <ToxiproxyApiControl />
      {lastError && (
        <button
          type="button"
          disabled={!errorSocketExists}
          onClick={() => lastError.id && selectSocket(lastError.id)}
          title={errorSocketExists ? 'Show the socket this error is about' : lastError.error.message}
          className="ml-auto flex min-w-0 items-center gap-1.5 text-danger enabled:hover:underline"
        >
          <AlertIcon className="size-3.5 shrink-0" />
          <span className="truncate">
            Last error {formatTime(lastError.time)}: {lastError.error.message}
          </span>
        </button>
      )}
    </footer>
  );
}
