import type { SocketInfo } from '@shared/contract';
import type { ToxicStream } from '@shared/proxy';
import { SegmentedControl } from '../../ui/SegmentedControl';

/**
 * Which way the send bar injects into a proxied conversation. The arrows and colours are the log's:
 * ↑ (sent colour) is client → server, ↓ (received colour) server → client.
 */
const options = [
  {
    value: 'upstream',
    label: 'to server',
    mark: <span className="text-tx">↑</span>,
    title: 'To the server, as if from the client (logged ↑ TX, client → server)',
  },
  {
    value: 'downstream',
    label: 'to client',
    mark: <span className="text-rx">↓</span>,
    title: 'To the client, as if from the server (logged ↓ RX, server → client)',
  },
] as const;

export function InjectDirection({ value, onChange }: { value: ToxicStream; onChange: (stream: ToxicStream) => void }) {
  return (
    <span className="flex items-center gap-1.5 text-xs text-muted">
      <span>Inject</span>
      <SegmentedControl label="Inject" options={options} value={value} onChange={onChange} />
    </span>
  );
}

/** Why nothing can be injected that way now (that side has closed), or null. */
export function injectBlockedReason(socket: SocketInfo, stream: ToxicStream): string | null {
  const details = socket.conversation;
  if (!details) return null;
  if (stream === 'upstream' && !details.upstreamOpen) return 'Cannot send to the server: the proxy has no open connection to it.';
  if (stream === 'downstream' && !details.clientOpen) return 'Cannot send to the client: its connection is closed.';
  return null;
}
