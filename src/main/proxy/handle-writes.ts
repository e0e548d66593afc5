/**
 * Writes straight to a plain TCP socket's handle: what net.Socket's own write() comes down to
 * (lib/internal/stream_base_commons.js, writeGeneric and writevGeneric), without the Writable
 * around it. A proxy passing a redis request on made one write per message, and each went
 * through the Writable's buffering, a write request object built in C++, an async id and a tick
 * for its callback, several times the JavaScript cost of the system call's own setup.
 *
 * The kernel nearly always takes a small write at once (libuv's try-write): then the request
 * object was never used and the next write reuses it. When it does not, libuv keeps the rest and
 * the pointer to the bytes until it can write them, in order before anything written later (the
 * socket's own writes too, and end()'s shutdown waits for them): the caller learns so and is told
 * when it completes, to push back on its source meanwhile.
 *
 * Taken only when the socket's own Writable has nothing queued (so these bytes cannot overtake
 * it) and never for TLS; where this Node has no such handle or binding, the caller writes through
 * socket.write() (said once, node-internals.ts).
 */
import type { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { reportInternalsFallback, type InternalsNote } from '../engine/node-internals';

/** Node's WriteWrap: an object the handle binds a pending write to. */
interface WriteRequest {
  oncomplete?: (this: WriteRequest, status: number) => void;
  /** Keeps the bytes of a pending write alive (the handle holds only a pointer). */
  buffer?: unknown;
}

interface StreamHandle {
  writeBuffer(request: WriteRequest, bytes: Uint8Array): number;
  writev(request: WriteRequest, chunks: Uint8Array[], allBuffers: true): number;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteRequest;
  streamBaseState: { readonly [index: number]: number };
  kLastWriteWasAsync: number;
}

let binding: StreamWrapBinding | null | undefined;

function streamWrap(note: InternalsNote | undefined): StreamWrapBinding | null {
  if (binding !== undefined) return binding;
  try {
    const found = (process as unknown as { binding?: (name: string) => Partial<StreamWrapBinding> }).binding?.('stream_wrap');
    binding =
      typeof found?.WriteWrap === 'function' && typeof found.kLastWriteWasAsync === 'number' && found.streamBaseState !== undefined
        ? (found as StreamWrapBinding)
        : null;
  } catch {
    binding = null;
  }
  if (binding === null) {
    reportInternalsFallback(
      "process.binding('stream_wrap').WriteWrap",
      "proxies write through each socket's Writable (more CPU per message, the same bytes)",
      note,
    );
  }
  return binding;
}

/** The error Node's own write would have destroyed the socket with (`write EPIPE`, code EPIPE). */
function writeError(status: number): NodeJS.ErrnoException {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`write ${code}`), { errno: status, code, syscall: 'write' });
}

/**
 * What became of a write: the kernel took it all (or it failed: the socket is destroyed, as
 * Node's own write would); the handle keeps the rest until the kernel takes it (`chunks` must not
 * change until then); or it could not be written here, and the caller writes it through the socket.
 */
export type HandleWrite = 'written' | 'pending' | 'unavailable';

/** One destination's writes past its Writable. */
export class HandleWriter {
  /** Reused until a write leaves it bound to the handle (a pending write), then replaced. */
  private request: WriteRequest | undefined;
  private pendingWrites = 0;
  private readonly settled = (status: number): void => {
    this.pendingWrites--;
    if (status < 0 && !this.socket.destroyed) this.socket.destroy(writeError(status));
    this.onSettled();
  };

  /** `onSettled`: a pending write completed (or failed: the socket is destroyed). */
  constructor(
    private readonly socket: Socket,
    private readonly onSettled: () => void,
    private readonly note?: InternalsNote,
  ) {}

  /** Writes the handle took but the kernel has not yet. */
  get pending(): number {
    return this.pendingWrites;
  }

  /** Writes `chunks` in order after everything written to the socket before. */
  write(chunks: Uint8Array[]): HandleWrite {
    const socket = this.socket;
    if (socket.writableLength !== 0 || socket.writableCorked !== 0 || socket.connecting || (socket as { encrypted?: boolean }).encrypted)
      return 'unavailable';
    const handle = (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
    if (typeof handle?.writeBuffer !== 'function' || typeof handle.writev !== 'function') return 'unavailable';
    const wrap = streamWrap(this.note);
    if (wrap === null) return 'unavailable';
    const request = (this.request ??= new wrap.WriteWrap());
    const status = chunks.length === 1 ? handle.writeBuffer(request, chunks[0]) : handle.writev(request, chunks, true);
    if (status !== 0) {
      // Bound to the failed write (and let go): the next write takes a fresh one.
      this.request = undefined;
      socket.destroy(writeError(status));
      return 'written';
    }
    if (!wrap.streamBaseState[wrap.kLastWriteWasAsync]) return 'written';
    this.request = undefined;
    request.buffer = chunks;
    request.oncomplete = this.settled;
    this.pendingWrites++;
    return 'pending';
  }
}
