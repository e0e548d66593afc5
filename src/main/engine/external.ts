/** What the engine asks of a socket it adopted (Engine.adopt): the socket commands, routed to its owner. */
export interface ExternalSocket {
  /** socket.send; resolves with how many peers got it. */
  send(data: Uint8Array): Promise<number>;
  close(): Promise<void>;
  halfClose(): Promise<void>;
  reset(): Promise<void>;
  /** socket.remove: closes it and whatever belongs to it; the engine then forgets the record. */
  remove(): Promise<void>;
  /** Engine dispose: at once, without graceful waits. */
  destroy(): Promise<void> | void;
}
