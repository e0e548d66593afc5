/**
 * A recording: sockets' traffic written to a capture file as it arrives (like `tcpdump -w`), so
 * the file is bounded by the disk, not by the in-memory log. It starts with what the logs already
 * hold, then taps every entry as it is logged. A disk slower than the traffic never makes memory
 * grow without bound: past MAX_QUEUED_BYTES waiting to be written, payloads are left out and
 * counted, and the file says where (a pcapng's TCP sequence numbers jump by the missing bytes).
 */
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import type { LogEntry, SocketInfo } from '@shared/contract';
import type { Engine } from '../engine/engine';
import type { SocketRecord } from '../engine/socket-record';
import { CaptureEncoder, type CaptureFormat, describeMissing } from '../export/capture-encoder';
import { LogReader, selectSockets } from '../export/export-logs';
import { fileError, openForWriting } from '../export/file-errors';
import type { MissingBytes } from '../export/streams';

export interface RecordingOptions {
  path: string;
  format: CaptureFormat;
  /** The sockets to record (a listener brings the connections it accepts, now and later); every socket when undefined, new ones too. */
  ids?: readonly string[];
  /** Bytes waiting for the disk before payloads are left out. */
  maxQueuedBytes?: number;
  /** Replace a file that exists (the default, as `tcpdump -w` does); false refuses it. */
  overwrite?: boolean;
  /** Called when the recording fails (the disk is full, the file went away). */
  onFailure?: (message: string) => void;
}

export type RecordingState = 'recording' | 'stopped' | 'failed';

export interface RecordingStatus {
  path: string;
  format: CaptureFormat;
  state: RecordingState;
  /** Bytes written to the file so far. */
  bytesWritten: number;
  /** Bytes waiting to be written. */
  queuedBytes: number;
  /** Log entries (JSON Lines) or packets (pcapng). */
  records: number;
  /** Payload bytes left out because the disk fell behind. */
  lostBytes: number;
  /** Payload bytes the logs no longer held when the recording read them (before it, or while it read its backlog). */
  missingBytes: number;
  error?: string;
}

export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** Encoded blocks are gathered and handed to the file this many bytes at a time. */
const CHUNK_BYTES = 1024 * 1024;

export class Recording {
  private readonly encoder: CaptureEncoder;
  private readonly wanted = new Map<string, boolean>();
  private readonly ids: Set<string> | undefined;
  private readonly lost = new Map<string, MissingBytes>();
  private readonly maxQueued: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private lostBytes = 0;
  /** Payload bytes the logs no longer held when their backlog was read (marked in the file). */
  private missingBytes = 0;
  /** Stops reading a removed socket's backlog (while the backlog is being read). */
  private forgetRead: ((id: string) => void) | undefined;
  private state: RecordingState = 'recording';
  private error: string | undefined;
  private untap: () => void = () => undefined;
  private unsubscribe: () => void = () => undefined;
  private closed: Promise<void>;

  /**
   * Opens the file first (a path that cannot be written fails here, before anything is recorded),
   * then writes what the logs hold page by page, giving the event loop its turns and waiting for
   * the disk while over the queue bound, and resolves once it records live traffic.
   */
  static async start(engine: Engine, options: RecordingOptions): Promise<Recording> {
    // Checked before the file is created: an unknown socket should not leave an empty file behind.
    const sockets = selectSockets(engine, options.ids);
    const recording = new Recording(engine, options, await openForWriting(options.path, options.overwrite ?? true));
    await recording.catchUp(engine, sockets);
    return recording;
  }

  private constructor(
    engine: Engine,
    private readonly options: RecordingOptions,
    private readonly stream: WriteStream,
  ) {
    this.maxQueued = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.ids = options.ids && new Set(options.ids);
    this.encoder = new CaptureEncoder(options.format, (chunk) => this.append(chunk));
    this.closed = new Promise((resolve) => stream.once('close', resolve));
    stream.on('error', (error) => this.fail(fileError(options.path, error).message));
    // A removed socket's state goes with it: a long recording of many short connections stays small.
    this.unsubscribe = engine.subscribe(
      (event) => {
        if (event.type === 'socket.removed') this.forget(event.id);
      },
      ['socket.removed'],
    );
  }

