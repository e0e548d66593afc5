/**
 * One TCP connection's packets, synthesized from a log: a handshake, sequence and acknowledgement
 * numbers consistent in both directions, FIN and RST where the log says the connection closed or
 * was reset.
 */
import type { Endpoint, LogEntry } from '@shared/contract';
import {
  type IpAddress,
  isLoopback,
  isUnspecified,
  loopbackOf,
  MAX_TCP_PAYLOAD,
  parseIpAddress,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  tcpPacket,
  unspecifiedOf,
} from './packets';
import type { MissingBytes, PacketStream, TimedPacket } from './streams';

/**
 * The local address as a packet shows it. A socket bound to the wildcard (0.0.0.0, ::) received
 * on some address of this machine that the log does not know: loopback when the peer is, else
 * the wildcard itself. A dual-stack socket's IPv4 peers make it an IPv4 conversation.
 */
export function endpoints(localAddress: string, remoteAddress: string): [IpAddress, IpAddress] | undefined {
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

/** One TCP connection's two ends, as its own socket sees them. */
export interface TcpEnds {
  local: Endpoint;
  remote: Endpoint;
}

export class TcpStream implements PacketStream {
  private readonly us: TcpSide | undefined;
  private readonly them: TcpSide | undefined;
  private out: TimedPacket[] = [];
  private opened = false;
  private ended = false;
  /** Said on the next packet: why bytes are missing before it. */
  private pendingComment: string | undefined;
  /** Bytes missing before the connection was opened in the capture: skipped right after the handshake. */
  private deferred: MissingBytes = { in: 0, out: 0 };

  /**
   * `label` names the connection in the packets' comments; `seed` makes its sequence numbers
   * (distinct per connection, the same in every export of it).
   */
  constructor(
    private readonly label: string,
    seed: string,
    { local, remote }: TcpEnds,
    private readonly weDialled: boolean,
  ) {
    const addresses = endpoints(local.address, remote.address);
    if (!addresses) return;
    this.us = { ip: addresses[0], port: local.port, next: initialSequence(`${seed}/local`), ipId: 1, finSent: false };
    this.them = { ip: addresses[1], port: remote.port, next: initialSequence(`${seed}/remote`), ipId: 1, finSent: false };
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
    const note = `Sockscope ${this.label}: handshake synthesized (the log holds the connection, not its packets)`;
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
    this.segment(time, from, TCP_FIN | TCP_ACK, undefined, `Sockscope ${this.label}: FIN synthesized from the log`);
    this.segment(time, from === this.us ? (this.them as TcpSide) : (this.us as TcpSide), TCP_ACK);
  }

  private reset(time: number, from: TcpSide): void {
    this.segment(time, from, TCP_RST | TCP_ACK, undefined, `Sockscope ${this.label}: RST synthesized from the log`);
    this.ended = true;
  }
}

/** A stable, distinct initial sequence number per stream and side (FNV-1a of a name). */
function initialSequence(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
