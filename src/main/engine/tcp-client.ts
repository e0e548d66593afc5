/**
 * One TCP connection, either dialled by us (kind 'tcp-client') or accepted by a listener
 * (kind 'tcp-connection'): both behave the same once open, so one class drives both.
 */
import { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { formatBytes } from '@shared/codec';
import type { Endpoint, ParsedInput } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { SocketRecord } from './socket-record';
import { peerOf, toEndpoint } from './endpoint';
import { EngineError, connectPhase, describeError, toEngineError, type ErrorContext } from './errors';
import { copyBytes, type LazyNotice } from './log';
import { plainSocket, readDirectly } from './read-buffer';
import { prepareTlsClient, reportHandshake, secureAccepted, type TlsListenerSetup } from './tls';

/** "Accepted from 10.0.0.2:50312 on 10.0.0.1:8080", about the connection itself, said when read. */
const ACCEPTED_FROM: LazyNotice = {
  event: 'accepted',
  text: (connection) => `Accepted from ${formatEndpoint(connection.remote)} on ${formatEndpoint(connection.local)}`,
};

/** How long close() waits for the peer's FIN before destroying the socket. */
export const CLOSE_GRACE_MS = 2000;

/**
 * A peer that does not read makes sends pile up in memory. Past this many bytes waiting, further
 * sends are refused until the peer catches up or the user resets the connection, so a stuck peer
 * costs a bounded amount of memory however often the user presses Send.
 */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

interface Addresses {
  local: Endpoint | undefined;
  remote: Endpoint | undefined;
}

interface ConnectAttempt {
  fail(err: unknown): void;
}

/** The connection a socket's events go to: the handlers below are shared by every socket. */
const kConnection = Symbol('TcpConnection');
type Followed = Socket & { [kConnection]?: TcpConnection };

export class TcpConnection {
  /** Set once Node has released the followed socket ('close'), whatever the reason. */
  private socketClosed = false;
  /** Who waits for that; made when someone does (most connections are never awaited). */
  private closeWaiters: (() => void)[] | undefined;
  /** What bytes go through: the TCP socket, or the TLS socket over it once TLS is on (see useTls). */
  private socket: Socket;
  /** Set while connect() waits; errors then reject the command instead of being reported. */
  private connectAttempt: ConnectAttempt | undefined;
  /** Writes whose callback has not run: an error then belongs to the send that awaits it. */
  private pendingWrites = 0;
  private writeError: unknown;
  private resetByUs = false;
  /**
   * Set when the connection goes away with writes pending. Node then calls the write in flight
   * back without an error although its bytes never left: its send must fail all the same.
   */
  private writesCutShort = false;
  /** The socket whose 'drain' this connection listens to, from its first send. */
  private drainFollowed: Socket | undefined;

  private constructor(
    private readonly record: SocketRecord,
    /** The TCP socket itself, under any TLS: RST goes through it. */
    private readonly tcp: Socket,
  ) {
    this.socket = tcp;
    this.follow(tcp);
  }

  /**
   * One set of handlers for every socket, each finding its connection on the socket (Node calls
   * a listener with the emitter as `this`): 19,000 connections do not each hold five closures.
   */
  private static readonly handlers = {
    end(this: Followed): void {
      this[kConnection]?.onPeerEnd();
    },
    error(this: Followed, err: Error): void {
      this[kConnection]?.onError(err);
    },
    close(this: Followed): void {
      this[kConnection]?.onClose();
    },
  };

  private static data(this: Followed, chunk: Buffer): void {
    this[kConnection]?.record.dataIn(chunk);
  }

  private static drain(this: Followed): void {
    this[kConnection]?.updateQueuedBytes();
  }

  /** The handlers as pairs, made once (not an array of pairs per connection). */
  private static readonly handlerEntries = Object.entries(TcpConnection.handlers);

  /**
   * Listens to `socket`'s events. Its reads go straight to the record when it reads into the
   * shared buffer (read-buffer.ts), else through 'data'; 'drain' only matters once something was
   * sent (see send), and most accepted connections never send.
   */
  private follow(socket: Followed): void {
    socket[kConnection] = this;
    for (const [event, handler] of TcpConnection.handlerEntries) socket.on(event, handler);
    if (!readDirectly(socket, this.record)) socket.on('data', TcpConnection.data);
  }

  /**
   * Before each send: Nagle off (a send goes out at once; a no-op once done) and 'drain' followed.
   * Not at accept: most accepted connections never send, and a system call and a listener on each
   * of 19,000 were a cost every connection paid for what few use.
   */
  private readyToSend(): void {
    this.tcp.setNoDelay(true);
    if (this.drainFollowed === this.socket) return;
    this.drainFollowed?.off('drain', TcpConnection.drain);
    this.socket.on('drain', TcpConnection.drain);
    this.drainFollowed = this.socket;
  }

  /** Resolves once Node has released the followed socket. */
  private get closed(): Promise<void> {
    if (this.socketClosed) return Promise.resolve();
    return new Promise((resolve) => (this.closeWaiters ??= []).push(resolve));
  }

  /** From now on bytes go through `secure`, TLS over the TCP socket (which then only reports its close). */
  private useTls(secure: TLSSocket): TLSSocket {
    for (const [event, handler] of TcpConnection.handlerEntries) this.tcp.off(event, handler);
    this.tcp.off('data', TcpConnection.data);
    this.socket = secure;
    this.follow(secure);
    return secure;
  }

  /** A connection we are about to dial (see connect); `plain` unless TLS goes over it. */
  static client(record: SocketRecord, { plain }: { plain: boolean }): TcpConnection {
    // allowHalfOpen: a peer's FIN must not end our side behind our back; we log it first.
    const options = { allowHalfOpen: true };
    return new TcpConnection(record, plain ? plainSocket(options) : new Socket(options));
  }

  /** An accepted socket's addresses, for its record; `knownLocal`: the listener's own address when it is a specific one (a system call less). */
  static addressesOf(socket: Socket, knownLocal?: Endpoint): Addresses {
    const local = knownLocal ?? toEndpoint(socket.localAddress, socket.localPort, socket.localFamily);
    return { local, remote: peerOf(socket) };
  }

  /**
   * A connection a listener accepted, already open, its record made with its addresses (see
   * addressesOf), which its first notice reads. `acceptedAt`: when the system handed the
   * connection over (the engine's clock), which its log starts with. With `tls`, the handshake
   * follows at once.
   */
  static accepted(record: SocketRecord, socket: Socket, acceptedAt: number, tls?: TlsListenerSetup): TcpConnection {
    const connection = new TcpConnection(record, socket);
    // A TLS handshake's answers go out at once; a plain connection turns Nagle off at its first send.
    if (tls) socket.setNoDelay(true);
    record.lazyNotice(ACCEPTED_FROM, record.subject, acceptedAt);
    if (tls) {
      record.update({ tls: { localCertificate: tls.certificate } });
      const secure = connection.useTls(secureAccepted(socket, tls));
      const view = {
        side: 'server',
        localCertificate: tls.certificate,
        clientCertRequested: tls.requestClientCert,
        judgesClients: tls.judgesClients,
      } as const;
      secure.once('secure', () => reportHandshake(record, secure, view));
    }
    return connection;
  }

  /** Open and still able to send. */
  get canSend(): boolean {
    const state = this.record.state;
    return (state === 'open' || state === 'half-closed') && !this.socket.writableEnded && !this.socket.destroyed;
  }

  async send(data: Uint8Array): Promise<void> {
    this.assertCanSend();
    this.assertRoomInQueue(data.byteLength);
    // Our own copy: the caller may reuse its buffer, and the log must show what was sent.
    const bytes = copyBytes(data);
    this.record.dataOut(bytes);
    this.readyToSend();
    this.pendingWrites++;
    await new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        this.pendingWrites--;
        this.updateQueuedBytes();
        if (!err && !this.writesCutShort) return resolve();
        // Remembered so the 'error' event Node emits for the same failure is not shown again.
        this.writeError = err;
        // If the socket already failed (say, the peer reset it), that cause is the one to show.
        const recorded = this.record.info.error;
        if (recorded) return reject(new EngineError(recorded.code, recorded.message));
        if (this.writesCutShort) {
          return reject(new EngineError('CANCELLED', 'This send was cut short: the connection closed before all of it went out'));
        }
        reject(toEngineError(err, this.errorContext()));
      });
      this.updateQueuedBytes();
    });
  }

  /** Stops or resumes reading: TCP's own flow control then slows the peer (for a front end that cannot keep up). */
  setReading(reading: boolean): void {
    if (reading) this.socket.resume();
    else this.socket.pause();
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
      this.cutPendingWrites(this.socket.writableLength);
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
    const waiting = this.socket.writableLength;
    this.tcp.resetAndDestroy();
    this.record.update({ state: 'closed', queuedBytes: 0 });
    this.record.event('reset', 'Connection reset: RST sent to the peer');
    this.cutPendingWrites(waiting);
    await this.closed;
  }

  /** Immediate teardown (engine dispose). */
  async destroy(): Promise<void> {
    this.cutPendingWrites(this.socket.writableLength);
    this.socket.destroy();
    await this.closed;
  }

  /** Resolves once connected; rejects with an EngineError (refused, not found, timed out, …). */
  connect(input: ParsedInput<'tcp.connect'>): Promise<void> {
    const { host, port, timeoutMs } = input;
    const context: ErrorContext = { host, port, operation: 'connect', timeoutMs };
    // Checked before dialling: a certificate that cannot be used should not cost a connection.
    const tls = input.tls && prepareTlsClient(host, input.tls);
    return new Promise<void>((resolve, reject) => {
      // The timeout covers the name's lookup too: a DNS server that never answers must not be
      // reported as a host that did not answer.
      const phase = connectPhase(this.socket, host);
      const timer = setTimeout(() => {
        this.connectAttempt = undefined;
        this.socket.destroy();
        reject(toEngineError({ code: 'ETIMEDOUT' }, { ...context, operation: phase() }));
      }, timeoutMs);
      this.connectAttempt = {
        fail: (err) => {
          clearTimeout(timer);
          this.connectAttempt = undefined;
          reject(toEngineError(err, context));
        },
      };
      const opened = (secure?: TLSSocket): void => {
        clearTimeout(timer);
        this.connectAttempt = undefined;
        this.onConnected();
        if (secure) reportHandshake(this.record, secure, { side: 'client', localCertificate: tls ? tls.localCertificate : undefined });
        resolve();
      };
      this.socket.once('connect', () => {
        if (!tls) return opened();
        // TLS over the open TCP connection: the command waits for the handshake, within the timeout.
        const secure = this.useTls(tls.over(this.tcp));
        secure.once('secureConnect', () => opened(secure));
      });
      this.record.event('connecting', `Connecting to ${formatEndpoint({ host, port })}`);
      this.socket.connect({ host, port });
    });
  }

  private onConnected(): void {
    this.tcp.setNoDelay(true);
    const local = toEndpoint(this.tcp.localAddress, this.tcp.localPort, this.tcp.localFamily);
    const remote = toEndpoint(this.tcp.remoteAddress, this.tcp.remotePort, this.tcp.remoteFamily);
    this.record.update({ state: 'open', local, remote });
    this.record.event('connected', `Connected to ${formatEndpoint(remote)} from ${formatEndpoint(local)}`);
  }

  private onPeerEnd(): void {
    if (this.record.info.keepHalfOpen && !this.socket.writableEnded) {
      // The peer may be waiting for an answer after its FIN (HTTP/1.0 clients, `nc -N`).
      this.record.event('peer-closed', 'Peer closed its sending side; this side stays open: reply, then Close');
      this.record.update({ state: 'half-closed' });
      return;
    }
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
    const waiting = this.socket.writableLength;
    this.record.fail(describeError(err, this.errorContext()), { announce: !awaited });
    this.cutPendingWrites(waiting);
  }

  private onClose(): void {
    this.socketClosed = true;
    const waiters = this.closeWaiters ?? [];
    this.closeWaiters = undefined;
    for (const resolve of waiters) resolve();
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

  /** The connection is going away with writes pending: their sends fail, and the log says what was lost. */
  private cutPendingWrites(waiting: number): void {
    if (this.pendingWrites === 0 || this.writesCutShort) return;
    this.writesCutShort = true;
    // "Up to": the kernel may have taken part of the write in flight before the end came.
    this.record.event('info', `Up to ${formatBytes(waiting)} waiting to be sent never reached the peer`);
  }

  private assertRoomInQueue(size: number): void {
    const queued = this.socket.writableLength;
    // One send always goes when nothing waits: a single send is already bounded by the contract.
    if (queued > 0 && queued + size > MAX_QUEUED_BYTES) {
      throw new EngineError(
        'QUEUE_FULL',
        `Cannot send: ${formatBytes(queued)} are still waiting for the peer of ${this.record.id} to read them. ` +
          'Wait until it catches up, or reset the connection to drop them.',
      );
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
