/**
 * How a proxy's plain TCP sockets read: never a fresh 64 KiB buffer per read, as Node does by
 * default (engine/read-buffer.ts says what those cost under a flood).
 *
 * Not simply the engine's one shared buffer either: a proxy writes what it read straight on to
 * the other side, and a write the kernel does not take at once keeps pointing at those bytes
 * until it completes; any other socket's read into a shared buffer would overwrite them. So:
 * - small reads (requests, replies: most conversations) land in one buffer shared by every
 *   proxy socket and are handed on as a right-sized copy, so an idle conversation holds no
 *   buffer at all;
 * - once a socket reads a bulk-sized chunk it gets a 256 KiB buffer of its own, reused read after
 *   read and handed on as a view without a copy: the pipe (pipe.ts) stops reading the source
 *   while a write still points into it, so its next read never overwrites bytes on their way.
 *   Four times Node's read size: when the kernel has that much queued, one read, one write and
 *   one log entry instead of four (1 GiB through the proxy took ~0.8 s of host CPU, now ~0.7 s).
 * At most MAX_BULK_BUFFERS sockets hold one at a time (given back when they close): a thousand
 * streaming conversations must not hold half a gigabyte of read buffers beside the log budget;
 * the rest take the copy path.
 * Listeners get 'data' as usual; a view is valid only while the event runs.
 */
import type { OnReadOpts, Socket } from 'node:net';
import { READ_BUFFER_BYTES } from '../engine/read-buffer';

/** What a socket carrying a stream reads into, read after read. */
const BULK_BUFFER_BYTES = 256 * 1024;
/** A read at least this big says the socket carries a stream: it reads into its own buffer from then on. */
const BULK_READ_BYTES = 16 * 1024;

/** 64 × 256 KiB: 16 MiB of read buffers at most, however many conversations stream. */
export const MAX_BULK_BUFFERS = 64;

let shared: Buffer | undefined;
let bulkBuffers = 0;
/** The memory of every socket's own buffer: bytes in it are lent, valid only until that socket reads again. */
const lent = new WeakSet<ArrayBufferLike>();

/** True for a view into a socket's own read buffer (what the pipe must not let the next read overwrite); false for a copy. */
export function isLentReadBuffer(bytes: Uint8Array): boolean {
  return lent.has(bytes.buffer);
}

export function bulkBuffersInUse(): number {
  return bulkBuffers;
}

export function ownReadBuffer(): OnReadOpts {
  let own: Buffer | undefined;
  return {
    buffer: () => own ?? (shared ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES)),
    callback(this: Socket, bytesRead: number, into: Uint8Array): boolean {
      if (into === own) {
        this.emit('data', Buffer.from(into.buffer, into.byteOffset, bytesRead));
      } else {
        if (bytesRead >= BULK_READ_BYTES && bulkBuffers < MAX_BULK_BUFFERS) {
          own = Buffer.allocUnsafeSlow(BULK_BUFFER_BYTES);
          lent.add(own.buffer);
          bulkBuffers++;
          this.once('close', () => bulkBuffers--);
        }
        // A copy (Buffer.from of bytes copies; small ones come from Node's pool).
        this.emit('data', Buffer.from(into.subarray(0, bytesRead)));
      }
      return true;
    },
  };
}
