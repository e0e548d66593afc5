/**
 * What a TLS client or listener asks for (tcp.connect / tcp.listen take these as their optional
 * `tls`), apart from what a socket reports about its handshake (tls.ts, which re-exports these):
 * the New… dialog checks these as the user types, without building the rest.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';

/** A PEM certificate or key is a few KiB; a chain rarely passes 64 KiB. */
const MAX_PEM_CHARS = 256 * 1024;

const pem = (what: 'certificate' | 'private key', marker: RegExp) =>
  z
    .string()
    .trim()
    .min(1, `Paste the ${what} in PEM form`)
    .max(MAX_PEM_CHARS, `That ${what} is too large to be PEM`)
    .refine(
      (text) => marker.test(text),
      `The ${what} must be PEM text starting with -----BEGIN ${what === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----`,
    );

export const CertificatePem = schemaOnUse(() => pem('certificate', /-----BEGIN CERTIFICATE-----/));
/** PKCS#8 (`BEGIN PRIVATE KEY`), or the older RSA/EC forms (`BEGIN RSA PRIVATE KEY`). */
export const PrivateKeyPem = schemaOnUse(() => pem('private key', /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/));

export const KeyPair = schemaOnUse(() => z.object({ certPem: CertificatePem, keyPem: PrivateKeyPem }));

/** An ALPN protocol id such as `h2` or `http/1.1`: 1 to 255 printable bytes. */
export const AlpnProtocol = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'An ALPN protocol name cannot be empty')
    .max(255, 'An ALPN protocol name is at most 255 characters')
    .refine((name) => /^[\x21-\x7e]+$/.test(name), 'An ALPN protocol name is printable ASCII without spaces, e.g. h2 or http/1.1'),
);

export const AlpnList = schemaOnUse(() => z.array(AlpnProtocol).max(16, 'At most 16 ALPN protocols'));

/** A name a self-signed certificate is made for: a DNS name (wildcards allowed) or an IP address. */
export const CertificateName = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'A certificate name cannot be empty')
    .max(253, 'A certificate name is at most 253 characters')
    .refine(
      (name) => /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(name) || /^[0-9a-fA-F:.]+$/.test(name),
      'A certificate name is a host name (localhost, *.example.test) or an IP address (127.0.0.1, ::1)',
    ),
);

export const TlsClientOptions = schemaOnUse(() =>
  z.object({
    /** SNI; defaults to the host when it is a name (never sent for an IP address). */
    serverName: z.string().trim().min(1).max(253).optional(),
    /** Offered in order; the server picks one (or none). */
    alpn: AlpnList.optional(),
    /** Off: connect whatever the certificate says, and show why it would not be trusted. */
    verify: z.boolean().default(true),
    /** For servers that ask for one (mutual TLS). */
    clientCert: KeyPair.optional(),
    /** Also trust these certificates (a development CA, or the server's own self-signed one), besides the usual roots. */
    caPem: CertificatePem.optional(),
  }),
);

export const TlsListenCertificate = schemaOnUse(() =>
  z.discriminatedUnion('mode', [
    /** Made on demand for these names (cached per set of names while the app runs). */
    z.object({ mode: z.literal('self-signed'), names: z.array(CertificateName).min(1, 'Give at least one name for the certificate').max(32) }),
    z.object({ mode: z.literal('pem'), certPem: CertificatePem, keyPem: PrivateKeyPem }),
  ]),
);

export const TlsListenOptions = schemaOnUse(() =>
  z.object({
    certificate: TlsListenCertificate,
    /** Ask each client for a certificate; clients without one are still accepted, and it is shown. */
    requestClientCert: z.boolean().default(false),
    /** Offered to clients that ask (e.g. curl offers h2 and http/1.1). */
    alpn: AlpnList.optional(),
    /**
     * Judge client certificates against these (a development CA): each connection says whether its
     * client's certificate is trusted, and why not. Clients are asked for one, and still let in.
     */
    clientCaPem: CertificatePem.optional(),
  }),
);

export type TlsClientOptions = z.infer<typeof TlsClientOptions>;
export type TlsListenOptions = z.infer<typeof TlsListenOptions>;
export type TlsListenCertificate = z.infer<typeof TlsListenCertificate>;
