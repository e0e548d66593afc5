import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '@shared/codec';
import { plural } from '../../ui/format';
import { useSockets } from './sockets';
import { ActivityPulse } from './ActivityPulse';
import { ByteCounters } from './ByteCounters';

/*
 * A socket's counters, each reading its own numbers from the store: a `socket.stats` redraws
 * these few spans of the one row it concerns, not the row, the list or the pane around them.
 */

export function SocketActivity({ id }: { id: string }) {
  const lastActivityAt = useSockets((state) => state.sockets[id]?.lastActivityAt);
  return <ActivityPulse lastActivityAt={lastActivityAt} />;
}

export function SocketBytes({ id, className }: { id: string; className?: string }) {
  const bytesIn = useSockets((state) => state.sockets[id]?.bytesIn ?? 0);
  const bytesOut = useSockets((state) => state.sockets[id]?.bytesOut ?? 0);
  return <ByteCounters bytesIn={bytesIn} bytesOut={bytesOut} className={className} />;
}

/** The selected socket's traffic in its header: totals (not a listener's), kernel drops, the queue. */
export function SocketTraffic({ id, udp, totals }: { id: string; udp: boolean; totals: boolean }) {
  const { bytesIn, bytesOut, messagesIn, messagesOut, kernelDrops, queuedBytes } = useSockets(
    useShallow((state) => {
      const socket = state.sockets[id];
      return {
        bytesIn: socket?.bytesIn ?? 0,
        bytesOut: socket?.bytesOut ?? 0,
        messagesIn: socket?.messagesIn ?? 0,
        messagesOut: socket?.messagesOut ?? 0,
        kernelDrops: socket?.kernelDrops ?? 0,
        queuedBytes: socket?.queuedBytes ?? 0,
      };
    }),
  );
  return (
    <>
      {totals && (
        <>
          <span className="text-rx tabular-nums">
            <span aria-hidden="true">↓ </span>Received {formatBytes(bytesIn)}
            <span className="text-muted"> · {plural(messagesIn, udp ? 'datagram' : 'read')}</span>
          </span>
          <span className="text-tx tabular-nums">
            <span aria-hidden="true">↑ </span>Sent {formatBytes(bytesOut)}
            <span className="text-muted"> · {plural(messagesOut, udp ? 'datagram' : 'write')}</span>
          </span>
        </>
      )}
      {kernelDrops > 0 && (
        <span
          className="tabular-nums text-danger"
          title="The socket's receive buffer was full: the kernel discarded these datagrams before Sockscope could read them"
        >
          {plural(kernelDrops, 'datagram')} dropped by the kernel
        </span>
      )}
      {queuedBytes > 0 && (
        <span className="tabular-nums" title="Handed to the socket but not yet written (backpressure)">
          Queued <span className="font-mono">{formatBytes(queuedBytes)}</span>
        </span>
      )}
    </>
  );
}
