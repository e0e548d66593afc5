import { useId, useRef, useState } from 'react';
import type { ErrorInfo, Input, RepeatStatus } from '@shared/contract';
import { repeatTiming } from '@shared/repeat-timing';
import { formatCount } from '../../ui/format';
import { startRepeat, stopRepeat } from './send';
import { useSockets } from '../sockets/sockets';
import { RepeatIcon, StopIcon } from '../../ui/Icons';
import { Popover, usePopover } from '../../ui/Popover';

type SendRequest = Omit<Input<'send.repeat'>, 'count' | 'intervalMs'>;

interface RepeatControlProps {
  /** The socket the sends go to (a listener's chosen connection, or the socket itself). */
  recipientId: string;
  /** The send bar's message and destination, or null after showing why it cannot be sent. */
  prepare: () => SendRequest | null;
  disabled: boolean;
}

/**
 * Repeat the send bar's message N times and/or every T ms. The repeat runs in the engine; its
 * progress comes back on the socket (SocketInfo.repeat), so every window shows the same count.
 */
export function RepeatControl({ recipientId, prepare, disabled }: RepeatControlProps) {
  const status = useSockets((state) => state.sockets[recipientId]?.repeat);
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [count, setCount] = useState('10');
  const [interval, setIntervalText] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [starting, setStarting] = useState(false);
  const errorId = useId();
  const running = status?.state === 'running';

  const start = async (): Promise<void> => {
    const times = count.trim() === '' ? undefined : Number(count);
    const every = interval.trim() === '' ? undefined : Number(interval);
    if (times === undefined && every === undefined) {
      setError({ code: 'INVALID_INPUT', message: 'Give a count, an interval, or both' });
      return;
    }
    const request = prepare();
    if (!request) {
      popover.close();
      return;
    }
    setStarting(true);
    const result = await startRepeat({ ...request, count: times, intervalMs: every });
    setStarting(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    popover.close();
  };

  const stop = (): void => {
    if (status) void stopRepeat(status.jobId);
  };

  return (
    <div className="flex items-center gap-1.5">
      {status && <RepeatProgress status={status} />}
      {running ? (
        <button
          type="button"
          onClick={stop}
          className="inline-flex h-6 items-center gap-1 rounded border border-danger/40 bg-canvas px-2 text-xs text-danger hover:bg-danger/8"
        >
          <StopIcon className="size-3" />
          Stop
        </button>
      ) : (
        <button
          ref={buttonRef}
          type="button"
          {...popover.anchorProps}
          disabled={disabled}
          title="Send this message several times, or every few milliseconds"
          className="inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-2 text-xs text-fg hover:bg-chrome disabled:cursor-not-allowed disabled:opacity-40"
        >
          <RepeatIcon className="size-3.5 text-muted" />
          Repeat…
        </button>
      )}
      <Popover handle={popover} anchor={buttonRef} label="Repeat the message" align="end" className="w-64 p-3">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
          className="flex flex-col gap-2.5"
        >
          <p className="text-[11px] leading-snug text-muted">
            Sends the message in the send bar again and again. Leave the count empty to repeat until you stop it.
          </p>
          <NumberField label="Times" value={count} onChange={setCount} placeholder="until stopped" errorId={error ? errorId : undefined} />
          <NumberField
            label="Every (ms)"
            value={interval}
            onChange={setIntervalText}
            placeholder="back to back"
            errorId={error ? errorId : undefined}
          />
          {error && (
            <p id={errorId} role="alert" className="text-[11px] leading-snug text-danger">
              {error.message}
            </p>
          )}
          <button
            type="submit"
            disabled={starting}
            className="mt-0.5 inline-flex h-7 items-center justify-center gap-1.5 rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
          >
            <RepeatIcon className="size-3.5" />
            Start
          </button>
        </form>
      </Popover>
    </div>
  );
}

interface NumberFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** The error that concerns this field, when there is one. */
  errorId: string | undefined;
}

function NumberField({ label, value, onChange, placeholder, errorId }: NumberFieldProps) {
  return (
    <label className="flex items-center justify-between gap-2">
      <span className="text-muted">{label}</span>
      <input
        aria-label={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        inputMode="numeric"
        placeholder={placeholder}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId}
        className="h-6 w-28 rounded border border-line-strong bg-canvas px-1.5 text-right font-mono text-xs placeholder:font-sans placeholder:text-faint"
      />
    </label>
  );
}

/** "Sent 3 of 5", "Repeated 5 of 5 in 2.104 ms · 2,376/s", "Stopped after 7 in 1.203 s", "Repeat failed after 2" */
function RepeatProgress({ status }: { status: RepeatStatus }) {
  const of = status.total === undefined ? '' : ` of ${formatCount(status.total)}`;
  const timing = repeatTiming(status);
  const took = timing ? ` ${timing}` : '';
  const sent = formatCount(status.sent);
  const text = {
    running: `Sent ${sent}${of}${status.intervalMs > 0 ? ` · every ${formatCount(status.intervalMs)} ms` : ''}`,
    finished: `Repeated ${sent}${of}${took}`,
    stopped: `Stopped after ${sent}${of}${took}`,
    failed: `Repeat failed after ${sent}${of}${took}`,
  }[status.state];
  return (
    <span
      role="status"
      aria-label={`Repeat: ${text}`}
      title={status.error?.message}
      className={`inline-flex items-center gap-1.5 text-[11px] tabular-nums ${status.state === 'failed' ? 'text-danger' : 'text-muted'}`}
    >
      {status.state === 'running' && <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-tx" />}
      {text}
    </span>
  );
}
