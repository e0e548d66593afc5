import { useEffect, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { Result, SocketInfo } from '@shared/contract';
import type { HeldMessage, ToxicStream } from '@shared/proxy';
import { toVisibleText } from '@shared/codec';
import { parseEscapedText } from '@shared/payload';
import { cutSide, dropHeld, forwardAllHeld, forwardHeld, holdStream, listHeld } from './proxy';
import { Checkbox } from '../new-socket/OptionControls';
import { ConversationTls } from './ConversationTls';
import { HeldFin } from './HeldFin';
import { heldSummary, streamWords as words } from './heldQueue';
import { refuseLongInsert, takesAtMost } from '../../ui/pasteGuard';

/** A held message is one read (≤ 256 KiB), up to four characters a byte as escapes: room to spare. */
const HELD_EDIT_CHARS = 4 * 1024 * 1024;

/** Every byte as the log shows it (`\r\n`, `\xNN`), one line per `\n`: an edit keeps what it does not touch. */
function shown(bytes: Uint8Array): string {
  return toVisibleText(bytes, { lineBreaks: true });
}

/** A proxied conversation: breakpoints, the messages they hold (edit, forward, drop), and cutting either side. */
export function ConversationPanel({ socket }: { socket: SocketInfo }) {
  const details = socket.conversation;
  const [messages, setMessages] = useState<HeldMessage[]>([]);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const heldKey = JSON.stringify([details?.held ?? null, details?.heldFin ?? null]);

  useEffect(() => {
    let current = true;
    void listHeld(socket.id).then((result) => {
      if (current && result.ok) setMessages(result.value);
    });
    return () => {
      current = false;
    };
  }, [socket.id, heldKey]);

  if (!details) return null;
  // The engine says whether a FIN waits (only while its direction is held).
  const finHeld = (stream: ToxicStream): boolean => details.heldFin?.[stream] ?? false;
  const anyFin = finHeld('upstream') || finHeld('downstream');
  const live = socket.state !== 'closed' && socket.state !== 'error';
  const run = async (action: () => Promise<Result<unknown>>): Promise<void> => {
    const result = await action();
    setError(result.ok ? null : result.error.message);
  };
  const keyOf = (message: HeldMessage): string => `${message.stream}:${message.heldId}`;
  const forward = (message: HeldMessage): void => {
    const edited = edits[keyOf(message)];
    let data: Uint8Array<ArrayBuffer> | undefined;
    if (edited !== undefined && edited !== shown(message.bytes)) {
      // Real line breaks are only for reading: bytes are written with escapes, as in the send bar.
      const parsed = parseEscapedText(edited.replace(/\n/g, ''));
      if (!parsed.ok) return setError(`Held message #${message.heldId}: ${parsed.message}`);
      data = new Uint8Array(parsed.bytes);
    }
    void run(() => forwardHeld(socket.id, message.stream, message.heldId, data));
  };
  const guardInsert = (event: ClipboardEvent<HTMLTextAreaElement> | DragEvent<HTMLTextAreaElement>): void => {
    const refusal = refuseLongInsert(event, HELD_EDIT_CHARS, takesAtMost("a held message's edit", HELD_EDIT_CHARS));
    if (refusal) setError(refusal);
  };
  const heldRow = (message: HeldMessage) => {
    const key = keyOf(message);
    const word = words[message.stream];
    return (
      <li key={key} aria-label={`Held message ${message.heldId}, ${word.text}`} className="flex flex-col gap-1 rounded border border-line p-1.5">
        <div className="flex items-center gap-2">
          <span className={`font-mono font-medium ${word.color}`}>
            {word.arrow} {word.text}
          </span>
          <span className="text-muted">
            #{message.heldId} · {message.bytes.byteLength} B
          </span>
          <span className="ml-auto flex gap-1">
            <button
              type="button"
              onClick={() => forward(message)}
              className="rounded bg-zinc-800 px-2 py-0.5 text-white hover:bg-zinc-700 dark:bg-zinc-200 dark:text-zinc-900"
            >
              Forward
            </button>
            <button
              type="button"
              onClick={() => void run(() => dropHeld(socket.id, message.stream, message.heldId))}
              className="rounded border border-line-strong px-2 py-0.5 text-fg hover:bg-hover"
            >
              Drop
            </button>
          </span>
        </div>
        <textarea
          aria-label={`Bytes of held message ${message.heldId}`}
          value={edits[key] ?? shown(message.bytes)}
          onChange={(event) => setEdits((current) => ({ ...current, [key]: event.target.value }))}
          onPaste={guardInsert}
          onDrop={guardInsert}
          spellCheck={false}
          rows={Math.min(8, (edits[key] ?? shown(message.bytes)).split('\n').length)}
          className="w-full resize-y rounded border border-line-strong bg-canvas px-2 py-1 font-mono text-[11px] leading-4 text-fg"
        />
      </li>
    );
  };

  return (
    <section
      aria-label="Conversation"
      className="flex max-h-[45%] shrink-0 flex-col gap-2 overflow-y-auto border-t border-line bg-panel px-3 py-2.5 text-xs"
    >
      <ConversationTls details={details} />
      <div className="flex flex-wrap items-center gap-x-5 gap-y-1.5">
        {(['upstream', 'downstream'] as const).map((stream) => (
          <Checkbox
            key={stream}
            label={`Hold ${words[stream].text}`}
            checked={details.holding?.[stream] ?? false}
            disabled={!live}
            onChange={(hold) => void run(() => holdStream(socket.id, stream, hold))}
          />
        ))}
        <div className="ml-auto flex items-center gap-1">
          {(
            [
              ['client', 'fin', 'FIN to client'],
              ['client', 'rst', 'Reset client'],
              ['upstream', 'fin', 'FIN to server'],
              ['upstream', 'rst', 'Reset server'],
            ] as const
          )
            // A UDP session has no FIN or RST to send.
            .filter(() => details.protocol !== 'udp')
            .map(([side, how, label]) => (
              <button
                key={label}
                type="button"
                disabled={!live}
                onClick={() => void run(() => cutSide(socket.id, side, how))}
                className="rounded border border-line-strong bg-canvas px-2 py-0.5 text-fg hover:bg-hover disabled:opacity-50"
              >
                {label}
              </button>
            ))}
        </div>
      </div>
      {(messages.length > 0 || anyFin) && (
        <ul aria-label="Held messages" className="flex flex-col gap-1.5">
          {/* In each direction's queue order: its held bytes, then the FIN that waits behind them. */}
          {(['upstream', 'downstream'] as const).flatMap((stream) => [
            ...messages.filter((message) => message.stream === stream).map(heldRow),
            finHeld(stream) ? (
              <HeldFin
                key={`${stream}:fin`}
                stream={stream}
                behind={messages.some((message) => message.stream === stream)}
                onForward={() => void run(() => forwardAllHeld(socket.id, stream))}
              />
            ) : null,
          ])}
        </ul>
      )}

      {(['upstream', 'downstream'] as const).some((stream) => details.holding?.[stream]) && (
        <div className="flex items-center gap-2 text-muted">
          {heldSummary(messages.length, anyFin)}
          {(['upstream', 'downstream'] as const).map(
            (stream) =>
              details.holding?.[stream] && (
                <button
                  key={stream}
                  type="button"
                  onClick={() => void run(() => forwardAllHeld(socket.id, stream))}
                  className="rounded border border-line-strong bg-canvas px-2 py-0.5 text-fg hover:bg-hover"
                >
                  Forward all {words[stream].text}
                </button>
              ),
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="text-danger">
          {error}
        </p>
      )}
    </section>
  );
}
