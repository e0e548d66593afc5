import { useState, type ReactNode } from 'react';
import type { Input } from '@shared/contract';
import { boundFields } from '../../ui/FormField';
import { Checkbox } from '../new-socket/OptionControls';
import type { CertificateMode } from '../new-socket/socketOptionsForm';
import { CertificateModeField } from '../new-socket/TlsOptions';

/** The proxy dialog's TLS choices: terminate towards clients, originate towards the upstream, or both. */
export interface ProxyTlsValues {
  listen: boolean;
  certificateMode: CertificateMode;
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

const sides = {
  listen: { label: 'Clients connect with TLS', hint: 'Terminates TLS here: the log shows clear text.' },
  upstream: { label: 'Connect to the upstream with TLS', hint: 'Originates TLS to the server: a plain client can talk to a TLS service.' },
} as const;

interface FieldsProps {
  values: ProxyTlsValues;
  onChange: (patch: Partial<ProxyTlsValues>) => void;
  disabled: boolean;
}

/** A side's TLS box, and under it, indented, what it needs once ticked (the hint says what ticking does). */
function Section({ side, values, onChange, disabled, children }: FieldsProps & { side: keyof typeof sides; children: ReactNode }) {
  const checked = values[side];
  return (
    <div className="flex flex-col gap-2">
      <Checkbox
        label={sides[side].label}
        checked={checked}
        disabled={disabled}
        onChange={(on) => onChange({ [side]: on })}
        hint={checked ? undefined : sides[side].hint}
      />
      {checked && <div className="flex flex-col gap-2 border-l-2 border-line pl-3">{children}</div>}
    </div>
  );
}

/** Under the listen address: TLS from clients, with the certificate the proxy presents. */
export function ListenTlsFields(props: FieldsProps) {
  const { values, onChange, disabled } = props;
  const field = boundFields(values, onChange, { disabled });
  return (
    <Section side="listen" {...props}>
      <CertificateModeField value={values.certificateMode} onChange={(certificateMode) => onChange({ certificateMode })} disabled={disabled} />
      {values.certificateMode === 'self-signed' ? (
        field('names', 'Names', {
          placeholder: 'localhost, 127.0.0.1',
          hint: "Made on the spot for these names; its PEM can be copied for the client's trust store.",
        })
      ) : (
        <div className="flex gap-2">
          {field('certPem', 'Certificate (PEM)', { placeholder: '-----BEGIN CERTIFICATE-----', className: 'min-w-0 flex-1', multiline: true })}
          {field('keyPem', 'Private key (PEM)', {
            placeholder: '-----BEGIN PRIVATE KEY-----',
            hint: 'Never saved with the workspace.',
            className: 'min-w-0 flex-1',
            multiline: true,
          })}
        </div>
      )}
    </Section>
  );
}

/** Under the upstream address: TLS to the server, and how its certificate is judged. */
export function UpstreamTlsFields(props: FieldsProps) {
  const { values, onChange, disabled } = props;
  const field = boundFields(values, onChange, { disabled });
  const [showCa, setShowCa] = useState(values.caPem !== '');
  return (
    <Section side="upstream" {...props}>
      <div className="flex items-end gap-3">
        {field('serverName', 'Server name (SNI)', { placeholder: 'the upstream host', className: 'min-w-0 flex-1' })}
        <div className="pb-1">
          <Checkbox label="Verify certificate" checked={values.verify} disabled={disabled} onChange={(verify) => onChange({ verify })} />
        </div>
      </div>
      {showCa ? (
        field('caPem', 'Also trust (PEM)', {
          placeholder: '-----BEGIN CERTIFICATE-----',
          hint: 'A development CA, or the server’s own certificate; added to the usual roots.',
          multiline: true,
        })
      ) : (
        <button type="button" onClick={() => setShowCa(true)} className="self-start text-xs text-accent hover:underline" disabled={disabled}>
          Trust a CA…
        </button>
      )}
    </Section>
  );
}
