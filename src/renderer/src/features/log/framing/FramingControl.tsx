import { useId, useRef, useState, type FormEvent } from 'react';
import { parseHex, toHex } from '@shared/codec';
import type { ErrorInfo, SocketInfo } from '@shared/contract';
import type { FramingSpec } from '@shared/framing';
import { delimiterName, describeFraming, EACH_READ, MAX_FIXED_FRAME_BYTES, RAW_FRAMING } from '@shared/framing-names';
import { applyFraming } from './framing';
import { Popover, usePopover } from '../../../ui/Popover';
import { FormActions } from '../../../ui/FormActions';

type Mode = FramingSpec['mode'];
type Delimiter = 'LF' | 'CRLF' | 'NUL' | 'custom';

const DELIMITERS: Record<Exclude<Delimiter, 'custom'>, number[]> = { LF: [0x0a], CRLF: [0x0d, 0x0a], NUL: [0x00] };
const MODES: readonly { mode: Mode; label: string; hint: string }[] = [
  { mode: 'raw', label: 'Raw chunks', hint: `${EACH_READ} or datagram, as it arrived` },
  { mode: 'delimiter', label: 'Delimiter', hint: 'A frame ends with these bytes' },
  { mode: 'length', label: 'Length prefix', hint: 'A length header, then that many bytes' },
  { mode: 'fixed', label: 'Fixed size', hint: 'Every frame has the same size' },
  { mode: 'message', label: 'Protocol', hint: 'Whole messages, however many reads' },
];

/**
 * The log's framing for one socket: a button saying what it is, opening a small form to change
 * it. The framing is kept in main, so every window shows the socket the same way.
 */
export function FramingControl({ socket }: { socket: SocketInfo }) {
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const framing = socket.framing ?? RAW_FRAMING;
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        aria-haspopup="dialog"
        aria-label={`Framing: ${describeFraming(framing)}`}
        title="How the log cuts the byte stream into messages"
        className="inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-2 text-xs text-fg hover:bg-chrome"
      >
        {describeFraming(framing)}
        <span aria-hidden="true" className="text-[9px] text-muted">
          ▼
        </span>
      </button>
      <Popover handle={popover} anchor={buttonRef} label="Framing" align="end" className="w-[380px]">
        <FramingForm socket={socket} framing={framing} onDone={popover.close} />
      </Popover>
    </>
  );
}

