import type { SocketKind } from '@shared/contract';

/** `TCP` for streams, `UDP` for datagrams: the one fact that changes how bytes arrive; `TLS` for a TCP stream under TLS. */
export function ProtocolBadge({ kind, secure = false }: { kind: SocketKind; secure?: boolean }) {
  const udp = kind === 'udp';
  return (
    <span
      title={
        udp
          ? 'UDP: datagrams, each message stands alone'
          : secure
            ? 'TLS over TCP: an encrypted byte stream; the log shows the plaintext'
            : 'TCP: a byte stream, message boundaries are not kept'
      }
      className="inline-flex h-4 shrink-0 items-center rounded-[3px] border border-line-strong px-1 font-mono text-[10px] leading-none font-semibold tracking-wide text-muted"
    >
      {udp ? 'UDP' : secure ? 'TLS' : 'TCP'}
    </span>
  );
}
