import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ErrorInfo } from '@shared/contract';
import {
  fieldsOf,
  pendingMessage,
  rememberedValues,
  rememberValues,
  validateNewSocket,
  type FieldName,
  type NewSocketRequest,
  type NewSocketValues,
} from './newSocketForm';
import { openSocket } from '../sockets/socketActions';
import { rememberedOptions, rememberOptions, validateSocketOptions, type SocketOptionValues } from './socketOptionsForm';
import { selectSocket } from '../sockets/sockets';
import { closeNewSocketDialog, closeNewSocketDialogOn, type NewSocketKind } from '../shell/ui';
import { FormField } from '../../ui/FormField';
import { addressFieldOf } from '../../ui/addressErrors';
import { DialogBackdrop, DialogFailure, DialogFooter, DialogHeader, DialogPanel, DialogSubmit } from '../../ui/Dialog';
import { Checkbox } from './OptionControls';
import { TlsOptions } from './TlsOptions';
import { preloadSocketViews, preloadSocketViewsSoon } from '../shell/lazyParts';

const kinds: readonly { kind: NewSocketKind; tab: string; title: string; description: string; submit: string }[] = [
  { kind: 'tcp-client', tab: 'TCP client', title: 'New connection', description: 'Open a TCP connection to a server.', submit: 'Connect' },
  { kind: 'tcp-listener', tab: 'TCP listener', title: 'New listener', description: 'Accept TCP connections on a local port.', submit: 'Listen' },
  { kind: 'udp', tab: 'UDP socket', title: 'New UDP socket', description: 'Bind a UDP port to send and receive datagrams.', submit: 'Bind' },
];

const labels: Record<FieldName, string> = {
  host: 'Host',
  port: 'Port',
  timeout: 'Timeout (ms)',
  targetHost: 'Default target host',
  targetPort: 'Default target port',
};

