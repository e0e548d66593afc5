/**
 * Plain TCP sockets read into one reused buffer instead of a fresh one per read.
 *
 * By default Node allocates a new 64 KiB buffer for every read. Under a flood thousands of them
 * die between two garbage collections, and freeing them in batches makes glibc give the top of
 * its heap back to the kernel and fault it in again on the next reads: measured on a 1 GiB
 * stream, half of the received pages were faulted in fresh and the host spent twice the CPU of a
 * receiver that reuses its buffer. The log copies what it keeps anyway (see log.ts), so every
 * plain TCP socket reads into the same buffer (Node's `onread`, nodejs/node#25436) and 'data' is
 * still emitted, with a view into that buffer that is valid only while the event runs: a
 * listener that keeps bytes must copy them (SocketRecord.received and auto-replies do).
 *
 * A socket streaming into its log does better still: once a read takes a quarter of the buffer or
 * more (LEND_AFTER_BYTES), the next one lands in the log's own slab, where its bytes would have
 * been copied to (DirectReader.lendForRead), and is logged without a copy, in reads of up to
 * LENT_READ_BYTES. So does the read after one small read that landed there (see kAfterSmall).
 * Other small reads stay in the shared buffer. A burst that ends on a large read, or
 * a socket paused (setReading), leaves a region lent to a read that may not come for hours: loans
 * no read has come to for IDLE_LOAN_MS are taken back (takeBackIdleLoans), so that idle
 * connections do not hold the budget's lendable share away from the streams that are busy.
 *
 * TLS sockets keep Node's default: TLS reads the TCP stream itself, beneath JavaScript.
 */
import { type Server, Socket, type SocketConstructorOpts } from 'node:net';
import { queueAccepts, type WaitingAccepts } from './accept-queue';
import { afterRead } from './dense-reads';
import { now } from './log';
import { type InternalsNote, reportInternalsFallback } from './node-internals';

/** Node's own read size, and the shared buffer's: one read into it never returns more than this. */
export const READ_BUFFER_BYTES = 64 * 1024;
/**
 * Most a read lent the log's memory may take: no more than a read into the shared buffer. Reads of
 * up to 256 KiB cost the receiver ~10 % less CPU per GiB than 64 KiB ones, yet the stream went
 * slower: 1 GiB into a listener on a quiet machine, interleaved with socat, 0.81–0.83× socat with
 * 256 KiB loans against 0.91–1.06× with 64 KiB (three A/B sets). A read holds the socket's lock
 * while it copies, the segments that arrive meanwhile wait in its backlog for the reader to process
 * when it lets go, and the window update that lets the sender go on leaves only after the read: a
 * read four times as long holds up the sender's next segments for that long.
 */
export const LENT_READ_BYTES = READ_BUFFER_BYTES;
/**
 * A read this large says the socket is streaming: its next read is lent the log's memory. Not only
 * a full read: a receiver that keeps up with its sender reads less than is queued most of the time
 * (a 1 GiB stream came in reads of ~55 KiB on average), and each of those was copied from the
 * shared buffer, ~0.1 s of the host's CPU per 4 GiB; lent after these too, ~0.02 s. A small read
 * after a large one lands in the loan all the same, where its copy would have gone.
 */
export const LEND_AFTER_BYTES = READ_BUFFER_BYTES / 4;

/** Takes each read of a socket reading into the shared buffer, instead of a 'data' listener (see readDirectly); a SocketRecord is one. */
export interface DirectReader {
  /**
   * A read: its `size` bytes are at the start of `into`, the shared buffer or the very region
   * lendForRead lent (the same object), valid only during the call; taken at `time` (log.ts's now()).
   */
  received(into: Uint8Array, size: number, time: number): void;
  /**
   * From `atLeast` to `atMost` bytes of the reader's own memory for the socket's next read to land in, or undefined for
   * the shared buffer. Lent until that read reaches received, the socket closes, or the loan is taken back (loanTakenBack).
   */
  lendForRead?(atLeast: number, atMost: number): Uint8Array | undefined;
  /** The memory lendForRead lent that no read has landed in yet, or undefined: asked only of sockets lent memory lately. */
  lentRegion?(): Uint8Array | undefined;
  /** The socket's next read will not land in the memory lent by lendForRead after all: it is the reader's again. */
  loanTakenBack?(): void;
}

