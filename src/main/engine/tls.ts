/**
 * TLS for TcpConnection: the options a user gives become a secure context, TLS is layered over an
 * open TCP socket (so the TCP socket stays reachable for RST), and the handshake is summarized for
 * the log and SocketInfo.tls.
 */
import { randomBytes } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { type SecureContext, TLSSocket, connect as connectTls, createSecureContext, rootCertificates } from 'node:tls';
import type { CertificateSummary, TlsClientOptions, TlsListenOptions, TlsSummary } from '@shared/tls';
import { selfSignedCertificate, summarizeCertificate, type PemKeyPair } from './certificates';
import { describeError, EngineError } from './errors';
import { certificateProblem } from './tls-errors';
import type { SocketRecord } from './socket-record';
import { type InternalsNote, reportInternalsFallback } from './node-internals';

/** A listener's TLS, ready before it listens: every accepted connection is wrapped with it. */
export interface TlsListenerSetup {
  context: SecureContext;
  requestClientCert: boolean;
  /** Client certificates are verified against the user's CA (TlsListenOptions.clientCaPem). */
  judgesClients: boolean;
  alpn?: string[];
  certificate: CertificateSummary;
  /** For the log: what the listener presents and how it came by it. */
  description: string;
}

/** A client's TLS, checked before dialling: a bad certificate should not cost a connection. */
export interface TlsClientSetup {
  /** Layers TLS over the connected TCP socket; the handshake starts at once. */
  over(tcp: Socket): TLSSocket;
  localCertificate?: CertificateSummary;
}

export async function prepareTlsListener(options: TlsListenOptions): Promise<TlsListenerSetup> {
  const { certificate } = options;
  const pair: PemKeyPair =
    certificate.mode === 'self-signed'
      ? await selfSignedCertificate(certificate.names)
      : { certPem: certificate.certPem, keyPem: certificate.keyPem };
  const clientCa = options.clientCaPem === undefined ? undefined : summarizePem(options.clientCaPem, 'The client CA certificate could not be read.');
  const context = secureContextFor(pair, 'listener', options.clientCaPem);
  const summary = { ...summarizePem(pair.certPem), pem: pair.certPem };
  const how =
    certificate.mode === 'self-signed' ? `a self-signed certificate for ${certificate.names.join(', ')}` : `the certificate ${summary.subject}`;
  const judgesClients = options.clientCaPem !== undefined;
  const asking = judgesClients
    ? `; asking clients for a certificate and checking it against ${clientCa?.subject ?? 'the given CA'}`
    : options.requestClientCert
      ? '; asking clients for a certificate'
      : '';
  const alpn = options.alpn?.length ? `; offering ALPN ${options.alpn.join(', ')}` : '';
  return {
    context,
    requestClientCert: options.requestClientCert || judgesClients,
    judgesClients,
    alpn: options.alpn?.length ? options.alpn : undefined,
    certificate: summary,
    description: `TLS: presenting ${how} (SHA-256 ${summary.fingerprint256})${asking}${alpn}`,
  };
}

/** Server side of TLS over an accepted TCP socket. Client certificates are asked for, never required. */
export function secureAccepted(tcp: Socket, setup: TlsListenerSetup): TLSSocket {
  return new TLSSocket(tcp, {
    isServer: true,
    secureContext: setup.context,
    requestCert: setup.requestClientCert,
    // Shown, not enforced: an inspector should let the client in and say what it sent.
    rejectUnauthorized: false,
    ALPNProtocols: setup.alpn,
    // allowHalfOpen is inherited from the TCP socket (the listener's sockets allow it).
  });
}

export function prepareTlsClient(host: string, options: TlsClientOptions): TlsClientSetup {
  const client = options.clientCert;
  const secureContext = client || options.caPem ? clientContext(client, options.caPem) : undefined;
  // RFC 6066: SNI carries names only, never an IP address.
  const serverName = options.serverName ?? (isIP(host) === 0 ? host : undefined);
  return {
    localCertificate: client ? summarizePem(client.certPem) : undefined,
    over: (tcp) =>
      connectTls({
        socket: tcp,
        // The name the certificate must match: the SNI if given, else what the user dialled.
        host: serverName ?? host,
        servername: serverName,
        ALPNProtocols: options.alpn?.length ? options.alpn : undefined,
        rejectUnauthorized: options.verify,
        secureContext,
        // allowHalfOpen is inherited from the TCP socket (TcpConnection.client allows it).
      }),
  };
}

/** Puts the finished handshake on the record: SocketInfo.tls and one log line. */
export function reportHandshake(record: SocketRecord, socket: TLSSocket, view: HandshakeView): void {
  const summary = handshakeSummary(socket, view, (m) => record.event('info', m));
  record.update({ tls: summary });
  record.event('info', describeHandshake(summary, view.side));
}

/** Which end of the handshake a socket is, and what it knows about its own side. */
export interface HandshakeView {
  side: 'client' | 'server';
  localCertificate?: CertificateSummary;
  /** Server side: whether the listener asked the client for a certificate. */
  clientCertRequested?: boolean;
  /** Server side: whether the listener verifies client certificates against a CA of the user's. */
  judgesClients?: boolean;
}

