import { memo, use, useMemo, type ReactNode } from 'react';
import { formatBytes } from '@shared/codec';
import type { FrameInfo } from '@shared/contract';
import { decodeFrame } from '@shared/decoders';
import type { TextEncoding } from '@shared/payload';
import { formatExactBytes } from '../../../ui/format';
import { renderHttp } from './DecodedHttp';
import { renderJson } from './DecodedJson';
import { renderResp } from './DecodedResp';
import { DrawBudget } from './drawBudget';
import { PayloadText } from '../PayloadText';
import { SocketViewContext } from '../../sockets/socketViewContext';
import { useWholeFrame } from './wholeFrames';

interface DecodedPayloadProps {
  /** Every byte of the entry or frame this window has (a frame past 1 MiB arrives as its first MiB). */
  bytes: Uint8Array;
  /** The whole entry's or frame's size. */
  length: number;
  /** Under a framing: its header and delimiter are not part of what is decoded. */
  frame: FrameInfo | undefined;
  textEncoding: TextEncoding;
  /** A frame's index under the socket's framing: a frame longer than a read gives is read again, whole. */
  index: number | undefined;
  /** Characters drawn at most; more after "Show more". */
  limit: number;
  expanded: boolean;
  onExpand: () => void;
}

/**
 * The log's Decoded view of one payload: JSON, HTTP or RESP, picked per payload on Auto or as the
 * user chose; bytes that are none of them are shown as text (with the reason, when a decoder was
 * chosen by hand). The whole message is decoded; only what is drawn is shortened, and then the
 * row says how much it shows.
 */
export const DecodedPayload = memo(function DecodedPayload({
  bytes: read,
  length,
  frame,
  textEncoding,
  index,
  limit,
  expanded,
  onExpand,
}: DecodedPayloadProps) {
  const { decoder: choice, socketId } = use(SocketViewContext);
  const whole = useWholeFrame(socketId, index, read.length < length && frame?.complete === true);
  const bytes = whole && 'bytes' in whole ? whole.bytes : read;
  const body = useMemo(() => bodyOf(bytes, length, frame), [bytes, length, frame]);
  const decoded = useMemo(() => decodeFrame(body, choice), [body, choice]);
  const budget = new DrawBudget(limit);
  const missing = length - bytes.length;

  const asText = (): ReactNode => {
    const shown = bytes.subarray(0, budget.takeCount(bytes.length));
    return <PayloadText bytes={shown} textEncoding={textEncoding} />;
  };

  let content: ReactNode;
  // A pending frame is incomplete by nature: why it does not parse yet is not news.
  if (decoded === undefined || ('failure' in decoded && frame?.complete === false)) content = asText();
  else if ('failure' in decoded) {
    content = (
      <>
        <p className="font-sans text-[11px] text-muted">{decoded.failure}</p>
        {asText()}
      </>
    );
  } else if (decoded.kind === 'json') content = <Tagged tag="JSON">{renderJson(decoded.documents, budget)}</Tagged>;
  else if (decoded.kind === 'http') content = <Tagged tag="HTTP">{renderHttp(decoded, textEncoding, budget)}</Tagged>;
  else content = <Tagged tag="RESP">{renderResp(decoded, budget)}</Tagged>;

  const decodedWhole = decoded !== undefined && !('failure' in decoded);
  const note = (): string => {
    if (whole === undefined && missing > 0 && frame?.complete) return `Reading all ${formatExactBytes(length)} to decode them…`;
    if (whole && 'error' in whole) return `Could not read the whole frame: ${whole.error.message}`;
    if (missing > 0)
      return `Decoded the first ${formatBytes(bytes.length)} of ${formatExactBytes(length)}; the rest is in the log but not read here.`;
    if (decodedWhole) return `Decoded all ${formatExactBytes(length)}; showing the first ${formatBytes(limit)} of what it says.`;
    return `Showing ${formatBytes(limit)} of ${formatExactBytes(length)}.`;
  };
  return (
    <>
      {content}
      {(budget.cut || missing > 0) && (
        <div className="mt-0.5 flex items-center gap-2 font-sans text-[11px] text-muted">
          <span>{note()}</span>
          {budget.cut && !expanded && (
            <button type="button" onClick={onExpand} className="text-accent hover:underline">
              Show more
            </button>
          )}
        </div>
      )}
    </>
  );
});

/** The protocol's name in a small gutter beside what it decoded. */
function Tagged({ tag, children }: { tag: string; children: ReactNode }) {
  return (
    <div className="flex items-start gap-2">
      <span className="mt-px shrink-0 rounded-sm border border-line-strong px-1 font-sans text-[10px] leading-[13px] font-semibold tracking-wide text-muted">
        {tag}
      </span>
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}

/** The bytes to decode: without a length header or a delimiter the framing added. */
function bodyOf(bytes: Uint8Array, length: number, frame: FrameInfo | undefined): Uint8Array {
  if (!frame) return bytes;
  // Only a frame read whole ends with its delimiter; the first MiB of a longer one does not.
  const end = bytes.length === length && frame.complete ? bytes.length - frame.tail : bytes.length;
  return bytes.subarray(Math.min(frame.head, end), end);
}
