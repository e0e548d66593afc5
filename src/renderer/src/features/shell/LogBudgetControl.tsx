import { useEffect, useId, useRef, useState } from 'react';
import { formatBytes } from '@shared/codec';
import type { LogBudgetStatus } from '@shared/log-budget';
import { MIB } from '@shared/log-budget-size';
import { formatCount } from '../../ui/format';
import { readLogBudget, setLogBudget } from './logBudget';
import { Popover, usePopover } from '../../ui/Popover';

/**
 * The memory budget all logs share (main/engine/log-budget.ts): shown in the status bar, set in
 * its popover. Read when shown and when opened: it changes by hand, not with traffic.
 */
export function LogBudgetControl() {
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [status, setStatus] = useState<LogBudgetStatus | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  /** The user typed in the field since the popover opened: the budget read on opening must not replace their number when it comes late. */
  const edited = useRef(false);

  useEffect(() => {
    let current = true;
    if (popover.open) edited.current = false;
    void readLogBudget().then((result) => {
      if (!current || !result.ok) return;
      setStatus(result.value);
      if (popover.open && !edited.current) setText(String(Math.round(result.value.limitBytes / MIB)));
    });
    return () => {
      current = false;
    };
  }, [popover.open]);

  const apply = async (): Promise<void> => {
    const mib = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(mib)) {
      setError('Give the budget in MiB, e.g. 512');
      return;
    }
    const result = await setLogBudget(Math.round(mib * MIB));
    if (!result.ok) {
      setError(result.error.message.replace(/^limitBytes: /, ''));
      return;
    }
    setStatus(result.value);
    setError(null);
    popover.close();
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        title="Memory all logs may use together; past it the oldest entries are dropped and counted"
        className="shrink-0 whitespace-nowrap hover:text-fg hover:underline"
      >
        Log memory {status ? formatBytes(status.limitBytes) : '…'}
      </button>
      <Popover handle={popover} anchor={buttonRef} label="Log memory budget" role="dialog" className="w-72 p-3 text-xs">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void apply();
          }}
          className="flex flex-col gap-2.5"
        >
          <p className="text-[11px] leading-snug text-muted">
            All logs share this memory. Past it, the oldest entries of closed connections&apos; logs are dropped first, then those of any log; each
            log says how many it lost.
          </p>
          {status && (
            <p className="font-mono text-[11px] tabular-nums text-muted">
              {formatBytes(status.usedBytes)} in use · {formatCount(status.droppedEntries)} entries dropped
            </p>
          )}
          <label className="flex items-center justify-between gap-2">
            <span className="text-muted">Budget (MiB)</span>
            <input
              aria-label="Budget (MiB)"
              value={text}
              onChange={(event) => {
                edited.current = true;
                setText(event.target.value);
              }}
              inputMode="numeric"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              className="h-6 w-28 rounded border border-line-strong bg-canvas px-1.5 text-right font-mono text-xs"
            />
          </label>
          {error && (
            <p id={errorId} role="alert" className="text-[11px] leading-snug text-danger">
              {error}
            </p>
          )}
          <button
            type="submit"
            className="inline-flex h-7 items-center justify-center rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
          >
            Apply
          </button>
        </form>
      </Popover>
    </>
  );
}
