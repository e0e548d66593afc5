import { toVisibleAscii, toVisibleText } from '@shared/codec';
import type { PayloadFormat } from '@shared/payload';

/** How much of the next message the send bar shows beside Send. */
export const PREVIEW_BYTES = 48;

/**
 * What Enter sends, control bytes made visible (`PING\r\n`); a long message by its start. Hex and
 * Base64 are bytes, shown byte by byte (`\x20\xde\xad`): read as UTF-8, bytes typed one by one (or
 * pasted binary) make characters no one meant. Text is shown as the UTF-8 the user typed.
 * Spaces at either end are written `\x20`: beside the byte count a trailing one cannot be seen,
 * and `PING ` is not `PING` to a server that reads a command up to its line end.
 */
export function previewText(bytes: Uint8Array, format: PayloadFormat): string {
  const head = bytes.subarray(0, PREVIEW_BYTES);
  const shown = format === 'text' ? toVisibleText(head) : toVisibleAscii(head);
  const cut = bytes.byteLength > PREVIEW_BYTES;
  const edges = cut ? shown.replace(/^ +/, spacesShown) : shown.replace(/^ +| +$/g, spacesShown);
  return cut ? `${edges}…` : edges;
}

const spacesShown = (run: string): string => '\\x20'.repeat(run.length);
