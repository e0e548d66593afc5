import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '@shared/contract';
import { createProxy } from './proxy';
import { ProxyProtocolFields, udpOptionsOf } from './ProxyProtocolFields';
import { selectSocket } from '../sockets/sockets';
import { closeProxyDialog } from '../shell/ui';
import { FormField } from '../../ui/FormField';
import { AlertIcon } from '../../ui/Icons';
import { initialProxyTls, ListenTlsFields, proxyTlsInput, UpstreamTlsFields, type ProxyTlsValues } from './ProxyTlsFields';

/** Alt+P, matched on the physical key as the other New… shortcuts. */
export const PROXY_SHORTCUT = { code: 'KeyP', key: 'P' } as const;

interface Values {
  name: string;
  host: string;
  port: string;
  upstreamHost: string;
  upstreamPort: string;
  protocol: 'tcp' | 'udp';
  idleTimeout: string;
}

let remembered: Values = { name: '', host: '127.0.0.1', port: '0', upstreamHost: '127.0.0.1', upstreamPort: '', protocol: 'tcp', idleTimeout: '60' };
let rememberedTls: ProxyTlsValues = initialProxyTls;

function portOf(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** New proxy: listen here, forward each client to the upstream over its own connection. */
export function ProxyDialog() {
  const [values, setValues] = useState<Values>(remembered);
  const [failure, setFailure] = useState<ErrorInfo | null>(null);
  const [tls, setTls] = useState<ProxyTlsValues>(rememberedTls);
  const changeTls = (patch: Partial<ProxyTlsValues>): void => setTls((current) => ({ ...current, ...patch }));
  const [pending, setPending] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    return () => opener?.focus();
  }, []);

  const set = (key: keyof Values) => (value: string) => setValues((current) => ({ ...current, [key]: value }));

  const submit = async (): Promise<void> => {
    if (pending) return;
    remembered = values;
    rememberedTls = tls;
    setPending(true);
    const result = await createProxy({
      ...(values.name.trim() && { name: values.name.trim() }),
      host: values.host,
      port: portOf(values.port),
      upstreamHost: values.upstreamHost,
      upstreamPort: portOf(values.upstreamPort),
      protocol: values.protocol,
      ...udpOptionsOf(values.protocol, values.idleTimeout),
      ...(values.protocol === 'tcp' && proxyTlsInput(tls)),
    });
    setPending(false);
    if (!result.ok) return setFailure(result.error);
    closeProxyDialog();
    selectSocket(result.value.id);
  };

  return (
    <div
      className="fixed inset-0 z-40 flex items-start justify-center bg-black/25 pt-[12vh]"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && !pending) closeProxyDialog();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="proxy-dialog-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape') closeProxyDialog();
        }}
        className="w-[480px] max-w-[calc(100vw-2rem)] overflow-hidden rounded-lg border border-line-strong bg-panel shadow-2xl shadow-black/20"
      >
        <div className="px-4 pt-3.5 pb-3">
          <h2 id="proxy-dialog-title" className="text-[14px] font-semibold text-fg">
            New proxy
          </h2>
          <p className="mt-0.5 text-xs text-muted">
            Sit between a client and its server: point the client here, and see, hold, edit and break what both send.
          </p>
        </div>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <div className="flex flex-col gap-3 border-t border-line px-4 py-4">
            <ProxyProtocolFields {...values} onChange={(patch) => setValues((current) => ({ ...current, ...patch }))} disabled={pending} />
            <div className="flex gap-2">
              <FormField label="Listen host" value={values.host} onChange={set('host')} inputRef={first} className="flex-1" disabled={pending} />
              <FormField
                label="Listen port"
                value={values.port}
                onChange={set('port')}
                inputMode="numeric"
                hint="0 picks any free port."
                className="w-28"
                disabled={pending}
              />
            </div>
            {values.protocol === 'tcp' && <ListenTlsFields values={tls} onChange={changeTls} disabled={pending} />}
            <div className="flex gap-2">
              <FormField
                label="Upstream host"
                value={values.upstreamHost}
                onChange={set('upstreamHost')}
                placeholder="the real server"
                className="flex-1"
                disabled={pending}
              />
              <FormField
                label="Upstream port"
                value={values.upstreamPort}
                onChange={set('upstreamPort')}
                inputMode="numeric"
                placeholder="6379"
                className="w-28"
                disabled={pending}
              />
            </div>
            {values.protocol === 'tcp' && <UpstreamTlsFields values={tls} onChange={changeTls} disabled={pending} />}
            <FormField
              label="Name"
              value={values.name}
              onChange={set('name')}
              placeholder="optional, e.g. redis"
              hint="How the Toxiproxy API calls it."
              disabled={pending}
            />
            {failure && (
              <div role="alert" className="flex items-start gap-2 rounded border border-danger/40 bg-danger/8 px-2.5 py-2 text-xs text-danger">
                <AlertIcon className="mt-px size-3.5 shrink-0" />
                <span className="select-text">{failure.message}</span>
              </div>
            )}
          </div>
          <div className="flex items-center justify-end gap-2 border-t border-line bg-chrome px-4 py-2.5">
            <button
              type="button"
              onClick={closeProxyDialog}
              className="h-7 rounded border border-line-strong bg-canvas px-3 text-xs text-fg hover:bg-hover"
            >
              Cancel
            </button>
            <button
              type="submit"
              aria-disabled={pending || undefined}
              className="inline-flex h-7 min-w-[72px] items-center justify-center rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 aria-disabled:opacity-70 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
            >
              Start proxy
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
