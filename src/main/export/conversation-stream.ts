/**
 * A proxy conversation's one log as the two TCP connections that really carried it: the client's
 * connection to the proxy and the proxy's own connection to the upstream, each with its real
 * ends, so Wireshark's Follow Stream shows each. A client → server message (`out`) is a segment
 * from the client on the first and from the proxy on the second; a reply (`in`) the other way.
 *
 * Opens, FINs and RSTs are read from the conversation's events (src/main/proxy/conversation.ts
 * says which side each is about). Bytes the proxy read and never delivered (a toxic dropped them,
 * a held message was dropped: an event's `lost`) are in no data entry: the side that sent them
 * gets a gap of their size in its sequence numbers, and the note as the next packet's comment.
 */
import type { EventLogEntry, LogEntry, SocketInfo } from '@shared/contract';
import type { MissingBytes, PacketStream, TimedPacket } from './streams';
import { TcpStream } from './tcp-stream';

type Side = 'client' | 'upstream';

export class ConversationStream implements PacketStream {
  /** The client's connection, as the proxy accepted it (local: the proxy, remote: the client). */
  private readonly client: TcpStream;
  /** The proxy's connection to the upstream, once it connected. */
  private upstream: TcpStream | undefined;
  private upstreamMissing: MissingBytes = { in: 0, out: 0 };
  private upstreamWhy: string | undefined;

  constructor(private readonly socket: SocketInfo) {
    const { local, remote } = socket;
    if (!local || !remote) throw new Error(`${socket.id} has no ends yet`);
    this.client = new TcpStream(`${socket.id} (client ↔ proxy)`, `${socket.id}/client`, { local, remote }, false);
    this.upstream = this.upstreamOf(socket);
  }

  push(entry: LogEntry, current?: () => SocketInfo): TimedPacket[] {
    if (entry.dir !== 'event') {
      // The client's connection sees what the client sent as received, and the other way round.
      const onClient = this.client.push({ ...entry, dir: entry.dir === 'out' ? 'in' : 'out' });
      const onUpstream = this.upstream?.push(entry) ?? [];
      return entry.dir === 'out' ? [...onClient, ...onUpstream] : [...onUpstream, ...onClient];
    }
    if (entry.event === 'connected' && !this.upstream) this.upstream = this.upstreamOf(current?.() ?? this.socket);
    if (entry.lost) {
      // Client → server bytes were read from the client, replies from the upstream: each as received there.
      const missing = { in: entry.lost.bytes, out: 0 };
      (entry.lost.dir === 'out' ? this.client : this.upstream)?.skip(missing, `Not in this capture: ${entry.message}`);
      return [];
    }
    const packets: TimedPacket[] = [];
    for (const [side, event] of sideEvents(entry)) {
      const stream = side === 'client' ? this.client : this.upstream;
      if (stream) packets.push(...stream.push(event));
    }
    return packets;
  }

  skip(missing: MissingBytes, why: string): void {
    this.client.skip({ in: missing.out, out: missing.in }, why);
    if (this.upstream) this.upstream.skip(missing, why);
    else {
      this.upstreamMissing = { in: this.upstreamMissing.in + missing.in, out: this.upstreamMissing.out + missing.out };
      this.upstreamWhy = why;
    }
  }

  private upstreamOf(socket: SocketInfo): TcpStream | undefined {
    const local = socket.conversation?.upstreamLocal;
    const remote = socket.conversation?.upstreamRemote;
    if (!local || !remote) return undefined;
    const stream = new TcpStream(`${socket.id} (proxy ↔ upstream)`, `${socket.id}/upstream`, { local, remote }, true);
    if (this.upstreamWhy !== undefined) stream.skip(this.upstreamMissing, this.upstreamWhy);
    return stream;
  }
}

/**
 * What one conversation event means for each connection, as the events a TcpStream understands:
 * `half-closed`/`reset` are the proxy's FIN/RST, `peer-closed` and an ECONNRESET error the other end's.
 */
function sideEvents(entry: EventLogEntry): [Side, EventLogEntry][] {
  const as = (event: EventLogEntry['event'], code?: string): EventLogEntry => ({ ...entry, event, ...(code ? { code } : {}) });
  const ours = (side: Side, event: 'half-closed' | 'reset'): [Side, EventLogEntry] => [side, as(event)];
  const theirs = (side: Side, event: 'peer-closed' | 'reset'): [Side, EventLogEntry] =>
    event === 'reset' ? [side, as('error', 'ECONNRESET')] : [side, as('peer-closed')];
  const { message } = entry;
  const aboutServer = /server|upstream/i.test(message);
  switch (entry.event) {
    case 'connecting':
      // The conversation's first words: the client's connection was accepted.
      return [['client', as('accepted')]];
    case 'connected':
      return [['upstream', entry]];
    case 'peer-closed':
      return [theirs(message.startsWith('The client') ? 'client' : 'upstream', 'peer-closed')];
    case 'half-closed':
      return [ours(aboutServer ? 'upstream' : 'client', 'half-closed')];
    case 'reset':
      if (message.startsWith('The client reset')) return [theirs('client', 'reset'), ours('upstream', 'reset')];
      if (message.startsWith('The server reset')) return [theirs('upstream', 'reset'), ours('client', 'reset')];
      if (message.startsWith('Reset the connection to')) return [ours(message.includes('the server') ? 'upstream' : 'client', 'reset')];
      return [ours('client', 'reset'), ours('upstream', 'reset')];
    case 'error':
      // The upstream could not be reached: the client is closed or reset, as the proxy is set to.
      if (message.startsWith('Upstream:')) return [ours('client', message.includes('resetting the client') ? 'reset' : 'half-closed')];
      if (message.startsWith("The client's connection failed")) return [ours('upstream', 'reset')];
      if (message.startsWith("The server's connection failed")) return [ours('client', 'reset')];
      return [];
    case 'closed':
      return [
        ['client', entry],
        ['upstream', entry],
      ];
    default:
      return [];
  }
}
