/**
 * A socket's log as the packets that would have carried it: TCP as one stream with a synthesized
 * handshake, sequence and acknowledgement numbers consistent in both directions, FIN and RST
 * where the log says the connection closed or was reset; UDP as one datagram per log entry.
 */
import type { LogEntry, SocketInfo } from '@shared/contract';
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
  push(entry: LogEntry): TimedPacket[];
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
  if ((kind === 'tcp-client' || kind === 'tcp-connection') && socket.local && socket.remote) return new TcpStream(socket, kind === 'tcp-client');
  return undefined;
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

class TcpStream implements PacketStream {
  private readonly us: TcpSide | undefined;
  private readonly them: TcpSide | undefined;
  private out: TimedPacket[] = [];
  private opened = false;
  private ended = false;
  /** Said on the next packet: why bytes are missing before it. */
  private pendingComment: string | undefined;
  /** Bytes missing before the connection was opened in the capture: skipped right after the handshake. */
  private deferred: MissingBytes = { in: 0, out: 0 };

  constructor(
    private readonly socket: SocketInfo,
    private readonly weDialled: boolean,
  ) {
    const { local, remote } = socket;
    const addresses = local && remote ? endpoints(local.address, remote.address) : undefined;
    if (!local || !remote || !addresses) return;
    this.us = { ip: addresses[0], port: local.port, next: initialSequence(`${socket.id}/local`), ipId: 1, finSent: false };
    this.them = { ip: addresses[1], port: remote.port, next: initialSequence(`${socket.id}/remote`), ipId: 1, finSent: false };
  }

  push(entry: LogEntry): TimedPacket[] {
    const { us, them } = this;
    if (!us || !them || this.ended) return [];
    this.out = [];
    if (entry.dir !== 'event') {
      this.open(entry.time);
      const from = entry.dir === 'out' ? us : them;
      for (let offset = 0; offset < entry.bytes.byteLength; offset += MAX_TCP_PAYLOAD) {
        this.segment(entry.time, from, TCP_PSH | TCP_ACK, entry.bytes.subarray(offset, offset + MAX_TCP_PAYLOAD));
      }
      return this.out;
    }
    switch (entry.event) {
      case 'connected':
      case 'accepted':
        this.open(entry.time);
        break;
      case 'half-closed':
        this.open(entry.time);
        this.fin(entry.time, us);
        break;
      case 'peer-closed':
        this.open(entry.time);
        this.fin(entry.time, them);
        break;
      case 'closed':
        if (this.opened) {
          this.fin(entry.time, us);
          this.fin(entry.time, them);
        }
        break;
      case 'reset':
        if (this.opened) this.reset(entry.time, us);
        break;
      case 'error':
        if (this.opened && entry.code === 'ECONNRESET') this.reset(entry.time, them);
        break;
      default:
        break;
    }
    return this.out;
  }

  skip(missing: MissingBytes, why: string): void {
    this.pendingComment = why;
    // Missing bytes come after the handshake: before it, the jump waits for it.
    if (this.opened) this.jump(missing);
    else this.deferred = { in: this.deferred.in + missing.in, out: this.deferred.out + missing.out };
  }

  private jump(missing: MissingBytes): void {
    const { us, them } = this;
    if (!us || !them) return;
    us.next = (us.next + missing.out) >>> 0;
    them.next = (them.next + missing.in) >>> 0;
  }

  private segment(time: number, from: TcpSide, flags: number, payload?: Uint8Array, note?: string): void {
    const to = from === this.us ? (this.them as TcpSide) : (this.us as TcpSide);
    const packet = tcpPacket(from.ip, to.ip, { srcPort: from.port, dstPort: to.port, seq: from.next, ack: to.next, flags, payload }, from.ipId++);
    // Most packets have no comment: no array or string is made for them.
    const pending = this.pendingComment;
    const comment = pending === undefined ? note : note === undefined ? pending : `${pending}; ${note}`;
    this.pendingComment = undefined;
    this.out.push(comment === undefined ? { time, packet } : { time, packet, comment });
    from.next = (from.next + (payload?.byteLength ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  }

  private open(time: number): void {
    if (this.opened) return;
    this.opened = true;
    const us = this.us as TcpSide;
    const them = this.them as TcpSide;
    const [client, server] = this.weDialled ? [us, them] : [them, us];
    const note = `Sockscope ${this.socket.id}: handshake synthesized (the log holds the connection, not its packets)`;
    const why = this.pendingComment;
    this.pendingComment = undefined;
    this.segment(time, client, TCP_SYN, undefined, note);
    this.segment(time, server, TCP_SYN | TCP_ACK, undefined, note);
    this.segment(time, client, TCP_ACK, undefined, note);
    this.jump(this.deferred);
    this.pendingComment = why;
  }

  private fin(time: number, from: TcpSide): void {
    if (from.finSent) return;
    from.finSent = true;
    this.segment(time, from, TCP_FIN | TCP_ACK, undefined, `Sockscope ${this.socket.id}: FIN synthesized from the log`);
    this.segment(time, from === this.us ? (this.them as TcpSide) : (this.us as TcpSide), TCP_ACK);
  }

  private reset(time: number, from: TcpSide): void {
    this.segment(time, from, TCP_RST | TCP_ACK, undefined, `Sockscope ${this.socket.id}: RST synthesized from the log`);
    this.ended = true;
  }
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

/** A stable, distinct initial sequence number per stream and side (FNV-1a of a name). */
function initialSequence(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
