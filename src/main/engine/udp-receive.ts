/**
 * Datagrams straight from a bound dgram socket's UDP handle. Node hands each datagram to
 * `handle.onmessage(nread, handle, buf, rinfo)` (lib/dgram.js `onMessage`, unchanged since Node 12),
 * which looks up the socket, adds `rinfo.size` (a new property on a fresh object) and emits
 * 'message': work done per datagram for a listener that only wants the bytes and the sender.
 * Taking the handle's callback skips it. Where this Node keeps the handle elsewhere, datagrams
 * come through 'message' as before (and that is said once: node-internals.ts).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { type InternalsNote, reportInternalsFallback } from './node-internals';

/** What the handle gives per datagram (built by Node's C++ side): the sender. */
export type Sender = Pick<RemoteInfo, 'address' | 'port' | 'family'>;
export type DatagramSink = (bytes: Buffer, sender: Sender) => void;

type HandleOnMessage = (this: unknown, nread: number, handle: unknown, buf: Buffer, rinfo: Sender) => void;

interface UdpHandle {
  onmessage?: unknown;
}

/** dgram keeps its handle in `socket[kStateSymbol].handle` (lib/internal/dgram.js, Node ≥ 12). */
export function udpHandleOf(socket: Socket): UdpHandle | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'state symbol');
  const state: unknown = key === undefined ? undefined : Reflect.get(socket, key);
  if (typeof state !== 'object' || state === null) return undefined;
  const handle: unknown = Reflect.get(state, 'handle');
  return typeof handle === 'object' && handle !== null ? (handle as UdpHandle) : undefined;
}

/**
 * Hands every datagram the bound `socket` receives to `sink`, from the handle when this Node
 * allows it. Call it once the socket is bound (Node sets the handle's callback when it starts
 * receiving). Receive errors stay Node's: they reach the socket's 'error' listeners as before.
 */
export function receiveDatagrams(socket: Socket, sink: DatagramSink, note?: InternalsNote): void {
  const handle = udpHandleOf(socket);
  const nodeOnMessage = handle?.onmessage;
  if (!handle || typeof nodeOnMessage !== 'function') {
    reportInternalsFallback(
      "dgram.Socket's UDP handle (onmessage)",
      "each datagram comes through a 'message' event (slower under a flood, the same datagrams)",
      note,
    );
    receiveThroughEvents(socket, sink);
    return;
  }
  const nodeCallback = nodeOnMessage as HandleOnMessage;
  handle.onmessage = function onmessage(this: unknown, nread: number, from: unknown, buf: Buffer, rinfo: Sender): void {
    if (nread < 0) return nodeCallback.call(this, nread, from, buf, rinfo);
    sink(buf, rinfo);
  };
}

/** The way any Node delivers datagrams: one 'message' event each. */
export function receiveThroughEvents(socket: Socket, sink: DatagramSink): void {
  socket.on('message', sink);
}