/** What the handshake settled, from `socket`'s point of view. */
export function handshakeSummary(
  socket: TLSSocket,
  { side, localCertificate, clientCertRequested, judgesClients }: HandshakeView,
  note?: InternalsNote,
): TlsSummary {
  const summary: TlsSummary = {};
  if (clientCertRequested) summary.clientCertRequested = true;
  const protocol = socket.getProtocol();
  if (protocol) summary.protocol = protocol;
  const cipher = socket.getCipher();
  if (cipher) summary.cipher = cipher.standardName || cipher.name;
  if (typeof socket.alpnProtocol === 'string') summary.alpn = socket.alpnProtocol;
  const serverName = side === 'server' ? (socket as TLSSocket & { servername?: string | false }).servername : undefined;
  if (typeof serverName === 'string' && serverName !== '') summary.serverName = serverName;
  const chain = peerChain(socket);
  if (chain.length > 0) summary.peerCertificates = chain;
  // A client always verifies. A listener judges a client's certificate only against a CA the user
  // gave; otherwise it asks for one to show it (it has no trust list of its own).
  let verdict: { authorized: boolean; reason: unknown } | undefined;
  if (side === 'client') verdict = { authorized: socket.authorized, reason: socket.authorizationError };
  else if (judgesClients && chain.length > 0) {
    verdict = serverVerdict(socket);
    if (!verdict) {
      reportInternalsFallback('TLSSocket._handle.verifyError()', "a listener's verdict on client certificates is not shown", note);
    }
  }
  if (verdict) {
    summary.authorized = verdict.authorized;
    const { reason } = verdict;
    if (!verdict.authorized && reason) {
      const code = typeof reason === 'object' && reason !== null && 'code' in reason ? String(reason.code) : String(reason);
      summary.authorizationError = { code, message: certificateProblem(code) ?? String(reason) };
    }
  }
  if (localCertificate) summary.localCertificate = localCertificate;
  return summary;
}

/** `TLSv1.3, TLS_AES_256_GCM_SHA384, ALPN h2; server certificate CN=… (…); not verified: …` */
export function describeHandshake(summary: TlsSummary, side: 'client' | 'server'): string {
  const parts = [summary.protocol ?? 'TLS', summary.cipher].filter(Boolean);
  if (summary.alpn) parts.push(`ALPN ${summary.alpn}`);
  if (summary.serverName) parts.push(`SNI ${summary.serverName}`);
  const peer = side === 'client' ? 'Server' : 'Client';
  const leaf = summary.peerCertificates?.[0];
  let text = `TLS handshake done: ${parts.join(', ')}.`;
  if (leaf) {
    text += ` ${peer} certificate ${leaf.subject}, issued by ${leaf.selfSigned ? 'itself' : leaf.issuer}, valid until ${leaf.validTo.slice(0, 10)}, SHA-256 ${leaf.fingerprint256}.`;
    if (side === 'server' && summary.authorized === undefined) text += ' Shown as sent; the listener does not verify client certificates.';
  } else if (summary.clientCertRequested) {
    text += ' The client sent no certificate.';
  }
  if (summary.authorized === true) text += ` The ${peer.toLowerCase()}'s certificate is trusted.`;
  if (summary.authorized === false && summary.authorizationError) {
    text += ` Not verified: ${summary.authorizationError.message}`;
  }
  return text;
}

/**
 * How OpenSSL judged the client's certificate against the listener's CA. tls.Server computes this
 * in its own 'secure' handler, from the TLS handle's verifyError(); a TLSSocket made over an
 * accepted socket must ask the same handle itself. Undefined if this Node keeps it elsewhere.
 */
function serverVerdict(socket: TLSSocket): { authorized: boolean; reason: unknown } | undefined {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => unknown } })._handle;
  if (typeof handle?.verifyError !== 'function') return undefined;
  const error = handle.verifyError();
  return error ? { authorized: false, reason: error } : { authorized: true, reason: undefined };
}

/** The peer's certificates, leaf first, as far as the peer sent them (or the local store completed them). */
function peerChain(socket: TLSSocket): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  // A root's issuerCertificate is itself; a bound keeps a malformed chain from looping.
  while (cert && cert.raw && chain.length < 10 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(summarizeCertificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

function summarizePem(certPem: string, what = 'The certificate could not be read.'): CertificateSummary {
  try {
    return summarizeCertificate(certPem);
  } catch (err) {
    throw new EngineError('INVALID_CERTIFICATE', `${what} ${describeError(err).message}`);
  }
}

/** The key and certificate as Node will use them; a mismatch or unreadable PEM is said plainly. */
function secureContextFor(pair: PemKeyPair, whose: 'listener' | 'client', clientCaPem?: string): SecureContext {
  // A listener's CA is the only trust it has for clients: clients' certificates are checked against it alone.
  return usable(
    () =>
      createSecureContext({
        cert: pair.certPem,
        key: pair.keyPem,
        // Clients are told this CA's name in the certificate request, as any mutual-TLS server does.
        ...(clientCaPem && { ca: clientCaPem }),
        // Asking clients for certificates makes OpenSSL refuse resumed TLS 1.2 sessions without one
        // (tls.Server sets it too): a context of its own per listener.
        ...(whose === 'listener' && { sessionIdContext: randomBytes(16).toString('hex') }),
      }),
    `The ${whose} key and certificate cannot be used.`,
  );
}

/** A client's own certificate and/or extra trusted certificates (added to the usual roots, not instead). */
function clientContext(pair: PemKeyPair | undefined, caPem: string | undefined): SecureContext {
  return usable(
    () =>
      createSecureContext({
        ...(pair && { cert: pair.certPem, key: pair.keyPem }),
        ...(caPem && { ca: [...rootCertificates, caPem] }),
      }),
    pair ? 'The client key and certificate cannot be used.' : 'The trusted certificate cannot be used.',
  );
}

function usable(create: () => SecureContext, what: string): SecureContext {
  try {
    return create();
  } catch (err) {
    const info = describeError(err);
    throw new EngineError(info.code, `${what} ${info.message}`);
  }
}
