import type { ClipboardEvent, DragEvent } from 'react';
import { formatCount, plural } from './format';

type Field = HTMLInputElement | HTMLTextAreaElement;

/**
 * Refuses text pasted or dropped into a field that would then hold more than `maxChars`, before
 * the browser inserts it. A field's own check comes too late for a very large paste: Chromium's
 * renderer crashes laying out ~100 MB in a textarea (60 MB took 20 s), and the window, with every
 * log it shows, goes with it. Returns what to tell the user, or null when the text may go in.
 */
export function refuseLongInsert(event: ClipboardEvent<Field> | DragEvent<Field>, maxChars: number, why: string): string | null {
  const data = 'clipboardData' in event ? event.clipboardData : event.dataTransfer;
  if (!data) return null;
  const field = event.currentTarget;
  const incoming = data.getData('text/plain').length;
  // A paste replaces the selection; a drop lands beside it.
  const replaced = event.type === 'paste' ? (field.selectionEnd ?? 0) - (field.selectionStart ?? 0) : 0;
  if (field.value.length - replaced + incoming <= maxChars) return null;
  event.preventDefault();
  return `Not pasted: ${plural(incoming, 'character')}, ${why}`;
}

/** The usual reason: `what` (a field, an editor) takes at most `maxChars`. */
export function takesAtMost(what: string, maxChars: number): string {
  return `more than ${what} takes (${formatCount(maxChars)} at most).`;
}
