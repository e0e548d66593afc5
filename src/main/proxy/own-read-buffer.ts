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
 * A socket's reads go to its reader (the conversation's pipe) when it has one: no 'data' event, no
 * listener's closure, and no copy of a small read before the reader knows whether it keeps the
 * bytes (it logs them, which copies them anyway, and passes them on). Without a reader, listeners
 * get 'data' as usual: small reads as copies, a bulk read as a view valid only while the event runs.
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

export function bulkBuffersInUse(): number {
  return bulkBuffers;
}

/** Takes a socket's reads in place of 'data' listeners. */
export interface ProxyReader {
  /**
   * `lent`: a view into the socket's own buffer, valid until the socket reads again (the reader
   * keeps the socket paused for as long as it needs the bytes); otherwise a view into the buffer
   * every proxy socket shares, valid only during the call.
   */
  read(bytes: Uint8Array, lent: boolean): void;
}

export interface OwnReadBuffer extends OnReadOpts {
  /** Set once the socket's reader exists (the socket reads nothing before it is resumed). */
  reader: ProxyReader | undefined;
}

export function ownReadBuffer(): OwnReadBuffer {
  let own: Buffer | undefined;
  const reading: OwnReadBuffer = {
    reader: undefined,
    buffer: () => own ?? (shared ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES)),
    callback(this: Socket, bytesRead: number, into: Uint8Array): boolean {
      const { reader } = reading;
      if (into === own) {
        const view = Buffer.from(into.buffer, into.byteOffset, bytesRead);
        if (reader) reader.read(view, true);
        else this.emit('data', view);
        return true;
      }
      if (bytesRead >= BULK_READ_BYTES && bulkBuffers < MAX_BULK_BUFFERS) {
        own = Buffer.allocUnsafeSlow(BULK_BUFFER_BYTES);
        bulkBuffers++;
        this.once('close', () => bulkBuffers--);
      }
      if (reader) reader.read(new Uint8Array(into.buffer, into.byteOffset, bytesRead), false);
      // A copy (Buffer.from of bytes copies; small ones come from Node's pool).
      else this.emit('data', Buffer.from(into.subarray(0, bytesRead)));
      return true;
    },
  };
  return reading;
}
