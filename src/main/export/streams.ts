/**
 * A socket's log as the packets that would have carried it: TCP as one stream with a synthesized
 * handshake, sequence and acknowledgement numbers consistent in both directions, FIN and RST
 * where the log says the connection closed or was reset; UDP as one datagram per log entry.
 */
import type { LogEntry, SocketInfo } from '../../shared/contract';
import {
  type IpAddress,
  isLoopback,
  isUnspecified,
  loopbackOf,
  MAX_TCP_PAYLOAD,
  MAX_UDP_PAYLOAD,
  parseIpAddress,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  tcpPacket,
  udpPacket,
  unspecifiedOf,
} from './packets';

export interface TimedPacket {
  /** Epoch milliseconds. */
  time: number;
  packet: Uint8Array;
  comment?: string;
}

/** The packets for one socket's held log entries (none for a listener, or a socket that never connected). */
export function packetsOf(socket: SocketInfo, entries: Iterable<LogEntry>): TimedPacket[] {
  const kind = socket.importedFrom?.kind ?? socket.kind;
  if (kind === 'udp') return udpPackets(socket, entries);
  if (kind === 'tcp-client' || kind === 'tcp-connection') return tcpPackets(socket, entries, kind === 'tcp-client');
  return [];
}

/**
 * The local address as a packet shows it. A socket bound to the wildcard (0.0.0.0, ::) received
 * on some address of this machine that the log does not know: loopback when the peer is, else
 * the wildcard itself. A dual-stack socket's IPv4 peers make it an IPv4 conversation.
 */
function endpoints(localAddress: string, remoteAddress: string): [IpAddress, IpAddress] | undefined {
  const remote = parseIpAddress(remoteAddress);
  const local = parseIpAddress(localAddress);
  if (!remote || !local) return undefined;
  if (isUnspecified(local)) return [isLoopback(remote) ? loopbackOf(remote.family) : unspecifiedOf(remote.family), remote];
  return [local, remote];
}

interface TcpSide {
  ip: IpAddress;
  port: number;
  /** The next sequence number this side sends. */
  next: number;
  ipId: number;
  finSent: boolean;
}

function tcpPackets(socket: SocketInfo, entries: Iterable<LogEntry>, weDialled: boolean): TimedPacket[] {
  const { local, remote } = socket;
  if (!local || !remote) return [];
  const addresses = endpoints(local.address, remote.address);
  if (!addresses) return [];
  const us: TcpSide = { ip: addresses[0], port: local.port, next: initialSequence(`${socket.id}/local`), ipId: 1, finSent: false };
  const them: TcpSide = { ip: addresses[1], port: remote.port, next: initialSequence(`${socket.id}/remote`), ipId: 1, finSent: false };
  const out: TimedPacket[] = [];
  let opened = false;
  let ended = false;

  const segment = (time: number, from: TcpSide, flags: number, payload?: Uint8Array, comment?: string): void => {
    const to = from === us ? them : us;
    const packet = tcpPacket(from.ip, to.ip, { srcPort: from.port, dstPort: to.port, seq: from.next, ack: to.next, flags, payload }, from.ipId++);
    out.push(comment === undefined ? { time, packet } : { time, packet, comment });
    from.next = (from.next + (payload?.byteLength ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };
  const open = (time: number): void => {
    if (opened) return;
    opened = true;
    const [client, server] = weDialled ? [us, them] : [them, us];
    const note = `Sockscope ${socket.id}: handshake synthesized (the log holds the connection, not its packets)`;
    segment(time, client, TCP_SYN, undefined, note);
    segment(time, server, TCP_SYN | TCP_ACK, undefined, note);
    segment(time, client, TCP_ACK, undefined, note);
  };
  const fin = (time: number, from: TcpSide): void => {
    if (from.finSent) return;
    from.finSent = true;
    segment(time, from, TCP_FIN | TCP_ACK, undefined, `Sockscope ${socket.id}: FIN synthesized from the log`);
    segment(time, from === us ? them : us, TCP_ACK);
  };
  const reset = (time: number, from: TcpSide): void => {
    segment(time, from, TCP_RST | TCP_ACK, undefined, `Sockscope ${socket.id}: RST synthesized from the log`);
    ended = true;
  };

  for (const entry of entries) {
    if (ended) break;
    if (entry.dir !== 'event') {
      open(entry.time);
      const from = entry.dir === 'out' ? us : them;
      for (let offset = 0; offset < entry.bytes.byteLength; offset += MAX_TCP_PAYLOAD) {
        segment(entry.time, from, TCP_PSH | TCP_ACK, entry.bytes.subarray(offset, offset + MAX_TCP_PAYLOAD));
      }
      continue;
    }
    switch (entry.event) {
      case 'connected':
      case 'accepted':
        open(entry.time);
        break;
      case 'half-closed':
        open(entry.time);
        fin(entry.time, us);
        break;
      case 'peer-closed':
        open(entry.time);
        fin(entry.time, them);
        break;
      case 'closed':
        if (opened) {
          fin(entry.time, us);
          fin(entry.time, them);
        }
        break;
      case 'reset':
        if (opened) reset(entry.time, us);
        break;
      case 'error':
        if (opened && entry.code === 'ECONNRESET') reset(entry.time, them);
        break;
      default:
        break;
    }
  }
  return out;
}

function udpPackets(socket: SocketInfo, entries: Iterable<LogEntry>): TimedPacket[] {
  const { local } = socket;
  if (!local) return [];
  const out: TimedPacket[] = [];
  const ipIds = { in: 1, out: 1 };
  for (const entry of entries) {
    if (entry.dir === 'event' || !entry.peer) continue;
    const addresses = endpoints(local.address, entry.peer.address);
    if (!addresses) continue;
    const [ours, theirs] = addresses;
    // A datagram larger than IP can carry never came from a socket; a hand-edited log is cut to fit.
    const payload = entry.bytes.subarray(0, MAX_UDP_PAYLOAD[ours.family === 4 && theirs.family === 4 ? 4 : 6]);
    const packet =
      entry.dir === 'out'
        ? udpPacket(ours, theirs, local.port, entry.peer.port, payload, ipIds.out++)
        : udpPacket(theirs, ours, entry.peer.port, local.port, payload, ipIds.in++);
    out.push({ time: entry.time, packet });
  }
  return out;
}

/** A stable, distinct initial sequence number per stream and side (FNV-1a of a name). */
function initialSequence(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
