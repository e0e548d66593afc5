/**
 * A socket's log as the packets that would have carried it: a TCP connection as one stream
 * (tcp-stream.ts), a proxy's conversation as its two real connections (conversation-stream.ts),
 * UDP as one datagram per log entry.
 */
import type { LogEntry, SocketInfo } from '@shared/contract';
import { ConversationStream } from './conversation-stream';
import { MAX_UDP_PAYLOAD, udpPacket } from './packets';
import { endpoints, TcpStream } from './tcp-stream';

export interface TimedPacket {
  /** Epoch milliseconds. */
  time: number;
  packet: Uint8Array;
  comment?: string;
}

/** Bytes a capture does not hold, each way (they fell out of the log, or the disk fell behind). */
export interface MissingBytes {
  in: number;
  out: number;
}

/**
 * One socket's traffic turned into packets entry by entry, as it arrives (a recording) or as a
 * log is read back (an export). `skip` marks bytes the capture does not have: TCP sequence numbers
 * jump by them, so Wireshark shows the gap ("previous segment not captured"), and the next packet
 * carries `why` as its comment.
 */
export interface PacketStream {
  /** `current`: the socket as it is now (a recording's socket learns ends it lacked when added). */
  push(entry: LogEntry, current?: () => SocketInfo): TimedPacket[];
  skip(missing: MissingBytes, why: string): void;
}

/** The packets for one socket's held log entries (none for a listener, or a socket that never connected). */
export function packetsOf(socket: SocketInfo, entries: Iterable<LogEntry>): TimedPacket[] {
  const stream = packetStream(socket);
  const out: TimedPacket[] = [];
  if (stream) for (const entry of entries) out.push(...stream.push(entry));
  return out;
}

/** A socket's packet stream; undefined for a socket that carries no packets (a listener). */
export function packetStream(socket: SocketInfo): PacketStream | undefined {
  const kind = socket.importedFrom?.kind ?? socket.kind;
  if (kind === 'udp') return new UdpStream(socket);
  // A connection's packets need both its ends: until it has them, it has no stream yet.
  if (!socket.local || !socket.remote) return undefined;
  if (kind === 'tcp-client' || kind === 'tcp-connection')
    return new TcpStream(socket.id, socket.id, { local: socket.local, remote: socket.remote }, kind === 'tcp-client');
  if (kind === 'proxy-conversation') return new ConversationStream(socket);
  return undefined;
}

class UdpStream implements PacketStream {
  private readonly ipIds = { in: 1, out: 1 };
  private pendingComment: string | undefined;

  constructor(private readonly socket: SocketInfo) {}

  push(entry: LogEntry): TimedPacket[] {
    const { local } = this.socket;
    if (!local || entry.dir === 'event' || !entry.peer) return [];
    const addresses = endpoints(local.address, entry.peer.address);
    if (!addresses) return [];
    const [ours, theirs] = addresses;
    // A datagram larger than IP can carry never came from a socket; a hand-edited log is cut to fit.
    const payload = entry.bytes.subarray(0, MAX_UDP_PAYLOAD[ours.family === 4 && theirs.family === 4 ? 4 : 6]);
    const packet =
      entry.dir === 'out'
        ? udpPacket(ours, theirs, local.port, entry.peer.port, payload, this.ipIds.out++)
        : udpPacket(theirs, ours, entry.peer.port, local.port, payload, this.ipIds.in++);
    const comment = this.pendingComment;
    this.pendingComment = undefined;
    return [comment === undefined ? { time: entry.time, packet } : { time: entry.time, packet, comment }];
  }

  skip(_missing: MissingBytes, why: string): void {
    this.pendingComment = why;
  }
}