/** One dialog for the three ways to open a socket; validates as you type with the contract's schemas. */
export function NewSocketDialog({ initialKind }: { initialKind: NewSocketKind }) {
  const [kind, setKind] = useState<NewSocketKind>(initialKind);
  const [values, setValues] = useState<NewSocketValues>(() => rememberedValues(initialKind));
  const [options, setOptions] = useState<SocketOptionValues>(() => rememberedOptions(initialKind));
  const [touched, setTouched] = useState<ReadonlySet<FieldName>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState<NewSocketRequest | null>(null);
  const [failure, setFailure] = useState<ErrorInfo | null>(null);
  const firstFieldRef = useRef<HTMLInputElement>(null);
  const fieldRefs = useRef(new Map<FieldName, HTMLInputElement>());
  const alive = useRef(true);
  const opened = useRef(false);
  const titleId = useId();
  const descriptionId = useId();
  const tabIdPrefix = useId();

  const meta = kinds.find((k) => k.kind === kind) ?? kinds[0];
  // Options are checked with a schema only once TLS is on; host and port once anything would
  // show their errors (a field typed in or left, a submit). A dialog just opened shows none, so
  // its first render (the first click's) builds and runs no schema.
  const checkedOptions = validateSocketOptions(kind, options);
  const checkForm = (): ReturnType<typeof validateNewSocket> => validateNewSocket(kind, values, checkedOptions.extra);
  const checked = submitted || touched.size > 0 ? checkForm() : undefined;
  const fields = fieldsOf[kind];

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    alive.current = true;
    firstFieldRef.current?.focus();
    firstFieldRef.current?.select();
    const cancelPreload = preloadSocketViewsSoon();
    return () => {
      alive.current = false;
      cancelPreload();
      // A socket it opened takes the focus instead (its send bar), for what is typed next.
      if (!opened.current) opener?.focus();
    };
  }, []);

  // A port in use or a host not found is said under that field, not at the dialog's foot; once the
  // dialog is enabled again after the attempt, that field takes the focus.
  const failedField = failure ? addressFieldOf(failure.code, kind !== 'tcp-client') : undefined;
  useEffect(() => {
    if (failedField && pending === null) fieldRefs.current.get(failedField)?.focus();
  }, [failure, failedField, pending]);

  const switchKind = (next: NewSocketKind): void => {
    if (pending) return;
    rememberValues(kind, values);
    rememberOptions(kind, options);
    setKind(next);
    setValues(rememberedValues(next));
    setOptions(rememberedOptions(next));
    setTouched(new Set());
    setSubmitted(false);
    setFailure(null);
  };

  const change = (field: FieldName, value: string): void => {
    setValues((current) => ({ ...current, [field]: value }));
    setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
    setFailure(null);
  };

  const submit = async (): Promise<void> => {
    if (pending) return;
    setSubmitted(true);
    const { errors, request } = checked ?? checkForm();
    if (!request || !checkedOptions.extra) {
      const firstInvalid = fields.find((field) => errors[field]);
      if (firstInvalid) fieldRefs.current.get(firstInvalid)?.focus();
      return;
    }
    rememberValues(kind, values);
    rememberOptions(kind, options);
    setFailure(null);
    setPending(request);
    preloadSocketViews();
    const result = await openSocket(request);
    if (!alive.current) return;
    setPending(null);
    if (result.ok) {
      opened.current = true;
      selectSocket(result.value.id);
      closeNewSocketDialogOn(result.value.id);
    } else {
      setFailure(result.error);
    }
  };

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = kinds.findIndex((k) => k.kind === kind);
    const next = kinds[(index + step + kinds.length) % kinds.length];
    switchKind(next.kind);
    document.getElementById(`${tabIdPrefix}-${next.kind}`)?.focus();
  };

  const shownError = (field: FieldName): string | undefined =>
    field === failedField ? failure?.message : submitted || touched.has(field) ? checked?.errors[field] : undefined;

  const field = (name: FieldName, options: { hint?: string; placeholder?: string; className?: string; numeric?: boolean }) => (
    <FormField
      label={labels[name]}
      value={values[name]}
      onChange={(value) => change(name, value)}
      onBlur={() => setTouched((current) => (current.has(name) ? current : new Set(current).add(name)))}
      error={shownError(name)}
      hint={options.hint}
      placeholder={options.placeholder}
      inputMode={options.numeric ? 'numeric' : 'text'}
      disabled={pending !== null}
      className={options.className}
      inputRef={(element: HTMLInputElement | null) => {
        if (element) fieldRefs.current.set(name, element);
        else fieldRefs.current.delete(name);
        if (name === fields[0]) firstFieldRef.current = element;
      }}
    />
  );

  return (
    <DialogBackdrop onDismiss={closeNewSocketDialog} busy={pending !== null}>
      <DialogPanel titleId={titleId} descriptionId={descriptionId} onDismiss={closeNewSocketDialog} width="w-[440px]">
        <DialogHeader titleId={titleId} title={meta.title} descriptionId={descriptionId} description={meta.description} />
        <div role="tablist" aria-label="Socket type" className="flex gap-4 border-b border-line px-4">
          {kinds.map((k) => {
            const selected = k.kind === kind;
            return (
              <button
                key={k.kind}
                id={`${tabIdPrefix}-${k.kind}`}
                type="button"
                role="tab"
                aria-selected={selected}
                aria-controls={`${tabIdPrefix}-panel`}
                tabIndex={selected ? 0 : -1}
                disabled={pending !== null && !selected}
                onClick={() => switchKind(k.kind)}
                onKeyDown={onTabKeyDown}
                className={`-mb-px border-b-2 pt-1 pb-2 text-xs ${
                  selected ? 'border-fg font-medium text-fg' : 'border-transparent text-muted hover:text-fg'
                }`}
              >
                {k.tab}
              </button>
            );
          })}
        </div>
        <form
          id={`${tabIdPrefix}-panel`}
          role="tabpanel"
          aria-labelledby={`${tabIdPrefix}-${kind}`}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <div className="flex max-h-[64vh] flex-col gap-3 overflow-y-auto px-4 py-4">
            {kind === 'tcp-client' && (
              <>
                <div className="flex gap-2">
                  {field('host', { placeholder: '127.0.0.1 or a host name', className: 'flex-1' })}
                  {field('port', { placeholder: '8080', className: 'w-24', numeric: true })}
                </div>
                {field('timeout', { hint: 'Give up after this long.', className: 'w-40', numeric: true })}
              </>
            )}
            {kind === 'tcp-listener' && (
              <div className="flex gap-2">
                {field('host', {
                  placeholder: '127.0.0.1',
                  hint: '127.0.0.1 accepts only this machine; 0.0.0.0 every interface; :: IPv6 and IPv4.',
                  className: 'flex-1',
                })}
                {field('port', { hint: '0 picks any free port.', className: 'w-28', numeric: true })}
              </div>
            )}
            {kind !== 'udp' && (
              <Checkbox
                label="Stay open after the peer's FIN"
                checked={options.keepHalfOpen}
                onChange={(keepHalfOpen) => setOptions((current) => ({ ...current, keepHalfOpen }))}
                hint={
                  kind === 'tcp-client'
                    ? 'When the server finishes sending, keep this side open until you close it.'
                    : 'When a client finishes sending (nc -N, HTTP/1.0), keep the connection open so you can still reply.'
                }
                disabled={pending !== null}
              />
            )}
            {kind !== 'udp' && (
              <TlsOptions
                kind={kind}
                values={options}
                onChange={(patch) => setOptions((current) => ({ ...current, ...patch }))}
                errors={checkedOptions.errors}
                submitted={submitted}
                disabled={pending !== null}
              />
            )}
            {kind === 'udp' && (
              <>
                <div className="flex gap-2">
                  {field('host', { placeholder: '127.0.0.1', className: 'flex-1' })}
                  {field('port', { hint: '0 picks any free port.', className: 'w-28', numeric: true })}
                </div>
                <div className="flex gap-2">
                  {field('targetHost', { placeholder: 'optional', hint: 'Where a send goes when no target is given.', className: 'flex-1' })}
                  {field('targetPort', { placeholder: 'optional', className: 'w-28', numeric: true })}
                </div>
                <Checkbox
                  label="Broadcast"
                  checked={options.broadcast}
                  onChange={(broadcast) => setOptions((current) => ({ ...current, broadcast }))}
                  hint="Allow sending to broadcast addresses (SO_BROADCAST). Multicast is set up once the socket is bound."
                  disabled={pending !== null}
                />
              </>
            )}
            {failure && !failedField && <DialogFailure message={failure.message} />}
          </div>
          <DialogFooter status={pending ? pendingMessage(pending) : ''} onCancel={closeNewSocketDialog}>
            <DialogSubmit busy={pending !== null}>{meta.submit}</DialogSubmit>
          </DialogFooter>
        </form>
      </DialogPanel>
    </DialogBackdrop>
  );
}
