import { useState } from 'react';
import type { CertificateMode, OptionErrors, OptionField, SocketOptionValues } from './socketOptionsForm';
import { boundFields, type FieldOptions } from '../../ui/FormField';
import { Checkbox } from './OptionControls';
import { SegmentedField } from '../../ui/SegmentedControl';

interface TlsOptionsProps {
  kind: 'tcp-client' | 'tcp-listener';
  values: SocketOptionValues;
  onChange: (patch: Partial<SocketOptionValues>) => void;
  errors: OptionErrors;
  /** After a submit attempt every error shows, not only those of fields already left. */
  submitted: boolean;
  disabled: boolean;
}

const certificateModes = [
  { value: 'self-signed', label: 'Self-signed' },
  { value: 'pem', label: 'My certificate (PEM)' },
] as const;

/** A TLS server's certificate: made on the spot, or the user's own PEM (the new listener's and the proxy's). */
export function CertificateModeField(props: { value: CertificateMode; onChange: (mode: CertificateMode) => void; disabled: boolean }) {
  return <SegmentedField label="Certificate" options={certificateModes} {...props} />;
}

/** The new-socket dialog's TLS section: a checkbox, and when it is on, what the handshake needs. */
export function TlsOptions({ kind, values, onChange, errors, submitted, disabled }: TlsOptionsProps) {
  const [touched, setTouched] = useState<ReadonlySet<OptionField>>(new Set());
  const [showClientCert, setShowClientCert] = useState(values.clientCertPem !== '' || values.caPem !== '');
  const shown = (field: OptionField): string | undefined => (submitted || touched.has(field) ? errors[field] : undefined);
  const leave = (field: OptionField) => () => setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  const bound = boundFields(values, onChange, { disabled });
  const text = (name: OptionField, label: string, options: FieldOptions = {}) =>
    bound(name, label, { ...options, onBlur: leave(name), error: shown(name) });
  /** PEM text: a certificate or a key, pasted. */
  const pem = (field: OptionField, label: string, placeholder: string, hint?: string) => text(field, label, { placeholder, hint, multiline: true });

  return (
    <fieldset className="flex flex-col gap-3 border-t border-line pt-3" disabled={disabled}>
      <legend className="sr-only">TLS</legend>
      <Checkbox
        label="Use TLS"
        checked={values.tls}
        onChange={(tls) => onChange({ tls })}
        hint={kind === 'tcp-client' ? 'Encrypt the connection; the handshake and certificates are shown.' : 'Every accepted connection speaks TLS.'}
      />
      {values.tls && kind === 'tcp-client' && (
        <div className="flex flex-col gap-3 border-l-2 border-line pl-3">
          <div className="flex gap-2">
            {text('serverName', 'Server name (SNI)', { placeholder: 'the host name', className: 'flex-1' })}
            {text('alpn', 'ALPN', { placeholder: 'h2, http/1.1', className: 'w-36' })}
          </div>
          <Checkbox
            label="Verify certificate"
            checked={values.verify}
            onChange={(verify) => onChange({ verify })}
            hint="Off: connect even to self-signed, expired or wrong-name certificates; the reason shows as a warning."
          />
          <button
            type="button"
            aria-expanded={showClientCert}
            onClick={() => setShowClientCert((open) => !open)}
            className="self-start text-xs text-accent hover:underline"
          >
            {showClientCert ? 'Hide client certificate and trusted CA' : 'Client certificate, trusted CA…'}
          </button>
          {showClientCert && (
            <>
              {pem('clientCertPem', 'Client certificate (PEM)', '-----BEGIN CERTIFICATE-----', 'Sent when the server asks for one.')}
              {pem('clientKeyPem', 'Client private key (PEM)', '-----BEGIN PRIVATE KEY-----')}
              {pem(
                'caPem',
                'Also trust (PEM)',
                '-----BEGIN CERTIFICATE-----',
                'A development CA, or the server’s own certificate; added to the usual roots.',
              )}
            </>
          )}
        </div>
      )}
      {values.tls && kind === 'tcp-listener' && (
        <div className="flex flex-col gap-3 border-l-2 border-line pl-3">
          <CertificateModeField value={values.certificateMode} onChange={(certificateMode) => onChange({ certificateMode })} disabled={disabled} />
          {values.certificateMode === 'self-signed' ? (
            text('names', 'Names', {
              placeholder: 'localhost, 127.0.0.1',
              hint: 'Host names and IP addresses the certificate is made for, comma-separated.',
            })
          ) : (
            <>
              {pem('certPem', 'Certificate (PEM)', '-----BEGIN CERTIFICATE-----', 'The server certificate, then any intermediates.')}
              {pem('keyPem', 'Private key (PEM)', '-----BEGIN PRIVATE KEY-----')}
            </>
          )}
          {text('alpn', 'ALPN', { placeholder: 'optional: h2, http/1.1', hint: 'Protocols offered to clients that ask.', className: 'w-56' })}
          <Checkbox
            label="Request client certificate"
            checked={values.requestClientCert}
            onChange={(requestClientCert) => onChange({ requestClientCert })}
            hint="Clients without one are still accepted; what they send is shown."
          />
          {(values.requestClientCert || values.clientCaPem !== '') &&
            pem(
              'clientCaPem',
              'Trust client certificates from (CA, PEM)',
              'optional: -----BEGIN CERTIFICATE-----',
              'Each connection then says whether its client’s certificate is trusted, and why not. No client is refused.',
            )}
        </div>
      )}
    </fieldset>
  );
}
