import { memo, Suspense } from 'react';
import type { LostBytes as Lost } from '@shared/contract';
import { formatBytes, formatDuration } from '@shared/codec';
import { formatEndpoint } from '@shared/endpoint';
import { formatExactBytes, formatTimeMicros } from '../../ui/format';
import { type LogRowEntry, searchKey } from './logRows';
import { usePreferences, type LogPayloadView } from '../shell/preferences';
import { CopyMenu } from './CopyMenu';
import { SearchMark } from './search/SearchMark';
import { FrameNote } from './framing/FrameNote';
import { HexDump } from './HexDump';
import { AlertIcon, InfoIcon } from '../../ui/Icons';
import { EXPANDED_LIMIT, logGridColumns, PREVIEW_LIMIT } from './logLayout';
import { LazyDecodedPayload } from '../shell/lazyParts';
import { PayloadText } from './PayloadText';

interface LogEntryRowProps {
  seq: number;
  /** Undefined while its page is on the way, or for good when it fell out of the log before it was read. */
  entry: LogRowEntry | undefined;
  /** The log no longer holds it (a paused view shows what it read; this row it had not). */
  fellOut: boolean;
  view: LogPayloadView;
  /** UDP: show each datagram's peer. */
  showPeer: boolean;
  showDelta: boolean;
  /** Milliseconds since the previous entry. */
  delta: number | undefined;
  /** A reply: milliseconds since what was sent before it. */
  roundTrip: number | undefined;
  expanded: boolean;
  onExpand: (seq: number) => void;
}

const errorEvents = new Set(['error', 'reset']);

/** One log entry: time, direction, size, (peer), then the payload as text or a hex dump. */
export const LogEntryRow = memo(function LogEntryRow({
  seq,
  entry,
  fellOut,
  view,
  showPeer,
  showDelta,
  delta,
  roundTrip,
  expanded,
  onExpand,
}: LogEntryRowProps) {
  const grid = `grid ${logGridColumns(showPeer, showDelta)} gap-x-2 px-3 py-[3px] font-mono text-xs leading-4`;
  const textEncoding = usePreferences((state) => state.textEncoding);

  if (!entry) {
    return (
      <div className={`${grid} text-faint`} aria-busy={!fellOut}>
        <span>#{seq}</span>
        {showDelta && <span />}
        <span />
        <span />
        {showPeer && <span />}
        <span className="font-sans">{fellOut ? 'Fell out of the log before it was read' : 'Loading…'}</span>
      </div>
    );
  }

  const time = (
    <>
      <span className="text-muted tabular-nums">{formatTimeMicros(entry.time)}</span>
      {showDelta && (
        <span className="text-right text-muted tabular-nums" title="Time since the previous entry">
          {delta === undefined ? '' : `+${formatDuration(delta)}`}
        </span>
      )}
    </>
  );

  if (entry.dir === 'event') {
    const isError = errorEvents.has(entry.event);
    return (
      <div className={`${grid} relative ${isError ? 'bg-danger/5' : ''}`}>
        <SearchMark seq={searchKey(entry)} />
        {time}
        <span className={`flex items-center ${isError ? 'text-danger' : 'text-faint'}`} title={entry.event}>
          {isError ? <AlertIcon className="size-3.5" /> : <InfoIcon className="size-3.5" />}
          <span className="sr-only">{isError ? 'error' : 'event'}</span>
        </span>
        {entry.lost ? <LostBytes lost={entry.lost} /> : <span />}
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
  // A frame's bytes may be only its start (see FrameInfo.length).
  const length = entry.frame?.length ?? entry.bytes.byteLength;
  const limit = expanded ? EXPANDED_LIMIT : PREVIEW_LIMIT[view];
  const shown = length > limit ? entry.bytes.subarray(0, limit) : entry.bytes;

  return (
    <div className={`${grid} group relative`}>
      <SearchMark seq={searchKey(entry)} />
      {/* The row element shows another entry as the view moves (see LogView): CopyMenu drops a menu opened on the one before. */}
      {length > 0 && <CopyMenu bytes={entry.bytes} length={length} seq={entry.seq} />}
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
        {/* Its right margin keeps it clear of the copy button a hover shows (CopyMenu). */}
        {roundTrip !== undefined && (
          <span
            className="float-right mr-5 ml-2 rounded-sm bg-rx/10 px-1 font-sans text-[11px] text-rx tabular-nums"
            title="Round trip: from the message sent before it to this reply"
          >
            RTT {formatDuration(roundTrip)}
          </span>
        )}
        {length === 0 ? (
          <span className="font-sans text-faint">(empty)</span>
        ) : view === 'hex' ? (
          <HexDump bytes={shown} colorClass={colorClass} />
        ) : view === 'decoded' ? (
          <Suspense fallback={<PayloadText bytes={shown} textEncoding={textEncoding} />}>
            <LazyDecodedPayload
              key={entry.seq}
              bytes={entry.bytes}
              length={length}
              frame={entry.frame}
              textEncoding={textEncoding}
              index={entry.index}
              limit={limit}
              expanded={expanded}
              onExpand={() => onExpand(seq)}
            />
          </Suspense>
        ) : (
          <PayloadText bytes={shown} textEncoding={textEncoding} />
        )}
        {view !== 'decoded' && length > shown.byteLength && (
          <div className="mt-0.5 flex items-center gap-2 font-sans text-[11px] text-muted">
            Showing {formatBytes(shown.byteLength)} of {formatBytes(length)}
            {!expanded && (
              <button type="button" onClick={() => onExpand(seq)} className="text-accent hover:underline">
                Show more
              </button>
            )}
          </div>
        )}
        {entry.frame && <FrameNote frame={entry.frame} />}
      </div>
    </div>
  );
});

/** A note's lost bytes (a proxy read them and never delivered them), struck through in their direction's colour. */
function LostBytes({ lost }: { lost: Lost }) {
  const way = lost.dir === 'out' ? 'client → server' : 'server → client';
  return (
    <span
      className={`text-right tabular-nums line-through ${lost.dir === 'in' ? 'text-rx' : 'text-tx'}`}
      title={`${formatExactBytes(lost.bytes)} lost on the way ${way}: in no entry of this log`}
    >
      {formatExactBytes(lost.bytes)}
      <span className="sr-only"> lost</span>
    </span>
  );
}
