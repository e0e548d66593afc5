import type { ToxicStream } from '@shared/proxy';

/** What the engine asks of a socket it adopted (Engine.adopt): the socket commands, routed to its owner. */
export interface ExternalSocket {
  /** socket.send; resolves with how many peers got it. */
  send(data: Uint8Array): Promise<number>;
  /** A proxy conversation: into one direction, as if from the other side (proxy.inject; a repeat's `stream`). */
  inject?(stream: ToxicStream, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  halfClose(): Promise<void>;
  reset(): Promise<void>;
  /** socket.remove: closes it and whatever belongs to it; the engine then forgets the record. */
  remove(): Promise<void>;
  /** Engine dispose: at once, without graceful waits. */
  destroy(): Promise<void> | void;
}
