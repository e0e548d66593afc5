import { useId, useState } from 'react';
import type { ToxiproxyApiStatus } from '@shared/toxiproxy-api';
import { Switch } from '../../ui/Switch';
import { setToxiproxyApi } from './toxiproxyApi';

/**
 * The Toxiproxy API panel's switch and port. The port being typed is the form's own: a status
 * coming in (from any window) never replaces it; until the user types, the field shows the
 * address last asked for.
 */
/** `status` is null while the first read is on its way. */
export function ToxiproxyApiForm({ status }: { status: ToxiproxyApiStatus | null }) {
  const [typed, setTyped] = useState<string | null>(null);
  /** Why the last switch made here did not go through (a port that is no port, a refused command). */
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const port = typed ?? (status ? String(status.address.port) : '');
  const serving = status?.serving;
  const error = refusal ?? status?.error ?? null;

  const turn = async (enabled: boolean): Promise<void> => {
    const number = Number(port.trim());
    if (enabled && (!/^\d+$/.test(port.trim()) || number > 65535)) {
      setRefusal('Give a port from 0 to 65535 (0 picks a free one)');
      return;
    }
    setBusy(true);
    const result = await setToxiproxyApi(enabled, enabled ? number : (status?.address.port ?? number));
    setBusy(false);
    setRefusal(result.ok ? null : result.error.message);
    // What was typed is done with: the field shows the port the API got (0 asks for any free one).
    if (result.ok) setTyped(null);
  };

  return (
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
          onChange={(event) => setTyped(event.target.value)}
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
  );
}
