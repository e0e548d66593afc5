import { use } from 'react';
import type { FrameInfo } from '@shared/contract';
import type { FramingSpec } from '@shared/framing';
import { delimiterName } from '@shared/framing-names';
import { formatExactBytes, plural } from '../../../ui/format';
import { SocketViewContext } from '../../sockets/socketViewContext';

/**
 * Under a frame's payload: that it is still waiting for the rest of its bytes, how many reads it
 * was put together from, and what was wrong with it.
 */
export function FrameNote({ frame }: { frame: FrameInfo }) {
  const { framing } = use(SocketViewContext);
  const notes: string[] = [];
  if (!frame.complete) notes.push(awaiting(frame, framing));
  if (frame.chunks > 1) notes.push(`from ${plural(frame.chunks, 'read')}`);
  if (notes.length === 0 && !frame.problem) return null;
  return (
    <div className="mt-0.5 flex flex-wrap items-center gap-x-2 font-sans text-[11px] text-muted">
      {!frame.complete && <span className="rounded-sm border border-dashed border-line-strong px-1 leading-4 font-medium text-fg">Pending</span>}
      {notes.length > 0 && <span>{notes.join(' · ')}</span>}
      {frame.problem && <span className="text-danger">{frame.problem}</span>}
    </div>
  );
}

/** What a pending frame waits for: "waiting for LF", "12 B of 300 B", "waiting for the length header". */
function awaiting(frame: FrameInfo, framing: FramingSpec): string {
  if (frame.expected !== undefined) return `${formatExactBytes(frame.length)} of ${formatExactBytes(frame.expected)} so far`;
  if (framing.mode === 'delimiter') return `waiting for ${delimiterName(framing.delimiter)}`;
  if (framing.mode === 'length') return 'waiting for the rest of the length header';
  if (framing.mode === 'message') return 'waiting for the rest of the message';
  return 'waiting for the end of the frame';
}
