import { useEffect, useId, useRef, useState } from 'react';
import type { ToxiproxyApiStatus } from '@shared/toxiproxy-api';
import { Popover, usePopover } from '../../ui/Popover';
import { Switch } from '../../ui/Switch';
import { useSession } from '../session/session';
import { readToxiproxyApi, setToxiproxyApi } from './proxy';

/**
 * The Toxiproxy-compatible HTTP API, on or off, in the status bar: where it serves when on, why it
 * could not start when the port is taken. Read when shown, when opened and when the workspace is
 * restored (which turns it back on): it changes by hand.
 */
export function ToxiproxyApiControl() {
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [status, setStatus] = useState<ToxiproxyApiStatus | null>(null);
  const [port, setPort] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const session = useSession((state) => state.status?.state);

  // A read answered after the user acted says less than what they did: a switch turned since the
  // read began, or a port typed since the panel opened (the first window's reads can arrive late,
  // while the host is still loading its engine), wins over it.
  const turns = useRef(0);
  const portTyped = useRef(false);
  useEffect(() => {
    let current = true;
    const turnsBefore = turns.current;
    if (popover.open) portTyped.current = false;
    void readToxiproxyApi().then((result) => {
      if (!current || !result.ok || turns.current !== turnsBefore) return;
      setStatus(result.value);
      setError(result.value.error ?? null);
      if (popover.open && !portTyped.current) setPort(String(result.value.address.port));
    });
    return () => {
      current = false;
    };
  }, [popover.open, session]);

  const serving = status?.serving;
  const turn = async (enabled: boolean): Promise<void> => {
    const number = Number(port.trim());
    if (enabled && (!/^\d+$/.test(port.trim()) || number > 65535)) {
      setError('Give a port from 0 to 65535 (0 picks a free one)');
      return;
    }
    setBusy(true);
    turns.current++;
    const result = await setToxiproxyApi(enabled, enabled ? number : (status?.address.port ?? number));
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      setStatus((current) => current && { ...current, serving: undefined });
      return;
    }
    setStatus(result.value);
    setError(null);
    if (result.value.serving) setPort(String(result.value.serving.port));
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        title="Toxiproxy's HTTP API for the proxies, so test suites written for Toxiproxy's clients can drive them"
        className={`flex shrink-0 items-center gap-1.5 whitespace-nowrap hover:text-fg hover:underline ${error && !serving ? 'text-danger' : ''}`}
      >
        <span aria-hidden="true" className={`size-[7px] rounded-full ${serving ? 'bg-emerald-500' : 'bg-zinc-400'}`} />
        Toxiproxy API {serving ? <span className="font-mono">{`${serving.host}:${serving.port}`}</span> : error ? 'failed' : 'off'}
      </button>
      <Popover handle={popover} anchor={buttonRef} label="Toxiproxy API" role="dialog" className="w-80 p-3 text-xs">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void turn(true);
          }}
          className="flex flex-col gap-2.5"
        >
          <div className="flex items-center justify-between gap-2">
            <span className="font-medium text-fg">Serve the Toxiproxy API</span>
            <Switch label="Serve the Toxiproxy API" checked={serving !== undefined} disabled={busy} onChange={(on) => void turn(on)} />
          </div>
          <p className="text-[11px] leading-snug text-muted">
            Toxiproxy&apos;s HTTP API for these proxies, on this machine only (127.0.0.1). Requests a web page could forge are refused.
          </p>
          <label className="flex items-center justify-between gap-2">
            <span className="text-muted">Port</span>
            <input
              aria-label="Toxiproxy API port"
              value={port}
              onChange={(event) => {
                portTyped.current = true;
                setPort(event.target.value);
              }}
              inputMode="numeric"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              className="h-6 w-24 rounded border border-line-strong bg-canvas px-1.5 text-right font-mono text-xs"
            />
          </label>
          {serving && (
            <p className="text-[11px] text-muted">
              Serving on <span className="font-mono text-fg">{serving.url}</span>
            </p>
          )}
          {error && (
            <p id={errorId} role="alert" className="text-[11px] leading-snug text-danger">
              {error}
            </p>
          )}
        </form>
      </Popover>
    </>
  );
}
