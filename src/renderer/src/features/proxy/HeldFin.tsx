import type { ToxicStream } from '@shared/proxy';
import { streamWords } from './heldQueue';

/**
 * A FIN waiting in a held direction, in its place after the held bytes. Forwarding it lets what
 * is held before it go first (a byte stream keeps its order); a FIN is never dropped.
 */
export function HeldFin({ stream, behind, onForward }: { stream: ToxicStream; behind: boolean; onForward: () => void }) {
  const word = streamWords[stream];
  return (
    <li aria-label={`Held FIN, ${word.text}`} className="flex items-center gap-2 rounded border border-dashed border-line-strong px-1.5 py-1">
      <span className={`font-mono font-medium ${word.color}`}>
        {word.arrow} {word.text}
      </span>
      <span className="font-mono font-medium text-fg">FIN</span>
      <span className="min-w-0 truncate text-muted">
        end of stream from the {word.sender}
        {behind ? ', after the messages above' : ''}
      </span>
      <button
        type="button"
        onClick={onForward}
        title={behind ? 'Forwards the messages above, then the FIN' : 'Passes the FIN on'}
        className="ml-auto rounded bg-zinc-800 px-2 py-0.5 text-white hover:bg-zinc-700 dark:bg-zinc-200 dark:text-zinc-900"
      >
        Forward
      </button>
    </li>
  );
}
