/**
 * The new-socket dialog's options beyond host and port: TLS for TCP clients and listeners,
 * broadcast for UDP. Checked with the contract's own schemas; what they produce is added to the
 * command's input (newSocketForm.ts validates the rest).
 */
import { TlsClientOptions, TlsListenOptions } from '@shared/tls-options';
import type { NewSocketKind } from '../shell/ui';

export type CertificateMode = 'self-signed' | 'pem';

/** What the user typed, as typed. */
export interface SocketOptionValues {
  tls: boolean;
  // TCP client
  serverName: string;
  alpn: string;
  verify: boolean;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  // TCP listener
  certificateMode: CertificateMode;
  names: string;
  certPem: string;
  keyPem: string;
  requestClientCert: boolean;
  clientCaPem: string;
  // TCP client and listener
  keepHalfOpen: boolean;
  // UDP
  broadcast: boolean;
}

export type OptionField = 'serverName' | 'alpn' | 'caPem' | 'clientCertPem' | 'clientKeyPem' | 'names' | 'certPem' | 'keyPem' | 'clientCaPem';
export type OptionErrors = Partial<Record<OptionField, string>>;

export const initialOptionValues: SocketOptionValues = {
  tls: false,
  serverName: '',
  alpn: '',
  verify: true,
  caPem: '',
  clientCertPem: '',
  clientKeyPem: '',
  certificateMode: 'self-signed',
  names: 'localhost, 127.0.0.1, ::1',
  certPem: '',
  keyPem: '',
  requestClientCert: false,
  clientCaPem: '',
  keepHalfOpen: false,
  broadcast: false,
};

/** `h2, http/1.1` → ['h2', 'http/1.1']; empty → undefined. */
function list(text: string): string[] | undefined {
  const items = text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function optional(text: string): string | undefined {
  return text.trim() === '' ? undefined : text;
}

/** Which field an issue belongs to, by its path inside the `tls` options. */
function fieldFor(path: readonly PropertyKey[]): OptionField | undefined {
  const [first, second] = path;
  if (first === 'serverName' || first === 'alpn' || first === 'caPem' || first === 'clientCaPem') return first;
  if (first === 'clientCert') return second === 'keyPem' ? 'clientKeyPem' : 'clientCertPem';
  if (first === 'certificate') return second === 'names' ? 'names' : second === 'keyPem' ? 'keyPem' : 'certPem';
  return undefined;
}

function collect(issues: readonly { path: readonly PropertyKey[]; message: string }[]): OptionErrors {
  const errors: OptionErrors = {};
  for (const issue of issues) {
    const field = fieldFor(issue.path);
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/**
 * Checks the options for `kind`; `extra` (absent while something is wrong) is what goes into the
 * command's input beside host and port.
 */
export function validateSocketOptions(kind: NewSocketKind, values: SocketOptionValues): { errors: OptionErrors; extra?: Record<string, unknown> } {
  if (kind === 'udp') return { errors: {}, extra: values.broadcast ? { broadcast: true } : {} };
  const checked = validateTlsOptions(kind, values);
  return checked.extra && values.keepHalfOpen ? { ...checked, extra: { ...checked.extra, keepHalfOpen: true } } : checked;
}

function validateTlsOptions(
  kind: 'tcp-client' | 'tcp-listener',
  values: SocketOptionValues,
): { errors: OptionErrors; extra?: Record<string, unknown> } {
  if (!values.tls) return { errors: {}, extra: {} };
  if (kind === 'tcp-client') {
    const withClientCert = values.clientCertPem.trim() !== '' || values.clientKeyPem.trim() !== '';
    const parsed = TlsClientOptions.safeParse({
      serverName: optional(values.serverName),
      alpn: list(values.alpn),
      verify: values.verify,
      caPem: optional(values.caPem),
      clientCert: withClientCert ? { certPem: values.clientCertPem, keyPem: values.clientKeyPem } : undefined,
    });
    return parsed.success ? { errors: {}, extra: { tls: parsed.data } } : { errors: collect(parsed.error.issues) };
  }
  const certificate =
    values.certificateMode === 'self-signed'
      ? { mode: 'self-signed', names: list(values.names) ?? [] }
      : { mode: 'pem', certPem: values.certPem, keyPem: values.keyPem };
  const parsed = TlsListenOptions.safeParse({
    certificate,
    requestClientCert: values.requestClientCert,
    alpn: list(values.alpn),
    clientCaPem: optional(values.clientCaPem),
  });
  return parsed.success ? { errors: {}, extra: { tls: parsed.data } } : { errors: collect(parsed.error.issues) };
}

/** What was last chosen for each kind, so reopening the dialog starts from there. */
const remembered: Record<NewSocketKind, SocketOptionValues> = {
  'tcp-client': { ...initialOptionValues },
  'tcp-listener': { ...initialOptionValues },
  udp: { ...initialOptionValues },
};

export function rememberedOptions(kind: NewSocketKind): SocketOptionValues {
  return remembered[kind];
}

export function rememberOptions(kind: NewSocketKind, values: SocketOptionValues): void {
  remembered[kind] = values;
}
