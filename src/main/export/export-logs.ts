/**
 * `log.export`: sockets' logs as a JSON Lines file or a pcapng capture, built in memory up to
 * MAX_EXPORT_BYTES and handed over whole (the renderer saves it as a download, the command line
 * writes it to a file).
 */
import { MAX_EXPORT_BYTES, MAX_LOG_READ, type LogEntry, type Output, type ParsedInput, type SocketInfo } from '../../shared/contract';
import { formatBytes } from '../../shared/codec';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { entryLine, headerLine, socketLine } from './jsonl';
import { enhancedPacket, pcapngHeader } from './pcapng';
import { packetsOf, type TimedPacket } from './streams';

export interface ExportOptions {
  /** When the export is made: the file's header and its name. */
  at?: Date;
  maxBytes?: number;
}

export function exportLogs(engine: Engine, input: ParsedInput<'log.export'>, options: ExportOptions = {}): Output<'log.export'> {
  const { at = new Date(), maxBytes = MAX_EXPORT_BYTES } = options;
  const sockets = selectSockets(engine, input.ids);
  if (sockets.length === 0) throw new EngineError('NOTHING_TO_EXPORT', 'There are no sockets to export');
  const sink = new ExportSink(maxBytes);
  const records = input.format === 'jsonl' ? writeJsonl(engine, sockets, sink, at) : writePcapng(engine, sockets, sink);
  return { fileName: exportFileName(input.ids, sockets, input.format, at), data: sink.take(), sockets: sockets.length, records };
}

/** Every held entry of a socket's log, read page by page. */
export function* logEntries(engine: Engine, id: string): Generator<LogEntry> {
  let from = 0;
  for (;;) {
    const { entries } = engine.readLog(id, from, MAX_LOG_READ);
    if (entries.length === 0) return;
    yield* entries;
    from = entries[entries.length - 1].seq + 1;
  }
}

/** The sockets asked for, in list order; a listener brings its accepted connections along. */
function selectSockets(engine: Engine, ids: readonly string[] | undefined): SocketInfo[] {
  const all = engine.snapshot().sockets;
  if (ids === undefined) return all;
  const chosen = new Map<string, SocketInfo>();
  for (const id of ids) {
    const socket = engine.info(id);
    chosen.set(id, socket);
    if (socket.kind === 'tcp-listener') for (const other of all) if (other.parentId === id) chosen.set(other.id, other);
  }
  return [...chosen.values()];
}

/** Returns the number of log entries written. */
function writeJsonl(engine: Engine, sockets: SocketInfo[], sink: ExportSink, at: Date): number {
  let entries = 0;
  sink.text(headerLine(sockets.length, at));
  for (const socket of sockets) {
    sink.text(socketLine(asExported(socket), engine.readLog(socket.id, 0, 0).head.dropped));
    for (const entry of logEntries(engine, socket.id)) {
      sink.text(entryLine(socket.id, entry));
      entries++;
    }
  }
  return entries;
}

/** An imported log goes out as what it was, so that importing the export again gives the same. */
function asExported(socket: SocketInfo): SocketInfo {
  if (!socket.importedFrom) return socket;
  const { importedFrom, ...rest } = socket;
  return { ...rest, kind: importedFrom.kind };
}

/** Returns the number of packets written. */
function writePcapng(engine: Engine, sockets: SocketInfo[], sink: ExportSink): number {
  const packets: TimedPacket[] = [];
  let size = 0;
  for (const socket of sockets) {
    for (const packet of packetsOf(socket, logEntries(engine, socket.id))) {
      // Checked while gathering, so a huge log fails before its packets are all built.
      size += packet.packet.byteLength + 32;
      if (size > sink.limit) throw tooLarge(sink.limit);
      packets.push(packet);
    }
  }
  // Sockets interleave in time; a capture reads best in the order things happened (sort is stable).
  packets.sort((a, b) => a.time - b.time);
  sink.write(pcapngHeader('Sockscope'));
  for (const { time, packet, comment } of packets) sink.write(enhancedPacket(time, packet, comment));
  return packets.length;
}

function exportFileName(ids: readonly string[] | undefined, sockets: SocketInfo[], format: 'jsonl' | 'pcapng', at: Date): string {
  const subject = ids === undefined ? 'all' : ids.length === 1 ? ids[0] : `${sockets.length}-sockets`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `sockscope-${subject}-${stamp}.${format}`;
}

function tooLarge(limit: number): EngineError {
  return new EngineError('TOO_LARGE', `The export would be larger than ${formatBytes(limit)}: export fewer sockets, or clear old entries first`);
}

const encoder = new TextEncoder();

/** A growing buffer with a hard limit; text is gathered and encoded a megabyte at a time. */
class ExportSink {
  private buffer = new Uint8Array(64 * 1024);
  private length = 0;
  private pendingText: string[] = [];
  private pendingChars = 0;

  constructor(readonly limit: number) {}

  text(line: string): void {
    this.pendingText.push(line, '\n');
    this.pendingChars += line.length + 1;
    if (this.pendingChars >= 1024 * 1024) this.flushText();
  }

  write(chunk: Uint8Array): void {
    this.flushText();
    this.append(chunk);
  }

  /** Everything written, as one right-sized array. */
  take(): Uint8Array<ArrayBuffer> {
    this.flushText();
    return this.buffer.slice(0, this.length);
  }

  private flushText(): void {
    if (this.pendingChars === 0) return;
    const encoded = encoder.encode(this.pendingText.join(''));
    this.pendingText = [];
    this.pendingChars = 0;
    this.append(encoded);
  }

  private append(chunk: Uint8Array): void {
    const needed = this.length + chunk.byteLength;
    if (needed > this.limit) throw tooLarge(this.limit);
    if (needed > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.buffer.byteLength * 2)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }
}
