import { useState, type ReactNode } from 'react';
import type { Input } from '@shared/contract';
import { FormField } from '../../ui/FormField';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Checkbox } from '../new-socket/OptionControls';
import { certificateModes } from '../new-socket/TlsOptions';

/** The proxy dialog's TLS choices: terminate towards clients, originate towards the upstream, or both. */
export interface ProxyTlsValues {
  listen: boolean;
  certificateMode: 'self-signed' | 'pem';
  names: string;
  certPem: string;
  keyPem: string;
  upstream: boolean;
  serverName: string;
  verify: boolean;
  caPem: string;
}

export const initialProxyTls: ProxyTlsValues = {
  listen: false,
  certificateMode: 'self-signed',
  names: 'localhost, 127.0.0.1',
  certPem: '',
  keyPem: '',
  upstream: false,
  serverName: '',
  verify: true,
  caPem: '',
};

type TlsInput = Pick<Input<'proxy.create'>, 'listenTls' | 'upstreamTls'>;

/** proxy.create's TLS fields; the contract checks them (and says what is wrong in the dialog's alert). */
export function proxyTlsInput(values: ProxyTlsValues): TlsInput {
  const names = values.names
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    ...(values.listen && {
      listenTls: {
        certificate:
          values.certificateMode === 'pem' ? { mode: 'pem', certPem: values.certPem, keyPem: values.keyPem } : { mode: 'self-signed', names },
      },
    }),
    ...(values.upstream && {
      upstreamTls: {
        verify: values.verify,
        ...(values.serverName.trim() && { serverName: values.serverName.trim() }),
        ...(values.caPem.trim() && { caPem: values.caPem }),
      },
    }),
  };
}

/** A side's TLS box, and under it, indented, what it needs once ticked (the hint says what ticking does). */
function Section(props: { label: string; hint: string; checked: boolean; onChange: (on: boolean) => void; disabled: boolean; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <Checkbox
        label={props.label}
        checked={props.checked}
        disabled={props.disabled}
        onChange={props.onChange}
        hint={props.checked ? undefined : props.hint}
      />
      {props.checked && <div className="flex flex-col gap-2 border-l-2 border-line pl-3">{props.children}</div>}
    </div>
  );
}

interface FieldsProps {
  values: ProxyTlsValues;
  onChange: (patch: Partial<ProxyTlsValues>) => void;
  disabled: boolean;
}

/** Under the listen address: TLS from clients, with the certificate the proxy presents. */
export function ListenTlsFields({ values, onChange, disabled }: FieldsProps) {
  return (
    <Section
      label="Clients connect with TLS"
      hint="Terminates TLS here: the log shows clear text."
      checked={values.listen}
      onChange={(listen) => onChange({ listen })}
      disabled={disabled}
    >
      <div className="self-start">
        <SegmentedControl
          label="Certificate"
          options={certificateModes}
          value={values.certificateMode}
          onChange={(certificateMode) => onChange({ certificateMode })}
          disabled={disabled}
        />
      </div>
      {values.certificateMode === 'self-signed' ? (
        <FormField
          label="Names"
          value={values.names}
          onChange={(names) => onChange({ names })}
          placeholder="localhost, 127.0.0.1"
          hint="Made on the spot for these names; its PEM can be copied for the client's trust store."
          disabled={disabled}
        />
      ) : (
        <div className="flex gap-2">
          <FormField
            label="Certificate (PEM)"
            value={values.certPem}
            onChange={(certPem) => onChange({ certPem })}
            placeholder="-----BEGIN CERTIFICATE-----"
            className="min-w-0 flex-1"
            multiline
            disabled={disabled}
          />
          <FormField
            label="Private key (PEM)"
            value={values.keyPem}
            onChange={(keyPem) => onChange({ keyPem })}
            placeholder="-----BEGIN PRIVATE KEY-----"
            hint="Never saved with the workspace."
            className="min-w-0 flex-1"
            multiline
            disabled={disabled}
          />
        </div>
      )}
    </Section>
  );
}

/** Under the upstream address: TLS to the server, and how its certificate is judged. */
export function UpstreamTlsFields({ values, onChange, disabled }: FieldsProps) {
  const [showCa, setShowCa] = useState(values.caPem !== '');
  return (
    <Section
      label="Connect to the upstream with TLS"
      hint="Originates TLS to the server: a plain client can talk to a TLS service."
      checked={values.upstream}
      onChange={(upstream) => onChange({ upstream })}
      disabled={disabled}
    >
      <div className="flex items-end gap-3">
        <FormField
          label="Server name (SNI)"
          value={values.serverName}
          onChange={(serverName) => onChange({ serverName })}
          placeholder="the upstream host"
          className="min-w-0 flex-1"
          disabled={disabled}
        />
        <div className="pb-1">
          <Checkbox label="Verify certificate" checked={values.verify} disabled={disabled} onChange={(verify) => onChange({ verify })} />
        </div>
      </div>
      {showCa ? (
        <FormField
          label="Also trust (PEM)"
          value={values.caPem}
          onChange={(caPem) => onChange({ caPem })}
          placeholder="-----BEGIN CERTIFICATE-----"
          hint="A development CA, or the server’s own certificate; added to the usual roots."
          multiline
          disabled={disabled}
        />
      ) : (
        <button type="button" onClick={() => setShowCa(true)} className="self-start text-xs text-accent hover:underline" disabled={disabled}>
          Trust a CA…
        </button>
      )}
    </Section>
  );
}
