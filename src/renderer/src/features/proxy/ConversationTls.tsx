import type { ConversationDetails } from '@shared/proxy';
import type { TlsSummary } from '@shared/tls';
import { AlertIcon } from '../../ui/Icons';

/** One side's handshake: `TLSv1.3 · TLS_AES_256_GCM_SHA384 · SNI localhost`, and the server's certificate verdict. */
function Side({ label, tls, judged }: { label: string; tls: TlsSummary; judged: boolean }) {
  const facts = [tls.protocol, tls.cipher, tls.alpn && `ALPN ${tls.alpn}`, tls.serverName && `SNI ${tls.serverName}`].filter(Boolean);
  const leaf = tls.peerCertificates?.[0];
  return (
    <span className="inline-flex min-w-0 flex-wrap items-center gap-x-1.5">
      <span className="font-medium text-fg">{label}</span>
      <span className="font-mono">{facts.join(' · ')}</span>
      {judged && leaf && (
        <span className="min-w-0 truncate" title={leaf.subjectAltName ?? leaf.subject}>
          · server <span className="font-mono text-fg">{leaf.subject}</span>
          {leaf.selfSigned ? ' (self-signed)' : ''}
        </span>
      )}
      {judged && tls.authorized === true && <span className="text-ok">· trusted</span>}
      {judged && tls.authorized === false && (
        <span className="inline-flex min-w-0 items-center gap-1 text-warn" title={tls.authorizationError?.message}>
          <AlertIcon className="size-3 shrink-0" />
          not verified{tls.authorizationError ? `: ${tls.authorizationError.message}` : ''}
        </span>
      )}
    </span>
  );
}

/** Which sides of a conversation speak TLS, once their handshakes are done; nothing for plain TCP. */
export function ConversationTls({ details }: { details: ConversationDetails }) {
  if (!details.clientTls && !details.upstreamTls) return null;
  return (
    <div aria-label="TLS" role="group" className="flex flex-wrap items-center gap-x-5 gap-y-1 text-muted">
      {details.clientTls && <Side label="TLS client ⇄ proxy" tls={details.clientTls} judged={false} />}
      {details.upstreamTls && <Side label="TLS proxy ⇄ server" tls={details.upstreamTls} judged />}
    </div>
  );
}
