import type { ToxicStream } from '@shared/proxy';

/** How the conversation panel names each direction: arrow, words, and the colour of its bytes. */
export const streamWords: Record<ToxicStream, { arrow: string; text: string; color: string; sender: string }> = {
  upstream: { arrow: '↑', text: 'client → server', color: 'text-tx', sender: 'client' },
  downstream: { arrow: '↓', text: 'server → client', color: 'text-rx', sender: 'server' },
};

/** The line under the held queue: what waits, and how to edit it. */
export function heldSummary(messages: number, finHeld: boolean): string {
  if (messages === 0) {
    return finHeld
      ? 'A FIN waits: Forward it, or stop holding, to end the stream.'
      : 'Nothing held yet: what arrives in a held direction waits here.';
  }
  const what = finHeld ? `${messages} held, then a FIN` : `${messages} held`;
  return `${what}. Edit with the send bar's escapes (\\r\\n, \\xNN); line breaks are for reading only.`;
}
