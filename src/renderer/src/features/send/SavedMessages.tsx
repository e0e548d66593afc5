import { useEffect, useId, useRef, useState } from 'react';
import type { PayloadFormat, SavedMessage, Target } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { plural } from '../../ui/format';
import { exportLibrary, importLibrary, removeMessage, saveMessage, useLibrary } from './library';
import { BookmarkIcon, TrashIcon } from '../../ui/Icons';
import { isModKey, modKeyAria, modKeyName, paneShortcutsActive } from '../shell/paneShortcuts';
import { Popover, usePopover } from '../../ui/Popover';

const SHORTCUTS = 9;

const formatLabels: Record<PayloadFormat, string> = { text: 'Text', hex: 'Hex', base64: 'B64' };

interface SavedMessagesProps {
  /** The send bar's message as it would be saved; null when there is none (File mode). */
  draft: () => { format: PayloadFormat; payload: string; target?: Target } | null;
  /** Puts a saved message into the send bar. */
  load: (message: SavedMessage) => void;
  /** Sends a saved message from this send bar. */
  send: (message: SavedMessage) => void;
  /** UDP: offer to keep the send bar's target with the message. */
  udp: boolean;
}

/**
 * The library of saved messages: send one with a click or Ctrl/⌘+1…9, save the send bar's
 * message under a name, load one to edit, import and export the library as JSON. The library
 * lives in main, so every window and tab shares it.
 */
