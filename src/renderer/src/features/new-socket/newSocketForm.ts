import type { Input } from '@shared/contract';
import { TcpConnectInput, TcpListenInput, UdpBindInput } from '@shared/contract/socket-opening';
import type { NewSocketKind } from '../shell/ui';
import { type PathIssue, placeIssues } from '../../ui/fieldIssues';

/** What the user typed, as typed. */
export interface NewSocketValues {
  host: string;
  port: string;
  timeout: string;
  targetHost: string;
  targetPort: string;
}

export type FieldName = keyof NewSocketValues;
export type FieldErrors = Partial<Record<FieldName, string>>;

export type NewSocketRequest =
  | { command: 'tcp.connect'; input: Input<'tcp.connect'> }
  | { command: 'tcp.listen'; input: Input<'tcp.listen'> }
  | { command: 'udp.bind'; input: Input<'udp.bind'> };

export const initialValues: Record<NewSocketKind, NewSocketValues> = {
  'tcp-client': { host: '', port: '', timeout: '10000', targetHost: '', targetPort: '' },
  'tcp-listener': { host: '127.0.0.1', port: '0', timeout: '', targetHost: '', targetPort: '' },
  udp: { host: '127.0.0.1', port: '0', timeout: '', targetHost: '', targetPort: '' },
};

/** The fields each kind shows, in tab order. */
export const fieldsOf: Record<NewSocketKind, readonly FieldName[]> = {
  'tcp-client': ['host', 'port', 'timeout'],
  'tcp-listener': ['host', 'port'],
  udp: ['host', 'port', 'targetHost', 'targetPort'],
};

/** Digits only become a number; anything else becomes NaN so the schema names the problem. */
function toNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Which field a schema issue belongs to, by its path in the command's input. */
function fieldFor(path: readonly PropertyKey[]): FieldName | undefined {
  const [first, second] = path;
  if (first === 'host' || first === 'port') return first;
  if (first === 'timeoutMs') return 'timeout';
  if (first === 'defaultTarget') return second === 'port' ? 'targetPort' : 'targetHost';
  return undefined;
}

/** An empty field the schema refused, said as missing. */
const missing: Partial<Record<FieldName, string>> = {
  port: 'Port is required',
  targetPort: 'Port is required with a target host',
  targetHost: 'Host is required with a target port',
};

function collect(issues: readonly PathIssue[], values: NewSocketValues): FieldErrors {
  return placeIssues(issues, fieldFor, values, missing).errors;
}

/**
 * Checks the form with the contract's own schemas; returns the request to send when it is valid.
 * `extra` is added to the input: options checked elsewhere (TLS, broadcast: socketOptionsForm.ts).
 */
export function validateNewSocket(
  kind: NewSocketKind,
  values: NewSocketValues,
  extra: Record<string, unknown> = {},
): { errors: FieldErrors; request?: NewSocketRequest } {
  switch (kind) {
    case 'tcp-client': {
      const input = { host: values.host, port: toNumber(values.port), timeoutMs: toNumber(values.timeout), ...extra };
      const parsed = TcpConnectInput.safeParse(input);
      return parsed.success
        ? { errors: {}, request: { command: 'tcp.connect', input: parsed.data } }
        : { errors: collect(parsed.error.issues, values) };
    }
    case 'tcp-listener': {
      const input = { host: values.host, port: toNumber(values.port), ...extra };
      const parsed = TcpListenInput.safeParse(input);
      return parsed.success
        ? { errors: {}, request: { command: 'tcp.listen', input: parsed.data } }
        : { errors: collect(parsed.error.issues, values) };
    }
    case 'udp': {
      const hasTarget = values.targetHost.trim() !== '' || values.targetPort.trim() !== '';
      const input = {
        host: values.host,
        port: toNumber(values.port),
        defaultTarget: hasTarget ? { host: values.targetHost, port: toNumber(values.targetPort) } : undefined,
        ...extra,
      };
      const parsed = UdpBindInput.safeParse(input);
      return parsed.success ? { errors: {}, request: { command: 'udp.bind', input: parsed.data } } : { errors: collect(parsed.error.issues, values) };
    }
  }
}

/** "Connecting to 127.0.0.1:80…": what the dialog says while it waits. */
export function pendingMessage(request: NewSocketRequest): string {
  const { host, port } = request.input;
  switch (request.command) {
    case 'tcp.connect':
      return `Connecting to ${host}:${port}…`;
    case 'tcp.listen':
      return `Starting to listen on ${host}:${port}…`;
    case 'udp.bind':
      return `Binding ${host}:${port}…`;
  }
}

/** What was last typed for each kind, so reopening the dialog starts from there. */
const remembered: Record<NewSocketKind, NewSocketValues> = {
  'tcp-client': { ...initialValues['tcp-client'] },
  'tcp-listener': { ...initialValues['tcp-listener'] },
  udp: { ...initialValues.udp },
};

export function rememberedValues(kind: NewSocketKind): NewSocketValues {
  return remembered[kind];
}

export function rememberValues(kind: NewSocketKind, values: NewSocketValues): void {
  remembered[kind] = values;
}