/** On every socket reading into the shared buffer: its DirectReader, null until it has one. */
const kReader = Symbol('DirectReader');
/**
 * On the same sockets: the memory for the next read was lent after a small read. A stream that
 * keeps up with its sender reads each write as it comes, and on loopback a 64 KiB write arrives
 * as a 65,483-byte segment and a 53-byte one: lent only after large reads, every small read left
 * the large one after it to the shared buffer, to be copied. 1 GiB into a listener: ~2,400 of
 * ~18,800 reads, 120–160 MB copied. So one small read that landed in lent memory lends again; a
 * second in a row does not (a stream turned into small messages goes back to the shared buffer).
 */
const kAfterSmall = Symbol('LentAfterSmall');
type SharedReading = Socket & { [kReader]?: DirectReader | null; [kAfterSmall]?: boolean };

let sharedBuffer: Buffer | undefined;
/** Where the socket whose read was just handled reads next, when not the shared buffer: taken at once by nextReadBuffer. */
let lentForNext: Uint8Array | undefined;

/** How long a region lent to a socket's next read may wait for it, at least (at most twice that). */
export const IDLE_LOAN_MS = 100;
/**
 * Sockets whose reader lent memory since the last sweep, and before it (see takeBackIdleLoans):
 * which memory, and whether it is still lent, only the reader records.
 */
let lentLately = new Set<SharedReading>();
let lentBefore = new Set<SharedReading>();
let sweeper: NodeJS.Timeout | undefined;

/**
 * Hands a read to the socket's DirectReader, or re-emits it as 'data', then picks where the
 * socket's next read lands. Node calls it as a method of the socket that read
 * (`stream[kBufferCb](nread, buffer)`) and, right after it, the buffer function for the same
 * socket (`stream[kBufferGen]()`, lib/internal/stream_base_commons.js): so one pair of functions
 * serves every socket, with no closure per connection.
 */
function emitRead(this: SharedReading, bytesRead: number, buffer: Uint8Array): boolean {
  const reader = this[kReader];
  // One clock read per read, for the entry and for afterRead: performance.now() checks its receiver each call.
  const time = now();
  if (reader == null) this.emit('data', Buffer.from(buffer.buffer, buffer.byteOffset, bytesRead));
  else {
    try {
      // The buffer itself, not a view of what was read: no object per read (a flood of 64 B
      // messages is a read each), and a read that landed in a loan is known by the loan's identity.
      reader.received(buffer, bytesRead, time);
    } catch (err) {
      // Not thrown through Node: it picks the next read's buffer only after this returns, so a
      // throw would leave the socket reading into the region just lent, whose loan the reader has
      // ended (that memory may be another log's by then). Thrown later, to the process's fault
      // report as before, and the next read goes to the shared buffer. Not on the next tick: Node
      // runs the tick queue before it takes that buffer, and a throw there loses it just the same.
      setImmediate(rethrow, err);
      return true;
    }
    // A large read says more is coming, and so does a small one that landed in a loan after a
    // large one. Asked last, of a socket still open: a reader that closed its socket lends nothing.
    if (bytesRead >= LEND_AFTER_BYTES) {
      if (!this.destroyed) lentForNext = reader.lendForRead?.(READ_BUFFER_BYTES, LENT_READ_BYTES);
      this[kAfterSmall] = false;
    } else if (buffer !== sharedBuffer && this[kAfterSmall] === false) {
      if (!this.destroyed) lentForNext = reader.lendForRead?.(READ_BUFFER_BYTES, LENT_READ_BYTES);
      this[kAfterSmall] = true;
    }
    if (lentForNext !== undefined) noteLoan(this);
  }
  afterRead(bytesRead, time);
  // Keep reading: the engine logs everything that arrives and never pushes back on a peer.
  return true;
}

