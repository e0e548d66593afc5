import { Fragment, memo, useEffect, useId, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes, type LineEnding } from '@shared/codec';
import type { ErrorInfo, Input, ParsedInput, SavedMessage, SocketInfo } from '@shared/contract';
import { Target } from '@shared/contract/basics';
import { SocketSendInput } from '@shared/contract/send-data';
import { encodePayload } from '@shared/macro-payload';
import { mayHoldMacros } from '@shared/macros';
import { formatEndpoint } from '@shared/endpoint';
import type { ToxicStream } from '@shared/proxy';
import { formatExactBytes, plural } from '../../ui/format';
import { useLogCache } from '../log/logCache';
import { emptyInputMessages, encodeInput, inputHints, placeholders, selectErrorPosition, sendBarMacros, sendModeOptions } from './payloadInput';
import type { SendMode } from '../shell/preferences';
import { useFocusOnOpen } from '../shell/useFocusOnOpen';
import { injectMessage, sendMessage } from './send';
import { InjectDirection, injectBlockedReason } from './InjectDirection';
import { sendSettingsOf, setSendSettings, useSendSettings } from './sendSettings';
import { LIVE_CHECK_LIMIT, MESSAGE_BOX_CHARS, MESSAGE_BOX_FULL, sendBlockedReason } from './sendRules';
import { draftFor, historyFor, remember, saveDraft } from './sendHistory';
import { FileSender } from './FileSender';
import { RepeatControl } from './RepeatControl';
import { SavedMessages } from './SavedMessages';
import { sendOrder } from './sendOrder';
import { previewText } from './sendPreview';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { SendIcon } from '../../ui/Icons';
import { useShownAfter } from '../../ui/useShownAfter';
import { refuseLongInsert } from '../../ui/pasteGuard';

/** A line ending kept with a saved Text message, as the escapes Text mode reads. */
const lineEndingEscapes: Record<LineEnding, string> = { none: '', lf: '\\n', crlf: '\\r\\n' };

const lineEndings: readonly { value: LineEnding; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'lf', label: 'LF (\\n)' },
  { value: 'crlf', label: 'CRLF (\\r\\n)' },
];

const ALL = 'all';
/** How long a send goes unanswered before the bar says it is on its way: a normal one never flickers. */
const SENDING_SIGN_DELAY_MS = 300;

interface SendBarProps {
  socket: SocketInfo;
  /** Listener: its accepted connections that are still open. */
  connections: readonly SocketInfo[];
}

interface TargetFields {
  host: string;
  port: string;
}