export function SavedMessages({ draft, load, send, udp }: SavedMessagesProps) {
  const messages = useLibrary((state) => state.messages);
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const importRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [withTarget, setWithTarget] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [note, setNote] = useState<{ tone: 'error' | 'ok'; text: string } | null>(null);
  const nameId = useId();

  // Ctrl/⌘+1…9 sends the first nine, from anywhere in the window while no dialog is open.
  const latest = useRef({ messages, send });
  useEffect(() => {
    latest.current = { messages, send };
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const digit = /^Digit([1-9])$/.exec(event.code);
      if (!digit || !isModKey(event) || !paneShortcutsActive()) return;
      const message = latest.current.messages[Number(digit[1]) - 1];
      if (!message) return;
      event.preventDefault();
      latest.current.send(message);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const existing = messages.find((message) => message.name === name.trim());
  const current = popover.open ? draft() : null;

  const save = async (): Promise<void> => {
    const message = draft();
    if (!message) return;
    const { target, ...rest } = message;
    const result = await saveMessage({ ...rest, name, id: existing?.id, target: withTarget ? target : undefined });
    if (!result.ok) {
      setNote({ tone: 'error', text: result.error.message });
      return;
    }
    setNote({ tone: 'ok', text: `${existing ? 'Replaced' : 'Saved'} “${result.value.name}”` });
    setName('');
  };

  const remove = async (message: SavedMessage): Promise<void> => {
    if (confirmDelete !== message.id) {
      setConfirmDelete(message.id);
      return;
    }
    setConfirmDelete(null);
    const result = await removeMessage(message.id);
    setNote(result.ok ? { tone: 'ok', text: `Deleted “${message.name}”` } : { tone: 'error', text: result.error.message });
  };

  const importFile = async (file: File): Promise<void> => {
    const result = await importLibrary(await file.text());
    setNote(
      result.ok
        ? { tone: 'ok', text: `Imported ${plural(result.value.imported, 'message')} from ${file.name}` }
        : { tone: 'error', text: result.error.message },
    );
  };

  const exportFile = async (): Promise<void> => {
    const result = await exportLibrary();
    setNote(result.ok ? { tone: 'ok', text: `Exported ${plural(result.value.count, 'message')}` } : { tone: 'error', text: result.error.message });
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        title={`Saved messages: send with a click or ${modKeyName}1…${SHORTCUTS}`}
        className="inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-2 text-xs text-fg hover:bg-chrome"
      >
        <BookmarkIcon className="size-3.5 text-muted" />
        Saved
        {messages.length > 0 && <span className="text-muted tabular-nums">({messages.length})</span>}
      </button>
      <Popover handle={popover} anchor={buttonRef} label="Saved messages" align="end" className="flex w-[420px] flex-col">
        <div className="flex items-center justify-between gap-2 border-b border-line px-3 py-2">
          <span className="font-medium">Saved messages</span>
          <span className="flex items-center gap-1">
            <input
              ref={importRef}
              type="file"
              accept=".json,application/json"
              aria-label="Saved messages file to import"
              className="sr-only"
              tabIndex={-1}
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) void importFile(file);
              }}
            />
            <button
              type="button"
              onClick={() => importRef.current?.click()}
              className="rounded px-1.5 py-0.5 text-muted hover:bg-hover hover:text-fg"
            >
              Import…
            </button>
            <button
              type="button"
              onClick={() => void exportFile()}
              disabled={messages.length === 0}
              className="rounded px-1.5 py-0.5 text-muted hover:bg-hover hover:text-fg disabled:opacity-40"
            >
              Export
            </button>
          </span>
        </div>
        {messages.length === 0 ? (
          <p className="px-3 py-4 text-center leading-relaxed text-muted">
            No saved messages yet. Type a message in the send bar, then save it below.
          </p>
        ) : (
          <ul aria-label="Saved messages" className="max-h-72 overflow-auto py-1">
            {messages.map((message, index) => (
              <li key={message.id} className="group flex items-center gap-1 px-1.5 hover:bg-hover">
                <button
                  type="button"
                  onClick={() => {
                    send(message);
                    popover.close();
                  }}
                  aria-label={`Send ${message.name}`}
                  aria-keyshortcuts={index < SHORTCUTS ? `${modKeyAria}+${index + 1}` : undefined}
                  className="flex min-w-0 flex-1 items-center gap-2 rounded px-1.5 py-1 text-left focus-visible:outline-2 focus-visible:outline-accent"
                >
                  <span className="w-9 shrink-0 text-[10px] text-faint tabular-nums">{index < SHORTCUTS ? `${modKeyName}${index + 1}` : ''}</span>
                  <span className="min-w-0 shrink-0 truncate font-medium text-fg" style={{ maxWidth: '40%' }}>
                    {message.name}
                  </span>
                  <span className="shrink-0 rounded-[3px] border border-line px-1 text-[10px] leading-4 text-muted">
                    {formatLabels[message.format]}
                  </span>
                  <span className="min-w-0 flex-1 truncate font-mono text-[11px] text-muted" title={message.payload}>
                    {message.payload}
                  </span>
                  {message.target && <span className="shrink-0 font-mono text-[10px] text-faint">→ {formatEndpoint(message.target)}</span>}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    load(message);
                    setName(message.name);
                    popover.close();
                  }}
                  aria-label={`Edit ${message.name} in the send bar`}
                  className="shrink-0 rounded px-1.5 py-1 text-[11px] text-muted opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:text-fg focus-visible:opacity-100"
                >
                  Edit
                </button>
                <button
                  type="button"
                  onClick={() => void remove(message)}
                  onBlur={() => setConfirmDelete(null)}
                  aria-label={confirmDelete === message.id ? `Confirm deleting ${message.name}` : `Delete ${message.name}`}
                  className={`shrink-0 rounded px-1.5 py-1 text-[11px] ${
                    confirmDelete === message.id
                      ? 'bg-danger/10 text-danger'
                      : 'text-muted opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:text-danger focus-visible:opacity-100'
                  }`}
                >
                  {confirmDelete === message.id ? 'Delete?' : <TrashIcon className="size-3.5" />}
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
          className="flex flex-col gap-1.5 border-t border-line bg-chrome/60 px-3 py-2"
        >
          <label htmlFor={nameId} className="text-[11px] text-muted">
            {current ? 'Save what the send bar holds as' : 'Switch the send bar to Text, Hex or Base64 to save it here'}
          </label>
          <div className="flex items-center gap-1.5">
            <input
              id={nameId}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNote(null);
              }}
              disabled={!current}
              placeholder="Name, e.g. Login"
              autoComplete="off"
              spellCheck={false}
              className="h-6 min-w-0 flex-1 rounded border border-line-strong bg-canvas px-1.5 text-xs placeholder:text-faint disabled:opacity-50"
            />
            <button
              type="submit"
              disabled={!current || name.trim() === '' || (current.payload === '' && current.format !== 'text')}
              className="h-6 shrink-0 rounded bg-zinc-800 px-2.5 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-40 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
            >
              {existing ? 'Replace' : 'Save'}
            </button>
          </div>
          {udp && current?.target && (
            <label className="flex items-center gap-1.5 text-[11px] text-muted">
              <input type="checkbox" checked={withTarget} onChange={(event) => setWithTarget(event.target.checked)} />
              Always send it to {formatEndpoint(current.target)}
            </label>
          )}
          {note && (
            <p
              role={note.tone === 'error' ? 'alert' : 'status'}
              className={`text-[11px] leading-snug ${note.tone === 'error' ? 'text-danger' : 'text-muted'}`}
            >
              {note.text}
            </p>
          )}
        </form>
      </Popover>
    </>
  );
}
