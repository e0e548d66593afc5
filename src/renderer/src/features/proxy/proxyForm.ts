/**
 * The New proxy dialog's check before it asks main: the contract's own schema for proxy.create,
 * its issues put under the fields that caused them ("Port must be a number" under Upstream port),
 * not as "upstreamPort: …" at the foot of the form.
 */
import type { Input } from '@shared/contract';
import { proxyCommands } from '@shared/proxy';
import { issuePath } from '@shared/zod-issues';
import { placeIssues } from '../../ui/fieldIssues';

export type ProxyFormField = 'host' | 'port' | 'upstreamHost' | 'upstreamPort' | 'idleTimeout' | 'name';
export type ProxyFormErrors = Partial<Record<ProxyFormField, string>>;

/** The form's fields in tab order: the first with an error takes the focus. */
export const PROXY_FORM_FIELDS: readonly ProxyFormField[] = ['idleTimeout', 'host', 'port', 'upstreamHost', 'upstreamPort', 'name'];

/** Where an issue belongs, by the first key of its path in proxy.create's input. */
const fieldOfKey: Partial<Record<PropertyKey, ProxyFormField>> = {
  host: 'host',
  port: 'port',
  upstreamHost: 'upstreamHost',
  upstreamPort: 'upstreamPort',
  name: 'name',
  udp: 'idleTimeout',
};

/** An empty field is missing, which reads better than the schema's complaint about its type. */
const missing: Partial<Record<ProxyFormField, string>> = {
  port: 'Port is required (0 picks any free port)',
  upstreamPort: 'Upstream port is required',
  idleTimeout: 'Idle timeout is required',
};

export interface ProxyFormCheck {
  errors: ProxyFormErrors;
  /** A problem no field shows (the TLS options'), said as the schema says it. */
  other?: string;
}

/** `typed`: the fields as typed, to tell an empty one from a wrong one. */
export function checkProxyForm(input: Input<'proxy.create'>, typed: Partial<Record<ProxyFormField, string>>): ProxyFormCheck {
  const parsed = proxyCommands['proxy.create'].input.safeParse(input);
  if (parsed.success) return { errors: {} };
  const { errors, unplaced } = placeIssues(parsed.error.issues, (path) => fieldOfKey[path[0] ?? ''], typed, missing);
  return unplaced.length === 0 ? { errors } : { errors, other: `${issuePath(unplaced[0])}: ${unplaced[0].message}` };
}
