/**
 * A recording: sockets' traffic written to a capture file as it arrives (like `tcpdump -w`), so
 * the file is bounded by the disk, not by the in-memory log. It starts with what the logs already
 * hold, then taps every entry as it is logged. A disk slower than the traffic never makes memory
 * grow without bound: past MAX_QUEUED_BYTES waiting to be written, payloads are left out and
 * counted, and the file says where (a pcapng's TCP sequence numbers jump by the missing bytes).
 */
import { open } from 'node:fs/promises';
import type { WriteStream } from 'node:fs';
import type { LogEntry, SocketInfo } from '../../shared/contract';
import type { Engine } from '../engine/engine';
import type { SocketRecord } from '../engine/socket-record';
import { CaptureEncoder, type CaptureFormat, describeMissing } from '../export/capture-encoder';
import { exportSteps, selectSockets } from '../export/export-logs';
import { fileError } from '../export/file-errors';
import type { MissingBytes } from '../export/streams';

export interface RecordingOptions {
  path: string;
  format: CaptureFormat;
  /** The sockets to record (a listener brings the connections it accepts, now and later); every socket when undefined, new ones too. */
  ids?: readonly string[];
  /** Bytes waiting for the disk before payloads are left out. */
  maxQueuedBytes?: number;
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
  private state: RecordingState = 'recording';
  private error: string | undefined;
  private untap: () => void = () => undefined;
  private closed: Promise<void>;

  /** Opens the file first: a path that cannot be written fails here, before anything is recorded. */
  static async start(engine: Engine, options: RecordingOptions): Promise<Recording> {
    // Checked before the file is created: an unknown socket should not leave an empty file behind.
    const sockets = selectSockets(engine, options.ids);
    const handle = await open(options.path, 'w').catch((error: unknown) => {
      throw fileError(options.path, error);
    });
    return new Recording(engine, options, handle.createWriteStream(), sockets);
  }

  private constructor(
    engine: Engine,
    private readonly options: RecordingOptions,
    private readonly stream: WriteStream,
    sockets: SocketInfo[],
  ) {
    this.maxQueued = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.ids = options.ids && new Set(options.ids);
    this.encoder = new CaptureEncoder(options.format, (chunk) => this.append(chunk));
    this.closed = new Promise((resolve) => stream.once('close', resolve));
    stream.on('error', (error) => this.fail(fileError(options.path, error).message));
    // What the logs hold now, then every entry as it comes: both in this same turn, so nothing falls between.
    if (sockets.length > 0) {
      const steps = exportSteps(engine, sockets, this.encoder, new Date());
      while (!steps.next().done);
    } else {
      this.encoder.begin(0, new Date());
    }
    for (const socket of sockets) this.wanted.set(socket.id, true);
    this.untap = engine.tap((record, entry) => this.onEntry(record, entry));
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
    };
    return this.error === undefined ? status : { ...status, error: this.error };
  }

  /** Stops taking traffic and writes what is queued; resolves once the file is complete and closed. */
  async stop(): Promise<RecordingStatus> {
    this.untap();
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
    const unwritten = this.queued();
    this.state = this.state === 'recording' ? 'stopped' : this.state;
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.destroy();
    return unwritten;
  }

  private onEntry(record: SocketRecord, entry: LogEntry): void {
    if (this.state !== 'recording') return;
    const { id } = record;
    let wanted = this.wanted.get(id);
    if (wanted === undefined) {
      const socket = record.info;
      wanted = this.ids === undefined || this.ids.has(id) || (socket.parentId !== undefined && this.ids.has(socket.parentId));
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
      this.encoder.missing(id, lost, `Sockscope ${id}: ${describeMissing(lost)} before this were not recorded: the disk fell behind`, entry.time, entry.seq);
    }
    this.encoder.entry(id, entry, () => record.info);
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
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.destroy();
    this.options.onFailure?.(message);
  }
}
