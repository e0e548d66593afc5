import { memo, use, useMemo, type ReactNode } from 'react';
import type { FrameInfo } from '../../../shared/contract';
import { decodeFrame } from '../../../shared/decoders';
import type { TextEncoding } from '../../../shared/payload';
import { DecodedHttp } from './DecodedHttp';
import { DecodedJson } from './DecodedJson';
import { DecodedResp } from './DecodedResp';
import { PayloadText } from './PayloadText';
import { SocketViewContext } from './socketViewContext';


interface DecodedPayloadProps {
  bytes: Uint8Array;
  /** Under a framing: its header and delimiter are not part of what is decoded. */
  frame: FrameInfo | undefined;
  textEncoding: TextEncoding;
}

/**
 * The log's Decoded view of one payload: JSON, HTTP or RESP, picked per payload on Auto or as the
 * user chose; bytes that are none of them are shown as text (with the reason, when a decoder was
 * chosen by hand).
 */
export const DecodedPayload = memo(function DecodedPayload({ bytes, frame, textEncoding }: DecodedPayloadProps) {
  const choice = use(SocketViewContext).decoder;
  const decoded = useMemo(() => decodeFrame(bodyOf(bytes, frame), choice), [bytes, frame, choice]);

  if (decoded === undefined) return <PayloadText bytes={bytes} textEncoding={textEncoding} />;
  // A pending frame is incomplete by nature: why it does not parse yet is not news.
  if ('failure' in decoded && frame?.complete === false) return <PayloadText bytes={bytes} textEncoding={textEncoding} />;
  if ('failure' in decoded) {
    return (
      <>
        <p className="font-sans text-[11px] text-muted">{decoded.failure}</p>
        <PayloadText bytes={bytes} textEncoding={textEncoding} />
      </>
    );
  }
  switch (decoded.kind) {
    case 'json':
      return (
        <Tagged tag="JSON">
          <DecodedJson documents={decoded.documents} />
        </Tagged>
      );
    case 'http':
      return (
        <Tagged tag="HTTP">
          <DecodedHttp view={decoded} textEncoding={textEncoding} />
        </Tagged>
      );
    case 'resp':
      return (
        <Tagged tag="RESP">
          <DecodedResp view={decoded} />
        </Tagged>
      );
  }
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
function bodyOf(bytes: Uint8Array, frame: FrameInfo | undefined): Uint8Array {
  if (!frame) return bytes;
  // Only a frame shown whole ends with its delimiter; a preview of a longer one does not.
  const end = bytes.length === frame.length && frame.complete ? bytes.length - frame.tail : bytes.length;
  return bytes.subarray(Math.min(frame.head, end), end);
}
