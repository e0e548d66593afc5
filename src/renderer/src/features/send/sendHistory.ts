import type { PayloadFormat } from '@shared/payload';

export interface SentMessage {
  mode: PayloadFormat;
  text: string;
}

const LIMIT = 100;
/** Large inputs are sent but not remembered, so history stays cheap to keep and recall. */
const MAX_REMEMBERED_CHARS = 64 * 1024;

const histories = new Map<string, SentMessage[]>();
const drafts = new Map<string, string>();

/** What was sent on a socket, oldest first. */
export function historyFor(id: string): readonly SentMessage[] {
  return histories.get(id) ?? [];
}

export function remember(id: string, message: SentMessage): void {
  if (message.text.length === 0 || message.text.length > MAX_REMEMBERED_CHARS) return;
  const list = histories.get(id) ?? [];
  const last = list[list.length - 1];
  if (last && last.text === message.text && last.mode === message.mode) return;
  list.push(message);
  if (list.length > LIMIT) list.splice(0, list.length - LIMIT);
  histories.set(id, list);
}

/** The unsent text of a socket's send bar, kept while another socket is shown. */
export function draftFor(id: string): string {
  return drafts.get(id) ?? '';
}

export function saveDraft(id: string, text: string): void {
  if (text) drafts.set(id, text);
  else drafts.delete(id);
}
