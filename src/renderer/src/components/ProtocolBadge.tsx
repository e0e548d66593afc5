import type { SocketKind } from '../../../shared/contract';

/** `TCP` for streams, `UDP` for datagrams: the one fact that changes how bytes arrive. */
export function ProtocolBadge({ kind }: { kind: SocketKind }) {
  const udp = kind === 'udp';
  return (
    <span
      title={udp ? 'UDP: datagrams, each message stands alone' : 'TCP: a byte stream, message boundaries are not kept'}
      className="inline-flex h-4 shrink-0 items-center rounded-[3px] border border-line-strong px-1 font-mono text-[10px] leading-none font-semibold tracking-wide text-muted"
    >
      {udp ? 'UDP' : 'TCP'}
    </span>
  );
}