function rethrow(err: unknown): never {
  throw err;
}

function noteLoan(socket: SharedReading): void {
  lentLately.add(socket);
  if (sweeper === undefined) {
    sweeper = setInterval(takeBackIdleLoans, IDLE_LOAN_MS);
    sweeper.unref();
  }
}

/** What Node keeps on a socket reading with `onread` (lib/net.js, internal/stream_base_commons.js; Node 12 on). */
interface UserBufferHandle {
  useUserBuffer?(buffer: Uint8Array): void;
}
let kBuffer: symbol | undefined;

/**
 * Loans that no read has come to since the sweep before last go back to their readers, the socket
 * reading into the shared buffer again. Node holds the lent memory as the next read's (the handle
 * reads straight into it), so it is swapped for the shared buffer first: only then may the log
 * use that memory for anything else, or give it to the pool. If this Node keeps the buffer
 * elsewhere, loans stay until their read comes or the socket closes (as they did before).
 */
function takeBackIdleLoans(): void {
  for (const socket of lentBefore) {
    // Lent again since: not idle.
    if (lentLately.has(socket)) continue;
    // A closed socket's log ended its loan (SocketLog.markClosed).
    if (socket.destroyed) continue;
    const reader = socket[kReader];
    // Gone already: a read landed in it, or the reader lent its next read elsewhere.
    const region = reader?.lentRegion?.();
    if (region === undefined) continue;
    const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
    kBuffer ??= Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kBuffer');
    const held = kBuffer === undefined ? undefined : (socket as unknown as Record<symbol, unknown>)[kBuffer];
    const shared = (sharedBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES));
    // Already reading into the shared buffer (a reader that threw is not asked where its next read lands): nothing of Node's holds the region.
    if (held !== shared) {
      if (kBuffer === undefined || typeof handle?.useUserBuffer !== 'function' || !sameRegion(held, region)) {
        reportInternalsFallback(
          "Socket[kBuffer] and its handle's useUserBuffer",
          'a connection that goes idle after a large read keeps a log slab lent to its next read until it reads again',
          undefined,
        );
        continue;
      }
      handle.useUserBuffer(shared);
      (socket as unknown as Record<symbol, unknown>)[kBuffer] = shared;
    }
    reader?.loanTakenBack?.();
  }
  lentBefore.clear();
  [lentBefore, lentLately] = [lentLately, lentBefore];
  if (lentBefore.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** The reader's view of its loan is its own: the same memory, not the same object, as Node's. */
function sameRegion(held: unknown, region: Uint8Array): boolean {
  return (
    held instanceof Uint8Array && held.buffer === region.buffer && held.byteOffset === region.byteOffset && held.byteLength === region.byteLength
  );
}

/** The memory for a socket's next read (also asked once as a socket gets its handle: the shared buffer). */
function nextReadBuffer(): Uint8Array {
  const into = lentForNext ?? (sharedBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES));
  lentForNext = undefined;
  return into;
}

/**
 * Gives `socket`'s reads to `reader` rather than as 'data', when the socket reads into the shared
 * buffer (false otherwise: listen to 'data'). A socket reads as soon as it is made, whether or not
 * anyone listens to 'data' (Node's `read(0)` on a handle; 'end' still comes at EOF): a 'data'
 * listener only switched the stream to flowing, a resume scheduled on the next tick for each of
 * 19,000 accepted connections, to deliver what this call now delivers directly.
 */
export function readDirectly(socket: Socket, reader: DirectReader): boolean {
  const reading = socket as SharedReading;
  if (reading[kReader] === undefined) return false;
  reading[kReader] = reader;
  return true;
}

/** Marks a socket made to read into the shared buffer (readDirectly may take its reads). */
function markShared<S extends Socket>(socket: S): S {
  const reading = socket as SharedReading;
  reading[kReader] = null;
  reading[kAfterSmall] = false;
  return socket;
}

/** The `onread` options every plain socket shares: one buffer (or its log's slab), one callback. */
const shared: SocketConstructorOpts['onread'] = { buffer: nextReadBuffer, callback: emitRead };