/** IPv4-mapped IPv6 shown (and sent) as the IPv4 it is. */
function hostOf(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Where the user types bytes to send: text (UTF-8, optional line ending) or hex. Enter sends,
 * Shift+Enter adds a line, ArrowUp/ArrowDown at the edges walk this socket's history. The textarea
 * is uncontrolled so a multi-megabyte paste does not re-render on each keystroke.
 */
export const SendBar = memo(function SendBar({ socket, connections }: SendBarProps) {
  const { mode, lineEnding, replyToSender } = useSendSettings((state) => sendSettingsOf(state.bySocket, socket));
  // Each batch of datagrams brings a new last-peer object: only a changed address, and only while
  // it is shown, redraws the bar, so typing never waits behind a flood.
  const lastPeer = useLogCache(useShallow((state) => (replyToSender ? state.lastPeers[socket.id] : undefined)));
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [inputLength, setInputLength] = useState(() => draftFor(socket.id).length);
  /** The exact bytes Enter sends, as visible text, and how many. */
  const [preview, setPreview] = useState<{ text: string; count: number } | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const [sendError, setSendError] = useState<ErrorInfo | null>(null);
  const [lastSent, setLastSent] = useState<string | null>(null);
  /** Sends made and not yet settled: Enter while one is on its way sends after it (sendOrder.ts). */
  const [sending, setSending] = useState(0);
  const [order] = useState(() => sendOrder(setSending));
  // Sends queued behind another say so at once; a lone one held up (a slow link, a busy host) after a moment.
  const showSending = useShownAfter(sending > 0, SENDING_SIGN_DELAY_MS, sending > 1);
  const [sendTo, setSendTo] = useState<string>(ALL);
  /** A proxied conversation: which way the send bar injects. */
  const [injectTo, setInjectTo] = useState<ToxicStream>('upstream');
  const history = useRef<{ index: number | null; draft: string }>({ index: null, draft: '' });
  const noteId = useId();
  const targetNoteId = useId();

  // UDP target: the default target until the user edits it. Answering whoever sent the last
  // datagram is a choice of its own (replyToSender), never a silent fill-in.
  const suggested: TargetFields | undefined = socket.defaultTarget
    ? { host: socket.defaultTarget.host, port: String(socket.defaultTarget.port) }
    : undefined;
  const suggestedKey = suggested ? `${suggested.host}|${suggested.port}` : '';
  const [target, setTarget] = useState<TargetFields>(suggested ?? { host: '', port: '' });
  const [targetEdited, setTargetEdited] = useState(false);
  const [targetError, setTargetError] = useState<string | null>(null);
  const [seenSuggestion, setSeenSuggestion] = useState(suggestedKey);
  if (suggestedKey !== seenSuggestion) {
    setSeenSuggestion(suggestedKey);
    if (!targetEdited && suggested) setTarget(suggested);
  }

  const isListener = socket.kind === 'tcp-listener';
  const isUdp = socket.kind === 'udp';
  const isConversation = socket.kind === 'proxy-conversation';
  const blocked = sendBlockedReason(socket, connections.length) ?? (isConversation ? injectBlockedReason(socket, injectTo) : null);
  // A chosen connection that has since closed falls back to all of them.
  const chosenConnection = isListener && sendTo !== ALL && connections.some((c) => c.id === sendTo) ? sendTo : null;
  const recipient = chosenConnection ?? socket.id;

  useEffect(() => {
    const element = textareaRef.current;
    return () => saveDraft(socket.id, element?.value ?? '');
  }, [socket.id]);
  useFocusOnOpen(socket.id, textareaRef);

  /** Checks as you type for inputs up to LIVE_CHECK_LIMIT; beyond that, at send. */
  const check = (text: string, checkMode: SendMode, ending: LineEnding): void => {
    setInputLength(text.length);
    if (text.length > LIVE_CHECK_LIMIT || checkMode === 'file') {
      setInputError(null);
      setPreview(null);
      return;
    }
    const parsed = encodeInput(text, checkMode, ending, sendBarMacros(recipient), true);
    setInputError(parsed.ok ? null : parsed.message);
    setPreview(parsed.ok && parsed.bytes.byteLength > 0 ? { text: previewText(parsed.bytes, checkMode), count: parsed.bytes.byteLength } : null);
  };

  const currentText = (): string => textareaRef.current?.value ?? '';

  const changeMode = (next: SendMode): void => {
    setSendSettings(socket, { mode: next });
    check(currentText(), next, lineEnding);
  };

  const changeLineEnding = (next: LineEnding): void => {
    setSendSettings(socket, { lineEnding: next });
    check(currentText(), mode, next);
  };

  const setText = (text: string, caret: 'start' | 'end'): void => {
    const element = textareaRef.current;
    if (!element) return;
    element.value = text;
    const position = caret === 'start' ? 0 : text.length;
    element.setSelectionRange(position, position);
  };

  const resolveTarget = (): { ok: true; target: Target | undefined } | { ok: false } => {
    if (!isUdp) return { ok: true, target: undefined };
    if (replyToSender) {
      if (lastPeer) return { ok: true, target: { host: hostOf(lastPeer.address), port: lastPeer.port } };
      setTargetError('No datagram has arrived yet: there is no last sender to reply to');
      return { ok: false };
    }
    const host = target.host.trim();
    const port = target.port.trim();
    if (host === '' && port === '') {
      if (socket.defaultTarget) return { ok: true, target: undefined };
      setTargetError('Enter a target host and port: this socket has no default target');
      return { ok: false };
    }
    const parsed = Target.safeParse({ host, port: /^\d+$/.test(port) ? Number(port) : port === '' ? undefined : Number.NaN });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setTargetError(port === '' && issue.path[0] === 'port' ? 'Target port is required' : issue.message);
      return { ok: false };
    }
    setTargetError(null);
    return { ok: true, target: parsed.data };
  };

  /** The message in the send bar and where it goes, ready to send; null after showing why not. */
  const prepare = (): ParsedInput<'socket.send'> | null => {
    if (blocked || mode === 'file') return null;
    const parsed = encodeInput(currentText(), mode, lineEnding, sendBarMacros(recipient));
    if (!parsed.ok) {
      setInputError(parsed.message);
      selectErrorPosition(textareaRef.current, parsed.position);
      return null;
    }
    if (parsed.bytes.byteLength === 0) {
      setInputError(emptyInputMessages[mode]);
      return null;
    }
    return validated(parsed.bytes);
  };

  /**
   * A repeat of text with macros carries the text too: the engine evaluates it for each send. On a
   * proxied conversation it injects the way the send bar does, to the server or to the client.
   */
  const prepareRepeat = (): Input<'send.repeat'> | null => {
    const request = prepare();
    if (!request) return null;
    const text = currentText();
    return {
      ...request,
      ...(mode === 'text' && mayHoldMacros(text) && { macros: { text, lineEnding } }),
      ...(isConversation && { stream: injectTo }),
    };
  };

  /** Adds the recipient and UDP target to a payload and checks it against the contract. */
  const validated = (data: Uint8Array, target?: Target): ParsedInput<'socket.send'> | null => {
    const resolved = target ? { ok: true as const, target } : resolveTarget();
    if (!resolved.ok) return null;
    const valid = SocketSendInput.safeParse({ id: recipient, data, target: resolved.target });
    if (!valid.success) {
      setInputError(valid.error.issues[0]?.message ?? 'This message cannot be sent');
      return null;
    }
    setInputError(null);
    return valid.data;
  };

  /** Sends after every send made before it (sendOrder.ts). */
  const transmit = (request: ParsedInput<'socket.send'>): Promise<boolean> => order.run(() => transmitNow(request));

  const transmitNow = async (request: ParsedInput<'socket.send'>): Promise<boolean> => {
    setSendError(null);
    if (isConversation) {
      const injected = await injectMessage({ id: request.id, stream: injectTo, data: request.data });
      if (!injected.ok) setSendError(injected.error);
      else setLastSent(`Injected ${formatBytes(injected.value.bytes)} ${injectTo === 'upstream' ? 'to the server' : 'to the client'}`);
      return injected.ok;
    }
    const result = await sendMessage(request);
    if (!result.ok) {
      setSendError(result.error);
      return false;
    }
    const to = isListener
      ? ` to ${plural(result.value.recipients, 'connection')}`
      : isUdp && request.target
        ? ` to ${formatEndpoint(request.target)}`
        : '';
    setLastSent(`Sent ${formatBytes(result.value.bytes)}${to}`);
    return true;
  };

  /** A saved message goes from this send bar: its recipient, and its own UDP target if it has one. */
  const sendSaved = async (message: SavedMessage): Promise<void> => {
    if (blocked) return;
    const parsed = encodePayload(message.payload, message.format, sendBarMacros(recipient));
    if (!parsed.ok) {
      setSendError({ code: 'INVALID_INPUT', message: `${message.name}: ${parsed.message}` });
      return;
    }
    const request = validated(parsed.bytes, isUdp ? message.target : undefined);
    if (request) await transmit(request);
  };

  /** The send bar's message as a saved message would keep it (a Text line ending as escapes). */
  const draft = () => {
    if (mode === 'file') return null;
    const payload = currentText() + (mode === 'text' ? lineEndingEscapes[lineEnding] : '');
    const udpTarget = isUdp ? Target.safeParse({ host: target.host.trim(), port: Number(target.port) }) : undefined;
    return { format: mode, payload, target: udpTarget?.success ? udpTarget.data : undefined };
  };

  const loadSaved = (message: SavedMessage): void => {
    setSendSettings(socket, { mode: message.format });
    setText(message.payload, 'end');
    check(message.payload, message.format, lineEnding);
    textareaRef.current?.focus();
  };

  const send = async (): Promise<void> => {
    if (blocked || mode === 'file') return;
    const text = currentText();
    const request = prepare();
    if (!request || !(await transmit(request))) return;
    remember(socket.id, { mode, text });
    history.current = { index: null, draft: '' };
    // Cleared only if it still holds what went out: what the user typed while it went stays.
    if (currentText() === text) {
      setText('', 'end');
      check('', mode, lineEnding);
    }
    textareaRef.current?.focus();
  };

  const recall = (step: -1 | 1): boolean => {
    const list = historyFor(socket.id);
    if (list.length === 0) return false;
    const state = history.current;
    if (step === -1) {
      const index = state.index === null ? list.length - 1 : Math.max(0, state.index - 1);
      if (state.index === null) state.draft = currentText();
      state.index = index;
    } else {
      if (state.index === null) return false;
      state.index = state.index + 1 >= list.length ? null : state.index + 1;
    }
    const entry = state.index === null ? { mode, text: state.draft } : list[state.index];
    if (entry.mode !== mode) setSendSettings(socket, { mode: entry.mode });
    setText(entry.text, step === -1 ? 'start' : 'end');
    check(entry.text, entry.mode, lineEnding);
    return true;
  };

  /** Text pasted or dropped into the box: refused before the browser inserts it when no send could carry it. */
  const guardInsert = (event: ClipboardEvent<HTMLTextAreaElement> | DragEvent<HTMLTextAreaElement>): void => {
    const refusal = mode === 'file' ? null : refuseLongInsert(event, MESSAGE_BOX_CHARS[mode], MESSAGE_BOX_FULL);
    if (refusal) setInputError(refusal);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.nativeEvent.isComposing) return;
    const element = event.currentTarget;
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      void send();
    } else if (event.key === 'ArrowUp' && element.selectionStart === 0 && element.selectionEnd === 0) {
      if (recall(-1)) event.preventDefault();
    } else if (event.key === 'ArrowDown' && element.selectionStart === element.value.length && element.selectionEnd === element.value.length) {
      if (recall(1)) event.preventDefault();
    }
  };

  /** What the note under the bar says; `status` for how a send goes, which a screen reader is told. */
  const note = ((): { tone: 'muted' | 'error'; text: string; status?: true } => {
    // Once the socket cannot send, that is the one thing worth saying.
    if (blocked) return { tone: 'muted', text: blocked };
    if (inputError) return { tone: 'error', text: inputError };
    if (sendError) return { tone: 'error', text: sendError.message };
    // Above the large-input note: a large input is what takes long to send.
    if (showSending)
      return { tone: 'muted', text: sending > 1 ? `Sending… ${plural(sending - 1, 'more message')} waiting` : 'Sending…', status: true };
    if (inputLength > LIVE_CHECK_LIMIT) return { tone: 'muted', text: `Large input (${plural(inputLength, 'character')}): checked when you send.` };
    if (lastSent && inputLength === 0) return { tone: 'muted', text: lastSent, status: true };
    if (mode === 'file')
      return {
        tone: 'muted',
        text: isUdp ? 'Sent as datagrams of up to 1,400 bytes each.' : 'Streamed in 1 MiB chunks, each once the socket has taken the last.',
      };
    return { tone: 'muted', text: inputHints[mode] };
  })();

  return (
    <div className="shrink-0 border-t border-line bg-panel px-3 pt-2 pb-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <SegmentedControl label="Send as" options={sendModeOptions} value={mode} onChange={changeMode} />
        <label className="flex items-center gap-1.5 text-xs text-muted">
          <span>Line ending</span>
          <select
            aria-label="Line ending"
            value={lineEnding}
            disabled={mode !== 'text'}
            title={mode !== 'text' ? 'Only Text mode adds a line ending; the other modes send exactly the bytes given' : undefined}
            onChange={(event) => changeLineEnding(event.target.value as LineEnding)}
            className="h-6 rounded border border-line-strong bg-canvas px-1 font-mono text-xs text-fg disabled:opacity-50"
          >
            {lineEndings.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {isConversation && <InjectDirection value={injectTo} onChange={setInjectTo} />}
        {isListener && (
          <label className="flex items-center gap-1.5 text-xs text-muted">
            <span>To</span>
            <select
              aria-label="Send to"
              value={chosenConnection ?? ALL}
              onChange={(event) => setSendTo(event.target.value)}
              className="h-6 max-w-[260px] rounded border border-line-strong bg-canvas px-1 font-mono text-xs text-fg"
            >
              <option value={ALL}>All connections ({connections.length})</option>
              {connections.map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {formatEndpoint(connection.remote)}
                </option>
              ))}
            </select>
          </label>
        )}
        {isUdp && (
          <div className="flex items-center gap-1 text-xs text-muted">
            <label className="mr-1 flex items-center gap-1.5">
              <span>To</span>
              <select
                aria-label="Send to"
                value={replyToSender ? 'sender' : 'target'}
                onChange={(event) => {
                  setTargetError(null);
                  setSendSettings(socket, { replyToSender: event.target.value === 'sender' });
                }}
                className="h-6 rounded border border-line-strong bg-canvas px-1 text-xs text-fg"
              >
                <option value="target">{socket.defaultTarget ? 'This address (default target)' : 'This address'}</option>
                <option value="sender">The last sender</option>
              </select>
            </label>
            {replyToSender ? (
              <span className="font-mono text-fg" aria-label="Last sender">
                {lastPeer ? formatEndpoint(lastPeer) : <span className="font-sans text-muted">none yet: waiting for a datagram</span>}
              </span>
            ) : (
              (['host', 'port'] as const).map((part, index) => (
                <Fragment key={part}>
                  {index === 1 && <span>:</span>}
                  <input
                    aria-label={part === 'host' ? 'Target host' : 'Target port'}
                    value={target[part]}
                    placeholder={part === 'port' ? 'port' : socket.defaultTarget ? hostOf(socket.defaultTarget.host) : 'host'}
                    inputMode={part === 'port' ? 'numeric' : undefined}
                    spellCheck={false}
                    autoComplete="off"
                    aria-invalid={targetError ? true : undefined}
                    aria-describedby={targetError ? targetNoteId : undefined}
                    onChange={(event) => {
                      setTargetEdited(true);
                      setTargetError(null);
                      setTarget((current) => ({ ...current, [part]: event.target.value }));
                    }}
                    className={`h-6 rounded border bg-canvas px-1.5 font-mono text-xs text-fg placeholder:text-faint ${part === 'host' ? 'w-36' : 'w-16'} ${targetError ? 'border-danger' : 'border-line-strong'}`}
                  />
                </Fragment>
              ))
            )}
            {targetError && (
              <span id={targetNoteId} className="ml-1 text-danger">
                {targetError}
              </span>
            )}
          </div>
        )}
        <span className="ml-auto flex items-center gap-1.5">
          {mode !== 'file' && <span className="mr-1.5 hidden text-[11px] text-faint xl:inline">Enter sends · Shift+Enter new line · ↑↓ history</span>}
          {mode !== 'file' && <RepeatControl recipientId={recipient} prepare={prepareRepeat} disabled={blocked !== null} />}
          <SavedMessages draft={draft} load={loadSaved} send={(message) => void sendSaved(message)} udp={isUdp} />
        </span>
      </div>
      <div className="mt-1.5 flex items-end gap-2">
        {mode === 'file' && (
          <FileSender
            socketId={socket.id}
            udp={isUdp}
            blocked={blocked}
            destination={() => {
              const to = validated(new Uint8Array(0));
              return to && isConversation ? { ...to, stream: injectTo } : to;
            }}
          />
        )}
        <textarea
          ref={textareaRef}
          aria-label="Message"
          aria-describedby={noteId}
          aria-invalid={inputError ? true : undefined}
          defaultValue={draftFor(socket.id)}
          rows={1}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          placeholder={blocked || mode === 'file' ? '' : placeholders[mode]}
          onInput={(event) => {
            history.current.index = null;
            setSendError(null);
            setLastSent(null);
            check(event.currentTarget.value, mode, lineEnding);
          }}
          onKeyDown={onKeyDown}
          onPaste={guardInsert}
          onDrop={guardInsert}
          hidden={mode === 'file'}
          className={`max-h-40 min-h-[30px] flex-1 resize-none rounded border bg-canvas px-2 py-[6px] font-mono text-xs leading-4 text-fg [field-sizing:content] placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent ${
            inputError ? 'border-danger' : 'border-line-strong'
          }`}
        />
        {mode !== 'file' && preview && (
          <output
            aria-label="Enter sends"
            title={`Enter sends these ${plural(preview.count, 'byte')}`}
            className="mb-[7px] max-w-[40%] shrink-0 truncate font-mono text-[11px] leading-4 text-muted"
          >
            <span className="whitespace-pre">{preview.text}</span> · {formatExactBytes(preview.count)}
          </output>
        )}
        <button
          type="button"
          onClick={() => void send()}
          hidden={mode === 'file'}
          disabled={blocked !== null}
          aria-describedby={blocked ? noteId : undefined}
          className="inline-flex h-[30px] items-center gap-1.5 rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-40 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
        >
          <SendIcon className="size-3.5" />
          Send
        </button>
      </div>
      <p
        id={noteId}
        role={note.tone === 'error' ? 'alert' : undefined}
        className={`mt-1 min-h-4 truncate text-[11px] leading-4 ${note.tone === 'error' ? 'text-danger' : 'text-muted'}`}
        title={note.text}
      >
        {/* Always there, empty or not: a live region that appears with its text is not reliably read out. */}
        <span role="status">{note.status && note.text}</span>
        {!note.status && note.text}
      </p>
    </div>
  );
});
