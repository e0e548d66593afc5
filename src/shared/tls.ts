/**
 * TLS as it crosses the contract: what a client or a listener asks for (tcp.connect / tcp.listen
 * take these as their optional `tls`), and what a socket reports about its handshake
 * (SocketInfo.tls). Checked here once, so the dialog, the command line and the engine accept and
 * refuse the same things in the same words.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { AlpnList, CertificateName, CertificatePem, type TlsClientOptions, type TlsListenOptions } from './tls-options';

export * from './tls-options';

/**
 * The TLS options a socket was opened with, less anything secret (private keys): what a saved
 * workspace keeps to open it again. `clientCert` / a missing `selfSignedNames` say a key was used.
 */
export const TlsSettings = schemaOnUse(() =>
  z.discriminatedUnion('side', [
    z.object({
      side: z.literal('client'),
      serverName: z.string().trim().min(1).max(253).optional(),
      alpn: AlpnList.optional(),
      verify: z.boolean(),
      caPem: CertificatePem.optional(),
      clientCert: z.boolean(),
    }),
    z.object({
      side: z.literal('server'),
      /** Absent when the user's own PEM certificate and key were used. */
      selfSignedNames: z.array(CertificateName).min(1).max(32).optional(),
      requestClientCert: z.boolean(),
      alpn: AlpnList.optional(),
      /** Not secret: a CA certificate, kept so that the listener judges clients the same way again. */
      clientCaPem: CertificatePem.optional(),
    }),
  ]),
);
export type TlsSettings = z.infer<typeof TlsSettings>;

export function clientTlsSettings({ clientCert, ...options }: z.output<typeof TlsClientOptions>): TlsSettings {
  return { side: 'client', ...options, clientCert: clientCert !== undefined };
}

export function listenerTlsSettings({ certificate, ...options }: z.output<typeof TlsListenOptions>): TlsSettings {
  return { side: 'server', ...options, ...(certificate.mode === 'self-signed' && { selfSignedNames: certificate.names }) };
}

/** The options to open the socket again with, or undefined when that needs a key that was not kept. */
export function reopenOptions(settings: TlsSettings): z.input<typeof TlsClientOptions> | z.input<typeof TlsListenOptions> | undefined {
  if (settings.side === 'client') {
    const { side: _side, clientCert, ...options } = settings;
    return clientCert ? undefined : options;
  }
  const { side: _side, selfSignedNames, ...options } = settings;
  return selfSignedNames && { ...options, certificate: { mode: 'self-signed', names: selfSignedNames } };
}

/** One certificate as a person reads it. */
export const CertificateSummary = schemaOnUse(() =>
  z.object({
    subject: z.string(),
    issuer: z.string(),
    /** DNS:… and IP Address:… entries, as Node reports them. */
    subjectAltName: z.string().optional(),
    /** ISO 8601. */
    validFrom: z.string(),
    validTo: z.string(),
    /** Upper-case hex bytes joined by colons. */
    fingerprint256: z.string(),
    serialNumber: z.string(),
    selfSigned: z.boolean(),
    /** Only for a certificate this side presents: to copy into a client's trust store (curl --cacert). */
    pem: z.string().optional(),
  }),
);

export const TlsSummary = schemaOnUse(() =>
  z.object({
    /** Set once the handshake is done: `TLSv1.3`. */
    protocol: z.string().optional(),
    cipher: z.string().optional(),
    /** The protocol the two sides agreed on, when either offered ALPN. */
    alpn: z.string().optional(),
    /** SNI: what the client asked for. */
    serverName: z.string().optional(),
    /** The peer's chain, leaf first (a server's, or a client's when one was asked for and sent). */
    peerCertificates: z.array(CertificateSummary).optional(),
    /** True when the peer's certificate was checked against the trusted roots and passed. */
    authorized: z.boolean().optional(),
    /** Why the peer's certificate would not be trusted (shown as a warning when not verifying). */
    authorizationError: z.object({ code: z.string(), message: z.string() }).optional(),
    /** An accepted connection whose listener asked the client for a certificate. */
    clientCertRequested: z.boolean().optional(),
    /** What this side presents: a listener's certificate, or a client's own. */
    localCertificate: CertificateSummary.optional(),
  }),
);

export type CertificateSummary = z.infer<typeof CertificateSummary>;
export type TlsSummary = z.infer<typeof TlsSummary>;