function readIntoShared(): SocketConstructorOpts['onread'] {
  return shared;
}

/** A socket to dial plain TCP with, reading into the shared buffer. */
export function plainSocket(options: { allowHalfOpen: boolean }): Socket {
  return markShared(new Socket({ ...options, onread: readIntoShared() }));
}

/** What Node's net.Server sets on a socket it accepted (lib/net.js, stable since Node 0.x). */
interface ServerSide {
  _handle?: unknown;
  _server?: { _connections: number };
}

/**
 * The same connection as `accepted`, reading into the shared buffer. net.Server takes no `onread`
 * option, so the accepted socket (from a server with `pauseOnConnect`, so that nothing has been
 * read yet) hands its handle to a new Socket that does. If this Node keeps its handle elsewhere,
 * `accepted` itself is resumed and returned: slower, but the same bytes. `onread`: another way to
 * read (the proxy's sockets read into buffers of their own, proxy/own-read-buffer.ts).
 */
export function adoptAccepted(
  accepted: Socket,
  options: { allowHalfOpen: boolean },
  note?: InternalsNote,
  onread: SocketConstructorOpts['onread'] = readIntoShared(),
): Socket {
  const husk = accepted as unknown as ServerSide;
  const handle = husk._handle;
  if (typeof handle !== 'object' || handle === null || accepted.destroyed) {
    if (!accepted.destroyed) {
      reportInternalsFallback(
        'Socket._handle on accepted sockets',
        'accepted connections read with a new buffer per read (slower under a flood, same bytes)',
        note,
      );
    }
    accepted.resume();
    return accepted;
  }
  husk._handle = null;
  const server = husk._server;
  if (!server || typeof server._connections !== 'number') {
    reportInternalsFallback('Socket._server._connections', "stopping a listener may not wait for its connections' count", note);
  }
  const socket: Socket = new Socket({ ...options, handle, onread } as SocketConstructorOpts);
  if (onread === shared) markShared(socket);
  // The new socket takes the husk's place in the server's count of connections, so that
  // server.close() still waits for it (counted up first: a closed server must not see zero)…
  if (server) {
    Object.assign(socket, { server, _server: server });
    server._connections++;
  }
  // …and the husk leaves it (Node counts one down when a socket is destroyed). Nothing keeps the
  // husk: 10,000 open connections do not carry 10,000 idle Socket objects.
  accepted.destroy();
  return socket;
}

/**
 * Takes over a listening server's accepts: each accepted handle goes straight into one Socket
 * reading into the shared buffer. Through net.Server's 'connection' every connection was made
 * twice (Node's Socket, paused, then the one adoptAccepted gives its handle to): at 19,000
 * connections the second Socket and the first one's destroy were a third of the cost of an
 * accept. The Socket is made in a later turn (accept-queue.ts), `onSocket` told when it was
 * accepted. Returns the connections still waiting for their Socket, or undefined (said once) when
 * this Node keeps its listening handle elsewhere: connections then come through 'connection', to
 * be adopted.
 */
export function acceptIntoShared(
  server: Server,
  options: { allowHalfOpen: boolean; noDelay: boolean },
  onSocket: (socket: Socket, acceptedAt: number) => void,
  note?: InternalsNote,
): WaitingAccepts | undefined {
  const socketOptions = { ...options, readable: true, writable: true, onread: readIntoShared() };
  const counted = server as unknown as { _connections: number };
  return queueAccepts(
    server,
    (clientHandle, acceptedAt) => {
      const socket = markShared(new Socket({ ...socketOptions, handle: clientHandle } as SocketConstructorOpts));
      // As Node does for a server with `noDelay` (the Socket only records the flag for a handle it is given).
      if (options.noDelay) clientHandle.setNoDelay?.(true);
      const served = socket as unknown as { server: Server; _server: Server };
      served.server = server;
      served._server = server;
      counted._connections++;
      onSocket(socket, acceptedAt);
    },
    'each accepted connection is made as two sockets, one handed to the other (accepting is slower, the same bytes)',
    note,
  );
}
