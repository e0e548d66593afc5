import { useRef, useState } from 'react';
import type { Result, SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { ToxicStream } from '@shared/proxy';
import { PROTOCOL_TOXICS } from '@shared/proxy-toxics';
import { addToxic as addProxyToxic, holdStream, removeToxic, setProxyEnabled } from './proxy';
import { Checkbox } from '../new-socket/OptionControls';
import { useFocusOnOpen } from '../shell/useFocusOnOpen';

const streamWords: Record<ToxicStream, string> = { upstream: 'client → server', downstream: 'server → client' };

/** A proxy's controls: on/off, breakpoints for every conversation, and its toxics with their hit counts. */
export function ProxyPanel({ socket }: { socket: SocketInfo }) {
  const proxy = socket.proxy;
  const [spec, setSpec] = useState('');
  const [error, setError] = useState<string | null>(null);
  const specField = useRef<HTMLInputElement>(null);
  useFocusOnOpen(socket.id, specField);
  if (!proxy) return null;
  const protocol = proxy.protocol ?? 'tcp';
  const example = protocol === 'udp' ? 'loss:upstream:rate=0.2' : 'latency:downstream:latency=300';

  const run = async (action: () => Promise<Result<unknown>>): Promise<boolean> => {
    const result = await action();
    setError(result.ok ? null : result.error.message);
    return result.ok;
  };
  const addToxic = async (): Promise<void> => {
    // The toxics' schemas load with the first toxic added, not with the page.
    const { parseToxicSpec } = await import('@shared/toxic-spec');
    let toxic;
    try {
      toxic = parseToxicSpec(spec);
    } catch (err) {
      return setError(err instanceof Error ? err.message : String(err));
    }
    if (await run(() => addProxyToxic(socket.id, toxic))) setSpec('');
  };
  const hold = (stream: ToxicStream) => (on: boolean) => void run(() => holdStream(socket.id, stream, on));

  return (
    <section aria-label="Proxy" className="flex shrink-0 flex-col gap-2 border-t border-line bg-panel px-3 py-2.5 text-xs">
      <div className="flex flex-wrap items-center gap-x-5 gap-y-1.5">
        <span className="text-muted">
          <span className="font-medium text-fg">{proxy.name}</span> forwards to{' '}
          <span className="font-mono text-fg">{formatEndpoint(proxy.upstream)}</span>
          {proxy.udp && (
            <>
              {' '}
              over UDP · sessions end after {proxy.udp.idleTimeoutMs / 1000} s idle, at most {proxy.udp.maxSessions}
              {proxy.udp.dropped > 0 && `, ${proxy.udp.dropped} datagrams from new clients dropped at the limit`}
            </>
          )}
          {proxy.tls?.upstream?.side === 'client' && ` over TLS (${proxy.tls.upstream.verify ? 'certificate verified' : 'certificate not verified'})`}
        </span>
        <Checkbox label="Enabled" checked={proxy.enabled} onChange={(enabled) => void run(() => setProxyEnabled(socket.id, enabled))} />
        <Checkbox label="Hold client → server" checked={proxy.hold?.upstream ?? false} onChange={hold('upstream')} />
        <Checkbox label="Hold server → client" checked={proxy.hold?.downstream ?? false} onChange={hold('downstream')} />
      </div>
      <table aria-label="Toxics" className="w-full border-collapse">
        <thead className="text-left text-[11px] text-muted">
          <tr>
            <th className="py-0.5 pr-3 font-medium">Toxic</th>
            <th className="pr-3 font-medium">Direction</th>
            <th className="pr-3 font-medium">Attributes</th>
            <th className="pr-3 font-medium">Toxicity</th>
            <th className="pr-3 font-medium">Hits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {proxy.toxics.length === 0 && (
            <tr>
              <td colSpan={6} className="py-1 text-muted">
                No toxics. Add one below, e.g. <span className="font-mono">{example}</span>; a {protocol.toUpperCase()} proxy takes{' '}
                <span className="font-mono">{PROTOCOL_TOXICS[protocol].join(', ')}</span>.
              </td>
            </tr>
          )}
          {proxy.toxics.map((toxic) => (
            <tr key={toxic.name} aria-label={`Toxic ${toxic.name}`} className="border-t border-line">
              <td className="py-1 pr-3 font-mono text-fg">
                {toxic.name} <span className="text-muted">({toxic.type})</span>
              </td>
              <td className="pr-3">{streamWords[toxic.stream]}</td>
              <td className="pr-3 font-mono">
                {Object.entries(toxic.attributes)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(', ')}
              </td>
              <td className="pr-3 font-mono">{toxic.toxicity}</td>
              <td className="pr-3 font-mono" title={toxic.conversations.join(', ')}>
                {toxic.hits} hit{toxic.hits === 1 ? '' : 's'} · {toxic.conversationCount} conversation{toxic.conversationCount === 1 ? '' : 's'}
              </td>
              <td className="text-right">
                <button
                  type="button"
                  onClick={() => void run(() => removeToxic(socket.id, toxic.name))}
                  className="rounded px-1.5 py-0.5 text-muted hover:bg-hover hover:text-fg"
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="flex items-center gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          void addToxic();
        }}
      >
        <label htmlFor={`toxic-${socket.id}`} className="text-muted">
          Add toxic
        </label>
        <input
          ref={specField}
          id={`toxic-${socket.id}`}
          value={spec}
          onChange={(event) => setSpec(event.target.value)}
          placeholder={`type[:stream][:key=value,…]  e.g. ${example}`}
          spellCheck={false}
          className="h-7 min-w-0 flex-1 rounded border border-line-strong bg-canvas px-2 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint"
        />
        <button type="submit" className="h-7 rounded border border-line-strong bg-canvas px-3 text-xs text-fg hover:bg-hover">
          Add
        </button>
      </form>
      {error && (
        <p role="alert" className="text-danger">
          {error}
        </p>
      )}
    </section>
  );
}
