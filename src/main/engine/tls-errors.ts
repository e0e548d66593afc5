/**
 * TLS failures → sentences (errors.ts asks here for the codes it does not know). Certificate
 * checks fail with OpenSSL's verify codes; handshakes with ERR_SSL_* codes, many of them the
 * peer's alert (`…_ALERT_…`), which tells what the other side disliked.
 */
import type { ErrorInfo } from '@shared/contract';

const HOW_TO_SKIP = 'Turn off “Verify certificate” to connect anyway.';

const certificateProblems: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed, so nothing vouches for it.',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed root that is not trusted here.',
  CERT_HAS_EXPIRED: 'the certificate has expired.',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks).',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by an authority that is not trusted here (or the server sent an incomplete chain).',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an authority that is not trusted here.',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate’s issuer could not be found.',
  CERT_SIGNATURE_FAILURE: 'the certificate’s signature is invalid.',
  CERT_REVOKED: 'the certificate has been revoked.',
  CERT_UNTRUSTED: 'the certificate is not trusted for this purpose.',
  INVALID_CA: 'a certificate in the chain is not allowed to sign others.',
};

/** The peer's alert (in the part of the code after `ALERT_`) → what it means for the user. */
const alerts: Record<string, string> = {
  UNKNOWN_CA: 'the peer does not trust the certificate it was shown (unknown certificate authority)',
  BAD_CERTIFICATE: 'the peer rejected the certificate it was shown',
  CERTIFICATE_UNKNOWN: 'the peer rejected the certificate it was shown',
  CERTIFICATE_EXPIRED: 'the peer says the certificate it was shown has expired',
  CERTIFICATE_REQUIRED: 'the peer requires a client certificate — add one and try again',
  HANDSHAKE_FAILURE: 'the two sides have no protocol version or cipher in common',
  PROTOCOL_VERSION: 'the peer does not accept the TLS version offered',
  NO_APPLICATION_PROTOCOL: 'the two sides have no ALPN protocol in common',
  UNRECOGNIZED_NAME: 'the peer does not serve the name asked for (SNI)',
  ACCESS_DENIED: 'the peer refused access',
  DECRYPT_ERROR: 'the peer could not verify the handshake (wrong key for the certificate?)',
  INTERNAL_ERROR: 'the peer had an internal error',
};

/** Why a certificate is not trusted, as a sentence (`The certificate is self-signed, …`), for a verify code. */
export function certificateProblem(code: string): string | undefined {
  const problem = certificateProblems[code];
  return problem && `The ${problem.replace(/^the /, '')}`;
}

/** A TLS code's sentence, or undefined for codes that are not about TLS. */
export function describeTlsError(code: string, where: string, err: unknown): ErrorInfo | undefined {
  const fields = tlsFields(err);
  const problem = certificateProblems[code];
  if (problem) return { code, message: `The certificate of ${where} cannot be verified: ${problem} ${HOW_TO_SKIP}` };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = fields.altNames ? ` It is for ${fields.altNames}.` : '';
    return {
      code,
      message: `The certificate of ${where} is not valid for the name ${fields.host ?? 'asked for'}.${names} Set the server name (SNI) to one of its names, or ${HOW_TO_SKIP.charAt(0).toLowerCase()}${HOW_TO_SKIP.slice(1)}`,
    };
  }
  const alert = /ALERT_(.+)$/.exec(code)?.[1];
  if (alert && code.startsWith('ERR_SSL_')) {
    return {
      code,
      message: `TLS handshake with ${where} failed: ${alerts[alert] ?? `the peer sent the alert “${alert.toLowerCase().replace(/_/g, ' ')}”`}.`,
    };
  }
  switch (code) {
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return { code, message: `${where} did not answer with TLS — is it a plain TCP service?` };
    case 'ERR_SSL_HTTP_REQUEST':
      return { code, message: 'The peer sent plain HTTP to a TLS listener (use https://).' };
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION':
      return { code, message: `TLS handshake with ${where} failed: no TLS version both sides accept.` };
    case 'ERR_OSSL_X509_KEY_VALUES_MISMATCH':
    case 'ERR_OSSL_EVP_KEY_VALUES_MISMATCH':
      return { code, message: 'The private key does not belong to the certificate.' };
    case 'ERR_OSSL_PEM_NO_START_LINE':
    case 'ERR_OSSL_PEM_BAD_BASE64_DECODE':
    case 'ERR_OSSL_UNSUPPORTED':
    case 'ERR_OSSL_ASN1_WRONG_TAG':
      return { code, message: 'The PEM text could not be read (is it complete, and not encrypted?).' };
  }
  if (code.startsWith('ERR_SSL_')) {
    const reason = (fields.message ?? code).replace(/^.*?:SSL routines:[^:]*:/, '').replace(/:.*$/s, '');
    return { code, message: `TLS handshake with ${where} failed: ${reason}.` };
  }
  return undefined;
}

/** Node's ERR_TLS_CERT_ALTNAME_INVALID carries the name checked and the certificate's own names. */
function tlsFields(err: unknown): { message?: string; host?: string; altNames?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const { message, host, cert } = err as { message?: unknown; host?: unknown; cert?: { subjectaltname?: unknown } };
  return {
    message: typeof message === 'string' ? message : undefined,
    host: typeof host === 'string' ? host : undefined,
    altNames: typeof cert?.subjectaltname === 'string' ? cert.subjectaltname : undefined,
  };
}
