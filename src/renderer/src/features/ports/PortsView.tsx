import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { formatCount, formatTime, plural } from '../../ui/format';
import { dismissConnectError, refreshIntervals, refreshPorts, setPortsPreference, setPortsQuery, usePorts, type RefreshInterval } from './ports';
import { showCounts, visiblePortRows, type PortsShow } from './portsTable';
import type { ListeningPorts } from '@shared/contract';
import { AlertIcon, CloseIcon, InfoIcon, RefreshIcon, SearchIcon } from '../../ui/Icons';
import { PortsTable } from './PortsTable';
import { SegmentedControl } from '../../ui/SegmentedControl';

const intervalLabel = (ms: RefreshInterval): string => (ms === 0 ? 'Off' : `Every ${ms / 1000} s`);

/**
 * Lists the machine's ports when the view opens, then every `intervalMs` while the window is
 * visible (Off: never again by itself). The view only exists while shown, so leaving it stops the
 * refreshing too. Choosing another interval keeps the time since the last listing: no extra read.
 */
function useLivePorts(intervalMs: RefreshInterval): void {
  const opened = useRef(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let generation = 0;
    const schedule = (delayMs: number): void => {
      clearTimeout(timer);
      if (intervalMs > 0) timer = setTimeout(() => void tick(), Math.max(0, delayMs));
    };
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      const mine = ++generation;
      if (document.hidden) return;
      await refreshPorts();
      // Scheduled from the end of a listing, so a slow one never piles up behind itself.
      if (mine === generation) schedule(intervalMs);
    };
    const onVisibility = (): void => {
      generation++;
      clearTimeout(timer);
      if (!document.hidden) void tick();
    };
    if (!opened.current) {
      opened.current = true;
      void tick();
    } else {
      schedule(intervalMs - (Date.now() - (usePorts.getState().updatedAt ?? 0)));
    }
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      generation++;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs]);
}

/** How long the filter box waits for the next key before the host is asked: the page filters what it has meanwhile. */
const QUERY_SETTLE_MS = 250;

