/**
 * Log entries as the bytes of a capture file, one entry at a time: what an export of a log and a
 * recording of live traffic share. The same encoder writes both formats, so a pcapng and a JSON
 * Lines file made together describe the same traffic.
 */
import type { LogEntry, SocketInfo } from '@shared/contract';
import { entryLine, headerLine, socketLine } from './jsonl';
import { enhancedPacket, pcapngHeader } from './pcapng';
import { type MissingBytes, packetStream, type PacketStream } from './streams';

export type CaptureFormat = 'jsonl' | 'pcapng';

const encoder = new TextEncoder();

export class CaptureEncoder {
  /** Log entries (JSON Lines) or packets (pcapng) written. */
  records = 0;
  /** Per socket added: its packet stream (pcapng), undefined until it has one, null once it ended. */
  private readonly streams = new Map<string, PacketStream | undefined | null>();

  constructor(
    readonly format: CaptureFormat,
    private readonly write: (chunk: Uint8Array) => void,
  ) {}

  /** The start of the file; `sockets` is how many the JSON Lines header announces (0 when not known yet). */
  begin(sockets: number, at: Date): void {
    if (this.format === 'pcapng') this.write(pcapngHeader('Sockscope'));
    else this.line(headerLine(sockets, at));
  }

  has(id: string): boolean {
    return this.streams.has(id);
  }

  /** Must come before the socket's entries; `dropped`: entries that had fallen out of its log. */
  addSocket(socket: SocketInfo, dropped = 0): void {
    if (this.streams.has(socket.id)) return;
    this.streams.set(socket.id, this.format === 'pcapng' ? packetStream(socket) : undefined);
    if (this.format === 'jsonl') this.line(socketLine(asExported(socket), dropped));
  }

  /** `current`: the socket as it is now, for a connection that had no ends yet when it was added. */
  entry(id: string, entry: LogEntry, current?: () => SocketInfo): void {
    if (this.format === 'jsonl') {
      this.line(entryLine(id, entry));
      this.records++;
      return;
    }
    let stream = this.streams.get(id);
    if (stream === undefined && current && this.streams.has(id)) {
      stream = packetStream(current());
      this.streams.set(id, stream);
    }
    if (!stream) return;
    for (const { time, packet, comment } of stream.push(entry, current)) {
      this.write(enhancedPacket(time, packet, comment));
      this.records++;
    }
  }

  /** The socket's stream ended (it closed): its state goes, and it takes no more packets. */
  end(id: string): void {
    if (this.streams.has(id)) this.streams.set(id, null);
  }

  /** Forgets the socket altogether (it was removed). */
  forget(id: string): void {
    this.streams.delete(id);
  }

  /** Sockets the encoder keeps state for (tests: a long recording forgets the ones that went). */
  get size(): number {
    return this.streams.size;
  }

  /**
   * Bytes the file will not hold, before the socket's next entry: the pcapng's sequence numbers
   * jump by them and its next packet says `why`; the JSON Lines file gets an info entry saying it.
   */
  missing(id: string, missing: MissingBytes, why: string, time: number, seq: number): void {
    if (this.format === 'pcapng') {
      this.streams.get(id)?.skip(missing, why);
      return;
    }
    this.line(entryLine(id, { seq, time, dir: 'event', event: 'info', message: why }));
    this.records++;
  }

  private line(text: string): void {
    this.write(encoder.encode(`${text}\n`));
  }
}

/** An imported log goes out as what it was, so that importing the export again gives the same. */
function asExported(socket: SocketInfo): SocketInfo {
  if (!socket.importedFrom) return socket;
  const { importedFrom, ...rest } = socket;
  return { ...rest, kind: importedFrom.kind };
}

/** "1,234 bytes received", "1,234 bytes (1,000 received, 234 sent)" */
export function describeMissing(missing: MissingBytes): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const total = `${n(missing.in + missing.out)} bytes`;
  if (missing.out === 0) return `${total} received`;
  if (missing.in === 0) return `${total} sent`;
  return `${total} (${n(missing.in)} received, ${n(missing.out)} sent)`;
}
