import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { LogDirection } from '@shared/contract';
import { formatCount } from '../../../ui/format';
import {
  closeSearch,
  currentPosition,
  isSearching,
  matchesOf,
  openSearch,
  stepMatch,
  updateSearch,
  useLogSearch,
  type SearchMode,
} from './logSearch';
import { ArrowDownIcon, ArrowUpIcon, CloseIcon, SearchIcon } from '../../../ui/Icons';
import { isModKey, modKeyAria, modKeyName, paneShortcutsActive } from '../../shell/paneShortcuts';
import { SegmentedControl } from '../../../ui/SegmentedControl';
import { useSockets } from '../../sockets/sockets';
import { droppedSinceClear } from '../logRows';

const modeOptions: readonly { value: SearchMode; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'hex', label: 'Hex' },
];

const directionOptions: readonly { value: LogDirection; label: string }[] = [
  { value: 'any', label: 'Both' },
  { value: 'in', label: 'Received' },
  { value: 'out', label: 'Sent' },
];

const steps = [
  { step: -1, label: 'Previous match', keys: 'Shift+Enter', Icon: ArrowUpIcon },
  { step: 1, label: 'Next match', keys: 'Enter', Icon: ArrowDownIcon },
] as const;

/**
 * Search in the selected socket's log (Ctrl/⌘+F): text (with the send bar's escapes) or hex
 * bytes, in both directions or one; Enter and Shift+Enter go to the next and previous match,
 * "Only matches" hides the rest. The search itself runs in main (state/logSearch).
 */
export function LogSearchBar({ socketId }: { socketId: string }) {
  const search = useLogSearch((state) => state[socketId]);
  const inputRef = useRef<HTMLInputElement>(null);
  // Search covers the entries kept: where some fell out (since the last clear), "no matches" says so.
  const fellOut = useSockets((state) => droppedSinceClear(state.heads[socketId]).entries);

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent): void => {
      if (event.code !== 'KeyF' || !isModKey(event) || !paneShortcutsActive()) return;
      event.preventDefault();
      openSearch(socketId);
      // The input exists once the bar has rendered open.
      requestAnimationFrame(() => {
        inputRef.current?.focus();
        inputRef.current?.select();
      });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [socketId]);

  if (!search?.open) return null;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      stepMatch(socketId, event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeSearch(socketId);
    }
  };

  const count = matchesOf(socketId).length;
  const position = currentPosition(socketId);
  const active = isSearching(search);
  const status = (() => {
    if (search.error) return { tone: 'error', text: search.error };
    if (!active) return { tone: 'muted', text: '' };
    const more = search.scanning ? '…' : '';
    if (count === 0 && search.scanning) return { tone: 'muted', text: 'Searching…' };
    if (count === 0)
      return { tone: 'none', text: fellOut > 0 ? `No matches in the entries kept (${formatCount(fellOut)} fell out of the log)` : 'No matches' };
    if (position > 0) return { tone: 'muted', text: `${formatCount(position)} of ${formatCount(count)}${more}` };
    return { tone: 'muted', text: `${formatCount(count)} ${count === 1 ? 'match' : 'matches'}${more}` };
  })();

  return (
    <div
      role="search"
      aria-label="Search the log"
      className="flex shrink-0 flex-wrap items-center gap-x-2.5 gap-y-1 border-b border-line bg-panel px-3 py-1.5"
    >
      <div
        className={`flex h-6 min-w-48 flex-1 items-center gap-1.5 rounded border bg-canvas px-1.5 focus-within:outline-2 focus-within:-outline-offset-1 focus-within:outline-accent ${
          search.error ? 'border-danger' : 'border-line-strong'
        }`}
      >
        <SearchIcon className="size-3.5 shrink-0 text-faint" />
        <input
          ref={inputRef}
          autoFocus
          aria-label="Search text"
          aria-invalid={search.error ? true : undefined}
          value={search.text}
          onChange={(event) => updateSearch(socketId, { text: event.target.value })}
          onKeyDown={onKeyDown}
          placeholder={search.mode === 'hex' ? 'Bytes, e.g. 0d 0a or de:ad:be:ef' : 'Text, e.g. HTTP/1.1 or \\r\\n\\r\\n'}
          spellCheck={false}
          autoComplete="off"
          // The field around it shows the focus; the global :focus-visible ring would draw a second one.
          style={{ outline: 'none' }}
          className="min-w-0 flex-1 bg-transparent font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint"
        />
        <button
          type="button"
          aria-pressed={search.caseSensitive}
          onClick={() => updateSearch(socketId, { caseSensitive: !search.caseSensitive })}
          disabled={search.mode === 'hex'}
          title="Match case (ASCII letters)"
          className={`shrink-0 rounded px-1 font-mono text-[11px] leading-4 disabled:opacity-30 ${
            search.caseSensitive ? 'bg-selected font-semibold text-fg' : 'text-muted hover:text-fg'
          }`}
        >
          Aa
        </button>
      </div>
      <SegmentedControl label="Search as" options={modeOptions} value={search.mode} onChange={(mode) => updateSearch(socketId, { mode })} />
      <SegmentedControl
        label="Direction"
        options={directionOptions}
        value={search.direction}
        onChange={(direction) => updateSearch(socketId, { direction })}
      />
      <span
        role="status"
        className={`min-w-20 text-right text-[11px] tabular-nums ${status.tone === 'error' ? 'text-danger' : status.tone === 'none' ? 'text-fg' : 'text-muted'}`}
        title={status.text}
      >
        {status.text}
      </span>
      <span className="flex items-center">
        {steps.map(({ step, label, keys, Icon }) => (
          <button
            key={step}
            type="button"
            onClick={() => stepMatch(socketId, step)}
            disabled={count === 0}
            aria-label={label}
            title={`${label} (${keys})`}
            className="inline-flex size-6 items-center justify-center rounded text-muted hover:bg-hover hover:text-fg disabled:opacity-30"
          >
            <Icon className="size-3.5" />
          </button>
        ))}
      </span>
      <label className="flex items-center gap-1.5 text-xs text-muted">
        <input type="checkbox" checked={search.onlyMatches} onChange={(event) => updateSearch(socketId, { onlyMatches: event.target.checked })} />
        Only matches
      </label>
      <button
        type="button"
        onClick={() => closeSearch(socketId)}
        aria-label="Close search"
        title="Close search (Esc)"
        className="inline-flex size-6 items-center justify-center rounded text-muted hover:bg-hover hover:text-fg"
      >
        <CloseIcon className="size-3.5" />
      </button>
    </div>
  );
}

/** The header's button that opens the search bar. */
export function SearchButton({ socketId }: { socketId: string }) {
  const open = useLogSearch((state) => state[socketId]?.open ?? false);
  return (
    <button
      type="button"
      onClick={() => (open ? closeSearch(socketId) : openSearch(socketId))}
      aria-pressed={open}
      aria-keyshortcuts={`${modKeyAria}+F`}
      title={`Search the log (${modKeyName}F)`}
      className={`inline-flex h-6 items-center gap-1 rounded border px-2 text-xs ${
        open ? 'border-line-strong bg-chrome text-fg' : 'border-line-strong bg-canvas text-muted hover:text-fg'
      }`}
    >
      <SearchIcon className="size-3.5" />
      Search
    </button>
  );
}
