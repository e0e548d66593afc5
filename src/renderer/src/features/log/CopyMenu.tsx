import { useEffect, useRef, useState } from 'react';
import { copyAs, copyFormats, type CopyFormat } from '@shared/payload';
import { formatBytes } from '@shared/codec';
import { usePreferences } from '../shell/preferences';
import { copyText } from './clipboard';
import { CopyIcon } from '../../ui/Icons';
import { Popover, usePopover } from '../../ui/Popover';

/** Payloads above this are copied only on purpose: a C array of 16 MiB is a 100 MB string. */
const LARGE_COPY_BYTES = 1024 * 1024;

const BUTTON_CLASS =
  'inline-flex size-5 items-center justify-center rounded border border-line-strong bg-panel text-muted shadow-sm hover:bg-chrome hover:text-fg focus-visible:outline-2 focus-visible:outline-accent';

/**
 * A log row's copy button (shown on hover or focus): the payload as text, text with escapes, hex,
 * base64, or a C / JS byte array. Text uses the log's text encoding (UTF-8 or Latin-1).
 *
 * Until it is pressed a row has only the button: while following a flood every batch fills the
 * screen with new entries, and a menu per row (its popover element, listeners and state, made
 * anew for each entry) was about half of each row's elements and of the work to draw them. The
 * menu is made for the entry it was opened on; a row that moves on to another entry drops it.
 */
export function CopyMenu({ bytes, length, seq }: { bytes: Uint8Array; length: number; seq: number }) {
  const [openedFor, setOpenedFor] = useState<number | null>(null);
  // Forgotten as soon as the row shows another entry, so that coming back to this one does not open it again.
  if (openedFor !== null && openedFor !== seq) setOpenedFor(null);
  if (openedFor === seq) return <OpenedCopyMenu bytes={bytes} length={length} seq={seq} />;
  return (
    <button
      type="button"
      onClick={() => setOpenedFor(seq)}
      aria-haspopup="menu"
      aria-label={`Copy entry ${seq}`}
      title="Copy this payload"
      className={`absolute top-0.5 right-2 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 ${BUTTON_CLASS}`}
    >
      <CopyIcon className="size-3" />
    </button>
  );
}

/** The copy button with its menu, opened at once: it takes the place (and the focus) of the row's bare button. */
function OpenedCopyMenu({ bytes, length, seq }: { bytes: Uint8Array; length: number; seq: number }) {
  const encoding = usePreferences((state) => state.textEncoding);
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const { id } = popover;
  useEffect(() => {
    // After the popover's own effect (a child's runs first), which places it as it opens.
    buttonRef.current?.focus({ preventScroll: true });
    document.getElementById(id)?.showPopover();
  }, [id]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async (format: CopyFormat, label: string): Promise<void> => {
    popover.close();
    const ok = await copyText(copyAs(bytes, format, encoding));
    setCopied(ok ? `Copied as ${label}` : 'Could not copy: the clipboard is not available');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 1800);
    buttonRef.current?.focus({ preventScroll: true });
  };

  return (
    <div
      className={`absolute top-0.5 right-2 flex items-center gap-1.5 ${popover.open || copied ? '' : 'opacity-0 group-focus-within:opacity-100 group-hover:opacity-100'}`}
    >
      {copied && (
        <span role="status" className="rounded bg-panel px-1.5 py-0.5 font-sans text-[11px] text-muted shadow-sm">
          {copied}
        </span>
      )}
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        aria-haspopup="menu"
        aria-label={`Copy entry ${seq}`}
        title="Copy this payload"
        className={BUTTON_CLASS}
      >
        <CopyIcon className="size-3" />
      </button>
      <Popover handle={popover} anchor={buttonRef} label={`Copy entry ${seq} as`} role="menu" align="end" className="w-48 py-1">
        <p className="px-2.5 pt-1 pb-1.5 font-sans text-[11px] text-muted">
          {/* A long frame's row holds only its start: say so rather than copy less than it seems. */}
          {bytes.byteLength < length
            ? `Copy the first ${formatBytes(bytes.byteLength)} of ${formatBytes(length)} as`
            : `Copy ${formatBytes(length)} as`}
          {bytes.byteLength > LARGE_COPY_BYTES ? ' (large: may take a moment)' : ''}
        </p>
        {copyFormats.map(({ format, label }) => (
          <button
            key={format}
            type="button"
            role="menuitem"
            onClick={() => void copy(format, label)}
            className="flex w-full items-center justify-between px-2.5 py-1 text-left font-sans text-xs text-fg hover:bg-hover focus-visible:bg-hover focus-visible:outline-none"
          >
            {label}
            {format === 'text' && <span className="text-[11px] text-faint">{encoding === 'latin1' ? 'Latin-1' : 'UTF-8'}</span>}
          </button>
        ))}
      </Popover>
    </div>
  );
}
