import { memo } from 'react';
import { formatBytes, toVisibleText } from '../../../shared/codec';
import type { LogEntry } from '../../../shared/contract';
import { formatEndpoint } from '../../../shared/endpoint';
import { formatExactBytes, formatTime } from '../state/format';
import type { PayloadView } from '../state/preferences';
import { HexDump } from './HexDump';
import { AlertIcon, InfoIcon } from './Icons';
import { EXPANDED_LIMIT, logGridColumns, PREVIEW_LIMIT } from './logLayout';
import { VisibleText } from './VisibleText';

interface LogEntryRowProps {
  seq: number;
  /** Undefined while its page is on the way. */
  entry: LogEntry | undefined;
  view: PayloadView;
  /** UDP: show each datagram's peer. */
  showPeer: boolean;
  expanded: boolean;
  onExpand: (seq: number) => void;
}

const errorEvents = new Set(['error', 'reset']);

/** One log entry: time, direction, size, (peer), then the payload as text or a hex dump. */
export const LogEntryRow = memo(function LogEntryRow({ seq, entry, view, showPeer, expanded, onExpand }: LogEntryRowProps) {
  const grid = `grid ${logGridColumns(showPeer)} gap-x-2 px-3 py-[3px] font-mono text-xs leading-4`;

  if (!entry) {
    return (
      <div className={`${grid} text-faint`} aria-busy="true">
        <span>#{seq}</span>
        <span />
        <span />
        {showPeer && <span />}
        <span className="font-sans">Loading…</span>
      </div>
    );
  }

  const time = <span className="text-muted tabular-nums">{formatTime(entry.time)}</span>;

  if (entry.dir === 'event') {
    const isError = errorEvents.has(entry.event);
    return (
      <div className={`${grid} ${isError ? 'bg-danger/5' : ''}`}>
        {time}
        <span className={`flex items-center ${isError ? 'text-danger' : 'text-faint'}`} title={entry.event}>
          {isError ? <AlertIcon className="size-3.5" /> : <InfoIcon className="size-3.5" />}
          <span className="sr-only">{isError ? 'error' : 'event'}</span>
        </span>
        <span />
        {showPeer && <span />}
        <span className={`font-sans whitespace-pre-wrap ${isError ? 'text-danger' : 'text-muted'}`}>
          {entry.message}
          {entry.code && <span className="ml-2 font-mono text-[11px] text-faint">{entry.code}</span>}
        </span>
      </div>
    );
  }

  const received = entry.dir === 'in';
  const colorClass = received ? 'text-rx' : 'text-tx';
  const length = entry.bytes.byteLength;
  const limit = expanded ? EXPANDED_LIMIT : PREVIEW_LIMIT[view];
  const shown = length > limit ? entry.bytes.subarray(0, limit) : entry.bytes;

  return (
    <div className={grid}>
      {time}
      <span className={`font-semibold ${colorClass}`}>
        <span aria-hidden="true">{received ? '↓' : '↑'} </span>
        {received ? 'RX' : 'TX'}
        <span className="sr-only">{received ? ' received' : ' sent'}</span>
      </span>
      <span className="text-right text-muted tabular-nums">{formatExactBytes(length)}</span>
      {showPeer && (
        <span className="truncate text-muted" title={entry.peer ? formatEndpoint(entry.peer) : undefined}>
          {entry.peer ? `${received ? 'from' : 'to'} ${formatEndpoint(entry.peer)}` : ''}
        </span>
      )}
      <div className="min-w-0">
        {length === 0 ? (
          <span className="font-sans text-faint">(empty)</span>
        ) : view === 'hex' ? (
          <HexDump bytes={shown} colorClass={colorClass} />
        ) : (
          <div className="break-all whitespace-pre-wrap text-fg">
            <VisibleText text={trimFinalBreak(toVisibleText(shown, { lineBreaks: true }))} />
          </div>
        )}
        {length > shown.byteLength && (
          <div className="mt-0.5 flex items-center gap-2 font-sans text-[11px] text-muted">
            Showing {formatBytes(shown.byteLength)} of {formatBytes(length)}
            {!expanded && (
              <button type="button" onClick={() => onExpand(entry.seq)} className="text-accent hover:underline">
                Show more
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
});

/** `lineBreaks` puts a real break after each `\n`; the last one would only add an empty line. */
function trimFinalBreak(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
