import type { ReactNode } from 'react';

interface ProgressRowProps {
  /** What is happening ("Saving", "Recording"), muted before the file's name. */
  verb?: ReactNode;
  /** The file's name, in monospace; long names are cut, the whole is in the tooltip. */
  name: string;
  nameTitle?: string;
  /** How far it has got ("1.2 MiB of 4 MiB"), in monospace; announced as a status named `amountLabel` when given. */
  amount: ReactNode;
  amountLabel?: string;
  /** A bar for work of known size, named `barLabel`. */
  bar?: { percent: number; label: string };
  /** The one action: Cancel, Stop. */
  action: string;
  onAction: () => void;
  className?: string;
}

/** One file being written, read or sent: what, which file, how far, a bar when the size is known, and the button that stops it. */
export function ProgressRow({ verb, name, nameTitle, amount, amountLabel, bar, action, onAction, className = '' }: ProgressRowProps) {
  return (
    <div className={`flex min-w-0 items-center gap-2 text-xs ${className}`}>
      {verb !== undefined && <span className="shrink-0 text-muted">{verb}</span>}
      <span className="max-w-[220px] min-w-0 shrink truncate font-mono text-fg" title={nameTitle ?? name}>
        {name}
      </span>
      {bar && (
        <div
          role="progressbar"
          aria-label={bar.label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={bar.percent}
          className="h-1.5 min-w-16 flex-1 overflow-hidden rounded-full bg-chrome"
        >
          <div className="h-full rounded-full bg-tx transition-[width] duration-150" style={{ width: `${bar.percent}%` }} />
        </div>
      )}
      <span role={amountLabel ? 'status' : undefined} aria-label={amountLabel} className="shrink-0 font-mono text-[11px] text-muted tabular-nums">
        {amount}
      </span>
      <button
        type="button"
        onClick={onAction}
        className="h-6 shrink-0 rounded border border-line-strong bg-canvas px-2 text-xs text-fg hover:bg-hover"
      >
        {action}
      </button>
    </div>
  );
}
