import { useEffect, useId, useRef, useState } from 'react';
import type { ErrorInfo } from '@shared/contract';
import { createProxy } from './proxy';
import { ProxyProtocolFields, udpOptionsOf } from './ProxyProtocolFields';
import { selectSocket } from '../sockets/sockets';
import { closeProxyDialog, closeProxyDialogOn } from '../shell/ui';
import { preloadSocketViews, preloadSocketViewsSoon } from '../shell/lazyParts';
import { type FieldOptions, FormField } from '../../ui/FormField';
import { DialogBackdrop, DialogFailure, DialogFooter, DialogHeader, DialogPanel, DialogSubmit } from '../../ui/Dialog';
import { initialProxyTls, ListenTlsFields, proxyTlsInput, UpstreamTlsFields, type ProxyTlsValues } from './ProxyTlsFields';
import { addressFieldOf } from '../../ui/addressErrors';
import { checkProxyForm, PROXY_FORM_FIELDS, type ProxyFormErrors, type ProxyFormField } from './proxyForm';

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

/** What the dialog shows when it opens next: what was last submitted. */
function remember(values: Values, tls: ProxyTlsValues): void {
  remembered = values;
  rememberedTls = tls;
}

function portOf(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** New proxy: listen here, forward each client to the upstream over its own connection. */
export function ProxyDialog() {
  const [values, setValues] = useState<Values>(remembered);
  const [failure, setFailure] = useState<ErrorInfo | null>(null);
  const [errors, setErrors] = useState<ProxyFormErrors>({});
  const inputs = useRef(new Map<ProxyFormField, HTMLInputElement>());
  const [tls, setTls] = useState<ProxyTlsValues>(rememberedTls);
  const changeTls = (patch: Partial<ProxyTlsValues>): void => setTls((current) => ({ ...current, ...patch }));
  const [pending, setPending] = useState(false);
  // The field an attempt failed on, focused once the dialog is enabled again.
  const focusAfterAttempt = useRef<ProxyFormField | null>(null);
  useEffect(() => {
    if (pending || focusAfterAttempt.current === null) return;
    inputs.current.get(focusAfterAttempt.current)?.focus();
    focusAfterAttempt.current = null;
  }, [pending, errors]);
  const first = useRef<HTMLInputElement>(null);
  const started = useRef(false);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    const cancelPreload = preloadSocketViewsSoon();
    return () => {
      cancelPreload();
      // A proxy it started takes the focus instead (its Add toxic field), for what is typed next.
      if (!started.current) opener?.focus();
    };
  }, []);

  const change = (patch: Partial<Values>): void => {
    setValues((current) => ({ ...current, ...patch }));
    // A field being mended says nothing until the next submit.
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !(key in patch))));
  };
  const field = (key: ProxyFormField, label: string, options: FieldOptions = {}) => (
    <FormField
      {...options}
      label={label}
      value={values[key]}
      onChange={(value) => change({ [key]: value })}
      disabled={pending}
      error={errors[key]}
      inputRef={(element: HTMLInputElement | null) => {
        if (element) inputs.current.set(key, element);
        else inputs.current.delete(key);
        if (key === 'host') first.current = element;
      }}
    />
  );
  const titleId = useId();
  const descriptionId = useId();

  const submit = async (): Promise<void> => {
    if (pending) return;
    remember(values, tls);
    const input = {
      ...(values.name.trim() && { name: values.name.trim() }),
      host: values.host,
      port: portOf(values.port),
      upstreamHost: values.upstreamHost,
      upstreamPort: portOf(values.upstreamPort),
      protocol: values.protocol,
      ...udpOptionsOf(values.protocol, values.idleTimeout),
      ...(values.protocol === 'tcp' && proxyTlsInput(tls)),
    };
    const checked = checkProxyForm(input, values);
    setErrors(checked.errors);
    setFailure(checked.other === undefined ? null : { code: 'INVALID_INPUT', message: checked.other });
    const firstInvalid = PROXY_FORM_FIELDS.find((key) => checked.errors[key]);
    if (firstInvalid) inputs.current.get(firstInvalid)?.focus();
    if (firstInvalid || checked.other !== undefined) return;
    setPending(true);
    preloadSocketViews();
    const result = await createProxy(input);
    setPending(false);
    if (!result.ok) {
      // The listen port in use, the listen host not this machine's: said under that field.
      const field = addressFieldOf(result.error.code, true);
      if (field) {
        setErrors({ [field]: result.error.message });
        focusAfterAttempt.current = field;
      } else setFailure(result.error);
      return;
    }
    started.current = true;
    selectSocket(result.value.id);
    closeProxyDialogOn(result.value.id);
  };

  return (
    <DialogBackdrop onDismiss={closeProxyDialog} busy={pending}>
      <DialogPanel titleId={titleId} descriptionId={descriptionId} onDismiss={closeProxyDialog} width="w-[480px]">
        <DialogHeader
          titleId={titleId}
          title="New proxy"
          descriptionId={descriptionId}
          description="Sit between a client and its server: point the client here, and see, hold, edit and break what both send."
        />
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <div className="flex max-h-[64vh] flex-col gap-3 overflow-y-auto border-t border-line px-4 py-4">
            <ProxyProtocolFields
              {...values}
              onChange={change}
              disabled={pending}
              idleTimeoutError={errors.idleTimeout}
              idleTimeoutRef={(element) => {
                if (element) inputs.current.set('idleTimeout', element);
              }}
            />
            <div className="flex gap-2">
              {field('host', 'Listen host', { className: 'flex-1' })}
              {field('port', 'Listen port', { inputMode: 'numeric', hint: '0 picks any free port.', className: 'w-28' })}
            </div>
            {values.protocol === 'tcp' && <ListenTlsFields values={tls} onChange={changeTls} disabled={pending} />}
            <div className="flex gap-2">
              {field('upstreamHost', 'Upstream host', { placeholder: 'the real server', className: 'flex-1' })}
              {field('upstreamPort', 'Upstream port', { inputMode: 'numeric', placeholder: '6379', className: 'w-28' })}
            </div>
            {values.protocol === 'tcp' && <UpstreamTlsFields values={tls} onChange={changeTls} disabled={pending} />}
            {field('name', 'Name', { placeholder: 'optional, e.g. redis', hint: 'How the Toxiproxy API calls it.' })}
            {failure && <DialogFailure message={failure.message} />}
          </div>
          <DialogFooter onCancel={closeProxyDialog}>
            <DialogSubmit busy={pending}>Start proxy</DialogSubmit>
          </DialogFooter>
        </form>
      </DialogPanel>
    </DialogBackdrop>
  );
}
