/**
 * One TCP connection, either dialled by us (kind 'tcp-client') or accepted by a listener
 * (kind 'tcp-connection'): both behave the same once open, so one class drives both.
 */
import { Socket } from 'node:net';
import type { ParsedInput } from '../../shared/contract';
import { formatEndpoint } from '../../shared/endpoint';
import type { SocketRecord } from './socket-record';
import { toEndpoint } from './endpoint';
import { EngineError, describeError, toEngineError, type ErrorContext } from './errors';
import { copyBytes } from './log';

/** How long close() waits for the peer's FIN before destroying the socket. */
export const CLOSE_GRACE_MS = 2000;

interface ConnectAttempt {
  fail(err: unknown): void;
}

export class TcpConnection {
  /** Settles when Node has released the socket ('close'), whatever the reason. */
  private readonly closed: Promise<void>;
  /** Set while connect() waits; errors then reject the command instead of being reported. */
  private connectAttempt: ConnectAttempt | undefined;
  /** Writes whose callback has not run: an error then belongs to the send that awaits it. */
  private pendingWrites = 0;
  private writeError: unknown;
  private resetByUs = false;

  private constructor(
    private readonly record: SocketRecord,
    private readonly socket: Socket,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.record.dataIn(chunk));
    socket.on('end', () => this.onPeerEnd());
    socket.on('error', (err) => this.onError(err));
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.updateQueuedBytes());
  }

  /** A connection we are about to dial (see connect). */
  static client(record: SocketRecord): TcpConnection {
    // allowHalfOpen: a peer's FIN must not end our side behind our back; we log it first.
    return new TcpConnection(record, new Socket({ allowHalfOpen: true }));
  }

  /** A connection a listener accepted; already open. */
  static accepted(record: SocketRecord, socket: Socket): TcpConnection {
    const connection = new TcpConnection(record, socket);
    socket.setNoDelay(true);
    const local = toEndpoint(socket.localAddress, socket.localPort, socket.localFamily);
    const remote = toEndpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    record.update({ state: 'open', local, remote });
    record.event('accepted', `Accepted from ${formatEndpoint(remote)} on ${formatEndpoint(local)}`);
    return connection;
  }

  /** Open and still able to send. */
  get canSend(): boolean {
    const state = this.record.state;
    return (state === 'open' || state === 'half-closed') && !this.socket.writableEnded && !this.socket.destroyed;
  }

  async send(data: Uint8Array): Promise<void> {
    this.assertCanSend();
    // Our own copy: the caller may reuse its buffer, and the log must show what was sent.
    const bytes = copyBytes(data);
    this.record.dataOut(bytes);
    this.pendingWrites++;
    await new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        this.pendingWrites--;
        this.updateQueuedBytes();
        if (!err) return resolve();
        // Remembered so the 'error' event Node emits for the same failure is not shown again.
        this.writeError = err;
        // If the socket already failed (say, the peer reset it), that cause is the one to show.
        const recorded = this.record.info.error;
        reject(recorded ? new EngineError(recorded.code, recorded.message) : toEngineError(err, this.errorContext()));
      });
      this.updateQueuedBytes();
    });
  }

  /** Sends FIN and keeps receiving; resolves once the FIN is handed to the kernel. */
  async halfClose(): Promise<void> {
    const state = this.record.state;
    if (state === 'connecting' || state === 'closed' || state === 'error') {
      throw new EngineError('NOT_OPEN', `Cannot half-close ${this.record.id}: it is ${state}`);
    }
    if (this.socket.writableEnded) return;
    this.record.update({ state: 'half-closed' });
    this.record.event('half-closed', 'Closed our sending side (FIN sent); still receiving');
    await Promise.race([new Promise<void>((resolve) => this.socket.end(() => resolve())), this.closed]);
  }

  /**
   * Graceful close: FIN, then wait for the peer to close too; destroy after CLOSE_GRACE_MS so a
   * silent peer cannot keep the socket forever.
   */
  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    if (this.record.state === 'connecting') {
      this.socket.destroy();
      return this.closed;
    }
    if (!this.socket.writableEnded) {
      this.record.event('info', 'Closing: FIN sent, waiting for the peer to close');
      this.socket.end();
    }
    const timer = setTimeout(() => {
      if (this.socket.destroyed) return;
      this.record.event('info', `The peer did not close within ${CLOSE_GRACE_MS / 1000} s; closing anyway`);
      this.socket.destroy();
    }, CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  /** Aborts with RST: unsent data is discarded and the peer sees ECONNRESET. */
  async reset(): Promise<void> {
    if (this.socket.destroyed) {
      throw new EngineError('NOT_OPEN', `Cannot reset ${this.record.id}: it is already closed`);
    }
    if (this.record.state === 'connecting') {
      // No connection to reset yet; Node would defer the RST until connected.
      this.socket.destroy();
      return this.closed;
    }
    this.resetByUs = true;
    this.socket.resetAndDestroy();
    this.record.update({ state: 'closed', queuedBytes: 0 });
    this.record.event('reset', 'Connection reset: RST sent to the peer');
    await this.closed;
  }

  /** Immediate teardown (engine dispose). */
  async destroy(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  /** Resolves once connected; rejects with an EngineError (refused, not found, timed out, …). */
  connect(input: ParsedInput<'tcp.connect'>): Promise<void> {
    const { host, port, timeoutMs } = input;
    const context: ErrorContext = { host, port, operation: 'connect', timeoutMs };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connectAttempt = undefined;
        this.socket.destroy();
        reject(toEngineError({ code: 'ETIMEDOUT' }, context));
      }, timeoutMs);
      this.connectAttempt = {
        fail: (err) => {
          clearTimeout(timer);
          this.connectAttempt = undefined;
          reject(toEngineError(err, context));
        },
      };
      this.socket.once('connect', () => {
        clearTimeout(timer);
        this.connectAttempt = undefined;
        this.onConnected();
        resolve();
      });
      this.record.event('connecting', `Connecting to ${formatEndpoint({ host, port })}`);
      this.socket.connect({ host, port });
    });
  }

  private onConnected(): void {
    this.socket.setNoDelay(true);
    const local = toEndpoint(this.socket.localAddress, this.socket.localPort, this.socket.localFamily);
    const remote = toEndpoint(this.socket.remoteAddress, this.socket.remotePort, this.socket.remoteFamily);
    this.record.update({ state: 'open', local, remote });
    this.record.event('connected', `Connected to ${formatEndpoint(remote)} from ${formatEndpoint(local)}`);
  }

  private onPeerEnd(): void {
    this.record.event('peer-closed', 'Peer closed its sending side');
    if (!this.socket.writableEnded) {
      // Like nc: once the peer is done, finish our side too so the connection closes.
      this.record.update({ state: 'half-closed' });
      this.socket.end();
    }
  }

  private onError(err: Error): void {
    if (this.connectAttempt) {
      this.connectAttempt.fail(err);
      return;
    }
    // A failed write's error reaches its send() first; reporting it again would show it twice.
    const awaited = err === this.writeError || this.pendingWrites > 0;
    this.record.fail(describeError(err, this.errorContext()), { announce: !awaited });
  }

  private onClose(): void {
    if (this.connectAttempt) {
      // Destroyed while connecting (close, remove or dispose): the connect command must settle.
      this.connectAttempt.fail(new EngineError('CANCELLED', 'The connection attempt was cancelled'));
    }
    const state = this.record.state;
    if (state === 'error' || this.resetByUs) {
      if (this.record.info.queuedBytes !== 0) this.record.update({ queuedBytes: 0 });
      return;
    }
    this.record.update({ state: 'closed', queuedBytes: 0 });
    this.record.event('closed', 'Connection closed');
  }

  private assertCanSend(): void {
    const { id, state } = this.record;
    if (state === 'connecting') throw new EngineError('NOT_OPEN', `Cannot send: ${id} is still connecting`);
    if (state === 'closed' || state === 'error' || this.socket.destroyed) {
      throw new EngineError('NOT_OPEN', `Cannot send: ${id} is closed`);
    }
    if (this.socket.writableEnded) {
      throw new EngineError('NOT_OPEN', `Cannot send: the sending side of ${id} is closed`);
    }
  }

  private updateQueuedBytes(): void {
    const queued = this.socket.writableLength;
    if (queued !== this.record.info.queuedBytes) this.record.update({ queuedBytes: queued });
  }

  private errorContext(): ErrorContext {
    const { remote, requested } = this.record.info;
    if (remote) return { host: remote.address, port: remote.port };
    return requested ? { host: requested.host, port: requested.port } : {};
  }
}