  /**
   * What the logs hold, then every entry as it comes. The backlog is read a page at a time (an
   * entry that falls out of a log meanwhile is marked as missing where it was); the tap takes over
   * in the very turn the reading finds nothing more, so nothing falls between the two.
   */
  private async catchUp(engine: Engine, sockets: SocketInfo[]): Promise<void> {
    this.encoder.begin(sockets.length, new Date());
    const reader = new LogReader(engine, this.encoder);
    const add = (socket: SocketInfo): void => {
      if (this.wanted.has(socket.id)) return;
      this.wanted.set(socket.id, this.wants(socket));
      if (this.wanted.get(socket.id) === true) reader.add(socket);
    };
    this.forgetRead = (id) => reader.remove(id);
    for (const socket of sockets) add(socket);
    for (;;) {
      // Sockets made while the backlog was read are read too (all sockets, or a listener's new connections).
      for (const socket of engine.snapshot().sockets) add(socket);
      const steps = reader.run();
      let step = steps.next();
      if (step.done && step.value === 0) break;
      while (!step.done && this.state === 'recording') {
        if (this.queued() > this.maxQueued) await this.drained();
        else await new Promise((resolve) => setImmediate(resolve));
        step = steps.next();
      }
      if (this.state !== 'recording') return;
    }
    this.forgetRead = undefined;
    this.missingBytes = reader.missing.in + reader.missing.out;
    this.untap = engine.tap((record, entry) => this.onEntry(record, entry));
  }

  /** Resolves once the file has taken what waits for it (or has failed). */
  private async drained(): Promise<void> {
    this.flush();
    if (!this.stream.writableNeedDrain) return new Promise((resolve) => setImmediate(resolve));
    await Promise.race([once(this.stream, 'drain'), this.closed]).catch(() => undefined);
  }

  /** Sockets this recording keeps state for (a removed one is forgotten). */
  get trackedSockets(): number {
    return Math.max(this.wanted.size, this.lost.size, this.encoder.size);
  }

  get path(): string {
    return this.options.path;
  }

  status(): RecordingStatus {
    const { path, format } = this.options;
    const status = {
      path,
      format,
      state: this.state,
      bytesWritten: this.stream.bytesWritten,
      queuedBytes: this.queued(),
      records: this.encoder.records,
      lostBytes: this.lostBytes,
      missingBytes: this.missingBytes,
    };
    return this.error === undefined ? status : { ...status, error: this.error };
  }

  /** Stops taking traffic and writes what is queued; resolves once the file is complete and closed. */
  async stop(): Promise<RecordingStatus> {
    this.untap();
    this.unsubscribe();
    if (this.state === 'recording') {
      this.state = 'stopped';
      this.flush();
      this.stream.end();
    }
    await this.closed;
    return this.status();
  }

  /** Stops at once, leaving what is still queued unwritten; returns how many bytes that was. */
  abandon(): number {
    this.untap();
    this.unsubscribe();
    const unwritten = this.queued();
    this.state = this.state === 'recording' ? 'stopped' : this.state;
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.destroy();
    return unwritten;
  }

  private wants(socket: SocketInfo): boolean {
    return this.ids === undefined || this.ids.has(socket.id) || (socket.parentId !== undefined && this.ids.has(socket.parentId));
  }

  /** Forgets what the recording keeps for a socket that is gone. */
  private forget(id: string): void {
    this.wanted.delete(id);
    this.lost.delete(id);
    this.encoder.forget(id);
    this.forgetRead?.(id);
  }

  /** The tap: a failure here fails this recording, never the socket whose read path called it. */
  private onEntry(record: SocketRecord, entry: LogEntry): void {
    if (this.state !== 'recording') return;
    try {
      this.record(record, entry);
    } catch (error) {
      this.fail(`the recording stopped on an internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private record(record: SocketRecord, entry: LogEntry): void {
    const { id } = record;
    let wanted = this.wanted.get(id);
    if (wanted === undefined) {
      const socket = record.info;
      wanted = this.wants(socket);
      this.wanted.set(id, wanted);
      if (wanted) this.encoder.addSocket(socket);
    }
    if (!wanted) return;
    if (entry.dir !== 'event' && this.queued() > this.maxQueued) {
      // Events (opens, closes) are small and keep the capture's shape; payloads wait for no one.
      const lost = this.lost.get(id) ?? { in: 0, out: 0 };
      lost[entry.dir] += entry.bytes.byteLength;
      this.lost.set(id, lost);
      this.lostBytes += entry.bytes.byteLength;
      return;
    }
    const lost = this.lost.get(id);
    if (lost) {
      this.lost.delete(id);
      this.encoder.missing(
        id,
        lost,
        `Sockscope ${id}: ${describeMissing(lost)} before this were not recorded: the disk fell behind`,
        entry.time,
        entry.seq,
      );
    }
    this.encoder.entry(id, entry, () => record.info);
    // A TCP stream that ended takes no more packets: its state goes now, not when the socket is removed.
    if (entry.dir === 'event' && entry.event === 'closed') this.encoder.end(id);
  }

  private append(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= CHUNK_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.stream.destroyed || this.stream.writableEnded) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.write(chunk);
  }

  private queued(): number {
    return this.pendingBytes + this.stream.writableLength;
  }

  private fail(message: string): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.error = message;
    this.untap();
    this.unsubscribe();
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.destroy();
    this.options.onFailure?.(message);
  }
}
