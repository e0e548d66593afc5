import { useId, useState } from 'react';
import type { SocketInfo } from '@shared/contract';
import type { CertificateSummary, TlsSummary } from '@shared/tls';
import { copyText } from '../log/clipboard';
import { AlertIcon } from '../../ui/Icons';

/** A padlock, drawn like the other 16px stroke icons. */
function LockIcon({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" aria-hidden="true" className={className}>
      <rect x="3.5" y="7" width="9" height="6.5" rx="1" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function isExpired(certificate: CertificateSummary, now = Date.now()): boolean {
  return Date.parse(certificate.validTo) < now;
}

/** `57:CD:07:B5…1A:CD:DF`: enough to compare at a glance; the whole one is in the details. */
function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 24 ? `${fingerprint.slice(0, 11)}…${fingerprint.slice(-8)}` : fingerprint;
}

/** The socket header's TLS line: the handshake, the certificate, and why it is not trusted if it is not. */
export function TlsDetails({ socket }: { socket: SocketInfo }) {
  const tls = socket.tls;
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  if (!tls) return null;
  // A TLS proxy presents its certificate to clients as a listener does.
  const isListener = socket.kind === 'tcp-listener' || socket.kind === 'proxy';
  const peerRole = socket.kind === 'tcp-client' ? 'Server' : 'Client';
  const leaf = tls.peerCertificates?.[0];
  const shown = isListener ? tls.localCertificate : leaf;
  const handshakeDone = tls.protocol !== undefined;
  const facts = [tls.protocol, tls.cipher, tls.alpn && `ALPN ${tls.alpn}`, tls.serverName && `SNI ${tls.serverName}`].filter(Boolean);
  const certificates = [
    ...(tls.peerCertificates ?? []).map((c, i) => ({ role: i === 0 ? `${peerRole} certificate` : `Issuer ${i}`, c })),
    ...(tls.localCertificate ? [{ role: socket.kind === 'tcp-client' ? 'Our client certificate' : 'Our certificate', c: tls.localCertificate }] : []),
  ];

  return (
    <div className="mt-1 text-xs text-muted" aria-label="TLS" role="group">
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-0.5">
        <span className="inline-flex items-center gap-1 font-medium text-fg">
          <LockIcon className="size-3.5 text-ok" />
          TLS
        </span>
        {!isListener && (
          <span className="font-mono">{handshakeDone ? facts.join(' · ') : <span className="font-sans">Handshake in progress…</span>}</span>
        )}
        {shown && (
          <span className="min-w-0 truncate">
            {isListener ? 'Presents ' : `${peerRole} `}
            <span className="font-mono text-fg">{shown.subject}</span>
            {shown.selfSigned ? (
              ' (self-signed)'
            ) : (
              <>
                {' '}
                from <span className="font-mono">{shown.issuer}</span>
              </>
            )}
            {' · '}
            <span className={isExpired(shown) ? 'text-danger' : undefined}>
              {isExpired(shown) ? 'expired' : 'valid until'} {day(shown.validTo)}
            </span>
            {' · SHA-256 '}
            <span className="font-mono" title={shown.fingerprint256}>
              {shortFingerprint(shown.fingerprint256)}
            </span>
          </span>
        )}
        {handshakeDone && !leaf && tls.clientCertRequested && <span>No client certificate sent</span>}
        {isListener && tls.localCertificate?.pem && <CopyPemButton pem={tls.localCertificate.pem} />}
        {certificates.length > 0 && (
          <button
            type="button"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((value) => !value)}
            className="text-accent hover:underline"
          >
            {open ? 'Hide certificates' : certificates.length === 1 ? 'Certificate details' : `Certificates (${certificates.length})`}
          </button>
        )}
      </div>
      <Verdict tls={tls} peerRole={peerRole} />
      {open && (
        <div id={detailsId} className="mt-1.5 grid gap-1.5 [grid-template-columns:repeat(auto-fill,minmax(340px,1fr))]">
          {certificates.map(({ role, c }) => (
            <CertificateCard key={`${role}:${c.fingerprint256}`} role={role} certificate={c} />
          ))}
        </div>
      )}
    </div>
  );
}

/** Trusted, or why not; a listener does not judge client certificates, so it says nothing. */
function Verdict({ tls, peerRole }: { tls: TlsSummary; peerRole: string }) {
  if (tls.authorized === false && tls.authorizationError) {
    return (
      <p className="mt-0.5 flex items-start gap-1.5 text-warn">
        <AlertIcon className="mt-px size-3.5 shrink-0" />
        <span className="select-text">
          <span className="font-medium">Not verified</span> (verification is off). {tls.authorizationError.message}
        </span>
      </p>
    );
  }
  if (tls.authorized === true) return <p className="mt-0.5 text-ok">{peerRole} certificate verified against the trusted roots.</p>;
  return null;
}

function CertificateCard({ role, certificate }: { role: string; certificate: CertificateSummary }) {
  const rows: [string, string][] = [
    ['Subject', certificate.subject],
    ['Issuer', certificate.selfSigned ? `${certificate.issuer} (self-signed)` : certificate.issuer],
    ...(certificate.subjectAltName ? ([['Names', certificate.subjectAltName]] as [string, string][]) : []),
    ['Valid', `${day(certificate.validFrom)} to ${day(certificate.validTo)}${isExpired(certificate) ? ' (expired)' : ''}`],
    ['SHA-256', certificate.fingerprint256],
    ['Serial', certificate.serialNumber],
  ];
  return (
    <section aria-label={role} className="rounded border border-line bg-canvas px-2 py-1.5">
      <h3 className="mb-1 text-[11px] font-medium tracking-wide text-muted uppercase">{role}</h3>
      <dl className="grid grid-cols-[64px_1fr] gap-x-2 gap-y-0.5 text-[11px]">
        {rows.map(([name, value]) => (
          <div key={name} className="contents">
            <dt className="text-muted">{name}</dt>
            <dd className="font-mono break-all text-fg select-text">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function CopyPemButton({ pem }: { pem: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      title="Copy the certificate in PEM form, e.g. for curl --cacert"
      onClick={() => void copyText(pem).then((ok) => setCopied(ok))}
      onBlur={() => setCopied(false)}
      className="text-accent hover:underline"
    >
      {copied ? 'Copied' : 'Copy PEM'}
    </button>
  );
}