/** A new Show choice lists at once, a new filter once typing pauses (the first listing is useLivePorts'). */
function useListingFollowsView(show: PortsShow, query: string): void {
  const previous = useRef({ show, query });
  useEffect(() => {
    const before = previous.current;
    previous.current = { show, query };
    if (before.show === show && before.query === query) return;
    const timer = setTimeout(() => void refreshPorts(), before.show !== show ? 0 : QUERY_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [show, query]);
}

const noListeners: ListeningPorts = { tcp: [], udp: [] };

/** A failure above the table, with the one thing to do about it. */
function ErrorStrip({ children, action }: { children: ReactNode; action: ReactNode }) {
  return (
    <div role="alert" className="flex shrink-0 items-center gap-2 border-b border-danger/30 bg-danger/8 px-3 py-1.5 text-xs text-danger">
      <AlertIcon className="size-3.5 shrink-0" />
      <span className="min-w-0 flex-1 truncate">{children}</span>
      {action}
    </div>
  );
}

function StripButton({ onClick, label, children }: { onClick: () => void; label?: string; children: ReactNode }) {
  return (
    <button type="button" onClick={onClick} aria-label={label} className="shrink-0 rounded px-1.5 py-0.5 font-medium hover:bg-danger/10">
      {children}
    </button>
  );
}

/** Every listening, bound and connected socket of this machine: find a service, connect to it. */
export function PortsView() {
  const list = usePorts((state) => state.list);
  const error = usePorts((state) => state.error);
  const loading = usePorts((state) => state.loading);
  const updatedAt = usePorts((state) => state.updatedAt);
  const intervalMs = usePorts((state) => state.intervalMs);
  const show = usePorts((state) => state.show);
  const query = usePorts((state) => state.query);
  const sort = usePorts((state) => state.sort);
  const connectError = usePorts((state) => state.connectError);
  const filterRef = useRef<HTMLInputElement>(null);
  useLivePorts(intervalMs);
  useListingFollowsView(show, query);

  const listed = useMemo(() => list?.rows ?? [], [list]);
  // The host filtered already; the page too, so that typing and switching show at once what they will.
  const rows = useMemo(() => visiblePortRows(listed, show, query, sort), [listed, show, query, sort]);
  const counts = showCounts(list?.counts);
  const leftOut = list ? list.matched - list.rows.length : 0;
  const showOptions: readonly { value: PortsShow; label: string }[] = [
    { value: 'listening', label: `Listening ${formatCount(counts.listening)}` },
    { value: 'connections', label: `Connections ${formatCount(counts.connections)}` },
    { value: 'all', label: `All ${formatCount(counts.all)}` },
  ];

  useEffect(() => {
    filterRef.current?.focus();
    const onKeyDown = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        filterRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const emptyText =
    list === undefined
      ? error
        ? 'The ports of this machine could not be read.'
        : 'Reading the ports of this machine…'
      : query.trim() !== ''
        ? `No ${show === 'all' ? 'sockets' : show === 'listening' ? 'listening sockets' : 'connections'} match “${query.trim()}”.`
        : show === 'listening'
          ? 'Nothing is listening on this machine.'
          : show === 'connections'
            ? 'No connections right now.'
            : 'No sockets.';

  return (
    <main aria-label="Ports" className="flex min-h-0 min-w-0 flex-1 flex-col bg-canvas">
      <div className="flex h-10 shrink-0 items-center gap-3 border-b border-line bg-panel px-3">
        <label className="relative flex shrink-0 items-center">
          <SearchIcon className="pointer-events-none absolute left-2 size-3.5 text-faint" />
          <input
            ref={filterRef}
            type="search"
            aria-label="Filter ports"
            value={query}
            onChange={(event) => setPortsQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && query !== '') {
                event.preventDefault();
                setPortsQuery('');
              }
            }}
            placeholder="Filter: port, process, address, state…"
            spellCheck={false}
            autoComplete="off"
            className="h-6 w-56 xl:w-72 rounded border border-line-strong bg-canvas pr-2 pl-7 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent"
          />
        </label>
        <SegmentedControl label="Show" options={showOptions} value={show} onChange={(value) => setPortsPreference({ show: value })} />
        <div className="ml-auto flex min-w-0 items-center gap-3 text-xs text-muted">
          <span role="status" className="min-w-0 truncate whitespace-nowrap tabular-nums" title={list ? `Read from ${list.source}` : undefined}>
            {list && (
              <>
                {rows.length === counts.all ? plural(counts.all, 'socket') : `${formatCount(rows.length)} of ${plural(counts.all, 'socket')}`}
                <span className="text-faint"> · {list.source}</span>
              </>
            )}
            {updatedAt !== undefined && <span className="text-faint"> · {formatTime(updatedAt).slice(0, 8)}</span>}
          </span>
          <label className="flex shrink-0 items-center gap-1.5">
            <span>Refresh</span>
            <select
              aria-label="Refresh interval"
              value={intervalMs}
              onChange={(event) => setPortsPreference({ intervalMs: Number(event.target.value) as RefreshInterval })}
              className="h-6 rounded border border-line-strong bg-canvas px-1 text-xs text-fg"
            >
              {refreshIntervals.map((ms) => (
                <option key={ms} value={ms}>
                  {intervalLabel(ms)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => void refreshPorts()}
            aria-label="Refresh now"
            title="Refresh now"
            className="inline-flex size-6 shrink-0 items-center justify-center rounded text-muted hover:bg-hover hover:text-fg"
          >
            <RefreshIcon className={`size-3.5 ${loading ? 'animate-spin [animation-duration:700ms]' : ''}`} />
          </button>
        </div>
      </div>
      {error && (
        <ErrorStrip action={<StripButton onClick={() => void refreshPorts()}>Try again</StripButton>}>
          Could not list the ports: {error.message}
          {list && (
            <span className="text-muted"> Showing the list from {updatedAt !== undefined ? formatTime(updatedAt).slice(0, 8) : 'before'}.</span>
          )}
        </ErrorStrip>
      )}
      {connectError && (
        <ErrorStrip
          action={
            <StripButton onClick={dismissConnectError} label="Dismiss">
              <CloseIcon className="size-3.5" />
            </StripButton>
          }
        >
          Could not connect to <span className="font-mono">{connectError.target}</span>: {connectError.error.message}
        </ErrorStrip>
      )}
      {list?.note && (
        <div role="note" className="flex shrink-0 items-center gap-2 border-b border-line bg-chrome px-3 py-1.5 text-xs text-muted">
          <InfoIcon className="size-3.5 shrink-0" />
          <span>{list.note}</span>
        </div>
      )}
      {list && leftOut > 0 && (
        <div
          role="note"
          aria-label="Not all shown"
          className="flex shrink-0 items-center gap-2 border-b border-line bg-chrome px-3 py-1.5 text-xs text-fg"
        >
          <InfoIcon className="size-3.5 shrink-0" />
          <span>
            Showing the first {formatCount(list.rows.length)} of {plural(list.matched, 'matching socket')}, by local port; {formatCount(leftOut)} more
            are not listed. Type a port, process, address or state in the filter to narrow the list.
          </span>
        </div>
      )}
      <PortsTable
        rows={rows}
        listening={list?.listeningPorts ?? noListeners}
        empty={
          <div className="flex flex-col items-center gap-2 px-6 py-10 text-center text-xs text-muted">
            <p>{emptyText}</p>
            {query.trim() !== '' && (
              <button
                type="button"
                onClick={() => setPortsQuery('')}
                className="rounded border border-line-strong px-2 py-0.5 text-fg hover:bg-hover"
              >
                Clear the filter
              </button>
            )}
            {query.trim() === '' && show !== 'all' && list !== undefined && counts.all > 0 && (
              <button
                type="button"
                onClick={() => setPortsPreference({ show: 'all' })}
                className="rounded border border-line-strong px-2 py-0.5 text-fg hover:bg-hover"
              >
                Show all {plural(counts.all, 'socket')}
              </button>
            )}
          </div>
        }
      />
    </main>
  );
}
