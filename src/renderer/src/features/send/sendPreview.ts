import { toVisibleAscii, toVisibleText } from '@shared/codec';
import type { PayloadFormat } from '@shared/payload';

/** How much of the next message the send bar shows beside Send. */
export const PREVIEW_BYTES = 48;

/**
 * What Enter sends, control bytes made visible (`PING\r\n`); a long message by its start. Hex and
 * Base64 are bytes, shown byte by byte (` \xde\xad`): read as UTF-8, bytes typed one by one (or
 * pasted binary) make characters no one meant. Text is shown as the UTF-8 the user typed.
 */
export function previewText(bytes: Uint8Array, format: PayloadFormat): string {
  const head = bytes.subarray(0, PREVIEW_BYTES);
  const shown = format === 'text' ? toVisibleText(head) : toVisibleAscii(head);
  return bytes.byteLength > PREVIEW_BYTES ? `${shown}…` : shown;
}