function FramingForm({ socket, framing, onDone }: { socket: SocketInfo; framing: FramingSpec; onDone: () => void }) {
  const id = useId();
  const [mode, setMode] = useState<Mode>(framing.mode);
  const initialDelimiter = framing.mode === 'delimiter' ? delimiterName(framing.delimiter) : 'LF';
  const [delimiter, setDelimiter] = useState<Delimiter>(initialDelimiter in DELIMITERS ? (initialDelimiter as Delimiter) : 'custom');
  const [customHex, setCustomHex] = useState(
    framing.mode === 'delimiter' && !(initialDelimiter in DELIMITERS) ? toHex(Uint8Array.from(framing.delimiter)) : '',
  );
  const [headerBytes, setHeaderBytes] = useState<1 | 2 | 4 | 8>(framing.mode === 'length' ? framing.headerBytes : 2);
  const [endian, setEndian] = useState<'big' | 'little'>(framing.mode === 'length' ? framing.endian : 'big');
  const [includesHeader, setIncludesHeader] = useState(framing.mode === 'length' && framing.includesHeader);
  const [size, setSize] = useState(framing.mode === 'fixed' ? String(framing.size) : '');
  const [protocol, setProtocol] = useState<'http' | 'resp'>(framing.mode === 'message' ? framing.protocol : 'http');
  const [error, setError] = useState<ErrorInfo | { message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  /** The framing the form describes, or why it does not describe one yet. */
  const build = (): FramingSpec | string => {
    switch (mode) {
      case 'raw':
        return RAW_FRAMING;
      case 'delimiter': {
        if (delimiter !== 'custom') return { mode, delimiter: DELIMITERS[delimiter] };
        const parsed = parseHex(customHex);
        if (!parsed.ok) return `Delimiter: ${parsed.message}`;
        if (parsed.bytes.length === 0) return 'Delimiter: type the bytes in hex, e.g. 7e or 0d 0a';
        return { mode, delimiter: [...parsed.bytes] };
      }
      case 'length':
        return { mode, headerBytes, endian, includesHeader };
      case 'fixed': {
        const value = Number(size.trim());
        if (!/^\d+$/.test(size.trim()) || value < 1 || value > MAX_FIXED_FRAME_BYTES) {
          return `Frame size: a whole number of bytes from 1 to ${MAX_FIXED_FRAME_BYTES.toLocaleString('en-US')}`;
        }
        return { mode, size: value };
      }
      case 'message':
        return { mode, protocol };
    }
  };

  const apply = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const spec = build();
    if (typeof spec === 'string') {
      setError({ message: spec });
      return;
    }
    setBusy(true);
    const result = await applyFraming(socket.id, spec);
    setBusy(false);
    if (result.ok) onDone();
    else setError(result.error);
  };

  const select = 'h-6 rounded border border-line-strong bg-canvas px-1 text-xs text-fg';
  return (
    <form onSubmit={(event) => void apply(event)} className="flex flex-col gap-2 p-3">
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1.5 text-xs font-medium text-fg">Cut the byte stream into frames</legend>
        {MODES.map((option) => (
          <div key={option.mode} className="flex flex-col gap-1">
            <label className="flex items-baseline gap-2">
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === option.mode}
                onChange={() => setMode(option.mode)}
                className="translate-y-px"
              />
              <span className="w-[88px] shrink-0 text-xs whitespace-nowrap text-fg">{option.label}</span>
              <span className="text-[11px] text-muted">{option.hint}</span>
            </label>
            {mode === option.mode && option.mode === 'delimiter' && (
              <div className="ml-5 flex items-center gap-2">
                <select
                  aria-label="Delimiter"
                  value={delimiter}
                  onChange={(event) => setDelimiter(event.target.value as Delimiter)}
                  className={select}
                >
                  <option value="LF">LF (\n)</option>
                  <option value="CRLF">CRLF (\r\n)</option>
                  <option value="NUL">NUL (\0)</option>
                  <option value="custom">Custom bytes…</option>
                </select>
                {delimiter === 'custom' && (
                  <input
                    aria-label="Delimiter bytes in hex"
                    value={customHex}
                    onChange={(event) => setCustomHex(event.target.value)}
                    placeholder="hex, e.g. 7e 7e"
                    spellCheck={false}
                    autoComplete="off"
                    className="h-6 min-w-0 flex-1 rounded border border-line-strong bg-canvas px-1.5 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint"
                  />
                )}
              </div>
            )}
            {mode === option.mode && option.mode === 'length' && (
              <div className="ml-5 flex flex-col gap-1.5">
                <div className="flex items-center gap-2">
                  <select
                    aria-label="Length header size"
                    value={headerBytes}
                    onChange={(event) => setHeaderBytes(Number(event.target.value) as 1 | 2 | 4 | 8)}
                    className={select}
                  >
                    {[1, 2, 4, 8].map((n) => (
                      <option key={n} value={n}>
                        {n} byte{n === 1 ? '' : 's'} ({n * 8}-bit)
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label="Byte order"
                    value={endian}
                    onChange={(event) => setEndian(event.target.value as 'big' | 'little')}
                    className={select}
                  >
                    <option value="big">Big endian</option>
                    <option value="little">Little endian</option>
                  </select>
                </div>
                <label className="flex items-center gap-2 text-xs text-fg">
                  <input type="checkbox" checked={includesHeader} onChange={(event) => setIncludesHeader(event.target.checked)} />
                  The length counts the header too
                </label>
              </div>
            )}
            {mode === option.mode && option.mode === 'fixed' && (
              <label className="ml-5 flex items-center gap-2 text-xs text-muted">
                <input
                  aria-label="Frame size in bytes"
                  value={size}
                  onChange={(event) => setSize(event.target.value)}
                  inputMode="numeric"
                  placeholder="16"
                  className="h-6 w-20 rounded border border-line-strong bg-canvas px-1.5 font-mono text-xs text-fg placeholder:text-faint"
                />
                bytes
              </label>
            )}
            {mode === option.mode && option.mode === 'message' && (
              <div className="ml-5">
                <select
                  aria-label="Protocol"
                  value={protocol}
                  onChange={(event) => setProtocol(event.target.value as 'http' | 'resp')}
                  className={select}
                >
                  <option value="http">HTTP/1.x requests and responses</option>
                  <option value="resp">RESP values (Redis)</option>
                </select>
              </div>
            )}
          </div>
        ))}
      </fieldset>
      {socket.kind === 'tcp-listener' && <p className="text-[11px] text-muted">Applies to this listener's connections, now and later.</p>}
      {socket.kind === 'udp' && mode !== 'raw' && <p className="text-[11px] text-muted">Each datagram is framed on its own.</p>}
      <FormActions error={error?.message} busy={busy} onCancel={onDone} submit="Apply" />
    </form>
  );
}
