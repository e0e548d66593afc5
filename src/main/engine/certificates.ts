/**
 * Certificates without an openssl binary: self-signed ones made on demand for a TLS listener
 * (@peculiar/x509 over Node's WebCrypto), and any certificate summarized the way the UI shows it.
 */
import type * as X509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { CertificateSummary } from '@shared/tls';

// Node's global WebCrypto (the same object as node:crypto's webcrypto, typed as the DOM's).
const webcrypto = globalThis.crypto;

let x509Module: Promise<typeof X509> | undefined;

/**
 * Loaded on the first certificate made, not at start-up: the library is a few MB of heap that
 * every garbage collection of a busy engine would otherwise walk.
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    // tsyringe, which @peculiar/x509 uses inside, needs the Reflect metadata API loaded first.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return x509Module;
}

/** ECDSA P-256: every TLS stack accepts it, and a key takes milliseconds to make (RSA 2048 takes ~100). */
const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

const DAY_MS = 86_400_000;

export interface PemKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  /** DNS names and IP addresses; the first is also the subject's common name. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Signs with this CA instead of self-signing (tests build chains with it). */
  issuer?: PemKeyPair;
  /** A CA certificate (basicConstraints CA:TRUE) that can sign others. */
  isCa?: boolean;
}

/** A new key and certificate; self-signed unless `issuer` is given. */
export async function generateCertificate(request: CertificateRequest): Promise<PemKeyPair> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
  const notBefore = request.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = request.notAfter ?? new Date(Date.now() + 365 * DAY_MS);
  const subject = `CN=${request.names[0] ?? 'Sockscope'}`;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(request.isCa === true, undefined, true),
    new x509.KeyUsagesExtension(
      request.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (!request.isCa) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
  }
  if (request.names.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(request.names.map((name) => ({ type: isIP(name) ? ('ip' as const) : ('dns' as const), value: name }))),
    );
  }
  const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
  const base = { serialNumber, subject, notBefore, notAfter, signingAlgorithm: SIGNING, extensions };
  let certificate: X509.X509Certificate;
  if (request.issuer) {
    const issuerCert = new x509.X509Certificate(request.issuer.certPem);
    const issuerKey = await importPrivateKey(request.issuer.keyPem);
    certificate = await x509.X509CertificateGenerator.create({
      ...base,
      issuer: issuerCert.subject,
      publicKey: keys.publicKey,
      signingKey: issuerKey,
    });
  } else {
    certificate = await x509.X509CertificateGenerator.create({
      ...base,
      issuer: subject,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
    });
  }
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: certificate.toString('pem'), keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}

/** One self-signed certificate per set of names while the process runs: a listener restarted keeps its fingerprint. */
const selfSigned = new Map<string, Promise<PemKeyPair>>();

export function selfSignedCertificate(names: readonly string[]): Promise<PemKeyPair> {
  const unique = [...new Set(names.map((name) => name.trim().toLowerCase()))];
  const key = [...unique].sort().join(' ');
  let pending = selfSigned.get(key);
  if (!pending) {
    pending = generateCertificate({ names: unique });
    // A failure is not cached: the next listener tries again.
    pending.catch(() => selfSigned.delete(key));
    selfSigned.set(key, pending);
  }
  return pending;
}

/** Subject, issuer, names, validity and fingerprint of one certificate (PEM text or DER bytes). */
export function summarizeCertificate(certificate: X509Certificate | string | Uint8Array): CertificateSummary {
  const cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  const summary: CertificateSummary = {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(cert.validFrom),
    validTo: isoDate(cert.validTo),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    // Not checkIssued(): it also wants the issuer to be allowed to sign (a CA), which a leaf is not.
    selfSigned: cert.issuer === cert.subject && cert.verify(cert.publicKey),
  };
  return cert.subjectAltName ? { ...summary, subjectAltName: cert.subjectAltName } : summary;
}

/** Node lists a name's parts one per line (`C=US\nO=Example\nCN=host`); people read them on one. */
function distinguishedName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

function isoDate(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, SIGNING, false, ['sign']);
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
