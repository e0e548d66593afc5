/**
 * One client of a proxy and the proxy's own connection to the upstream for it: one record, one
 * log (client → server as `out`, server → client as `in`), forwarding both ways faithfully — a
 * FIN is passed on as a FIN (the other direction keeps flowing), a reset as a reset.
 */
import { Socket } from 'node:net';
import type { ErrorInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { HeldMessage, ToxicStream, UpstreamFailure } from '@shared/proxy';
import { toEndpoint } from '../engine/endpoint';
import { describeError, EngineError } from '../engine/errors';
import type { ExternalSocket } from '../engine/external';
import type { SocketRecord } from '../engine/socket-record';
import { DirectionPipe, type PipeHooks } from './pipe';
import type { Stage, StageContext } from './toxics';

export const UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;

export interface ConversationOptions {
  upstream: { host: string; port: number };
  onUpstreamFailure: UpstreamFailure;
  connectTimeoutMs?: number;
  /** Directions held from the start (the proxy's breakpoints). */
  hold?: { upstream: boolean; downstream: boolean };
  /** Told when the user removes it (the engine then forgets its record). */
  onRemoved(conversation: Conversation): void;
}

export class Conversation implements ExternalSocket {
  readonly upstreamSocket: Socket;
  readonly pipes: Record<ToxicStream, DirectionPipe>;
  private clientClosed = false;
  private upstreamClosed = false;
  private upstreamConnected = false;
  private failed = false;
  private finished = false;
  private readonly closed: Promise<void>;
  private sidesScheduled = false;

  constructor(
    readonly record: SocketRecord,
    readonly client: Socket,
    private readonly options: ConversationOptions,
  ) {
    this.upstreamSocket = new Socket({ allowHalfOpen: true });
    client.setNoDelay(true);
    const local = toEndpoint(client.localAddress, client.localPort, client.localFamily);
    const remote = toEndpoint(client.remoteAddress, client.remotePort, client.remoteFamily);
    record.update({ local, remote, conversation: { clientOpen: true, upstreamOpen: false } });
    this.pipes = {
      upstream: new DirectionPipe('upstream', client, this.upstreamSocket, this.pipeHooks('upstream')),
      downstream: new DirectionPipe('downstream', this.upstreamSocket, client, this.pipeHooks('downstream')),
    };
    for (const stream of ['upstream', 'downstream'] as const) if (options.hold?.[stream]) this.pipes[stream].setHolding(true);
    this.closed = Promise.all([
      new Promise<void>((resolve) => client.once('close', () => resolve())),
      new Promise<void>((resolve) => this.upstreamSocket.once('close', () => resolve())),
    ]).then(() => undefined);
    this.followClient();
    this.connectUpstream();
  }

  get clientEndpoint(): { address: string; port: number } | undefined {
    return this.record.info.remote;
  }

  /** What a toxic's stage may do to this conversation. */
  stageContext(onHit: () => void): StageContext {
    return {
      hit: onHit,
      close: (reason) => this.closeBoth(reason),
      reset: (reason) => this.resetBoth(reason),
    };
  }

  addStage(stream: ToxicStream, toxic: string, stage: Stage): void {
    this.pipes[stream].addStage(toxic, stage);
  }

  removeStage(toxic: string): void {
    this.pipes.upstream.removeStage(toxic);
    this.pipes.downstream.removeStage(toxic);
  }

  setHolding(stream: ToxicStream, holding: boolean): void {
    this.pipes[stream].setHolding(holding);
    this.record.event('info', `${holding ? 'Holding' : 'Let go of'} ${stream === 'upstream' ? 'client → server' : 'server → client'}`);
  }

  held(): HeldMessage[] {
    return (['upstream', 'downstream'] as const).flatMap((stream) =>
      this.pipes[stream].held().map((chunk) => ({ ...chunk, stream, bytes: new Uint8Array(chunk.bytes) })),
    );
  }

  release(stream: ToxicStream, heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number {
    const released = this.pipes[stream].release(heldId, action, edited && new Uint8Array(edited));
    if (heldId !== undefined && released === 0)
      throw new EngineError(
        'NOT_FOUND',
        `No held message #${heldId} ${stream === 'upstream' ? 'to the server' : 'to the client'} in ${this.record.id}`,
      );
    return released;
  }

  /** socket.send on a conversation: to the server, as if from the client. */
  async send(data: Uint8Array): Promise<number> {
    await this.inject('upstream', data);
    return 1;
  }

  /** Bytes into one direction, logged as that direction, past the toxics. */
  async inject(stream: ToxicStream, data: Uint8Array): Promise<void> {
    const dest = stream === 'upstream' ? this.upstreamSocket : this.client;
    if (dest.destroyed || dest.writableEnded || (stream === 'upstream' && !this.upstreamConnected)) {
      throw new EngineError(
        'NOT_OPEN',
        `Cannot send ${stream === 'upstream' ? 'to the server' : 'to the client'}: that side of ${this.record.id} is closed`,
      );
    }
    const bytes = new Uint8Array(data);
    this.log(stream, bytes);
    this.record.event('info', `Injected ${bytes.byteLength} bytes ${stream === 'upstream' ? 'to the server' : 'to the client'}`);
    this.pipes[stream].inject(bytes);
  }

  /** Closes one side: FIN (graceful) or RST. */
  async cut(side: 'client' | 'upstream', how: 'fin' | 'rst'): Promise<void> {
    const socket = side === 'client' ? this.client : this.upstreamSocket;
    const who = side === 'client' ? 'the client' : 'the server';
    if (socket.destroyed) throw new EngineError('NOT_OPEN', `The connection to ${who} is already closed`);
    if (how === 'rst') {
      this.record.event('reset', `Reset the connection to ${who} (RST sent)`);
      socket.resetAndDestroy();
    } else {
      this.record.event('half-closed', `Closed the sending side towards ${who} (FIN sent)`);
      socket.end();
    }
  }

  async close(): Promise<void> {
    this.closeBoth('Closed by the user');
    await this.closed;
  }

  async halfClose(): Promise<void> {
    await this.cut('upstream', 'fin');
  }

  async reset(): Promise<void> {
    this.resetBoth('Reset by the user');
    await this.closed;
  }

  async remove(): Promise<void> {
    await this.destroy();
    this.options.onRemoved(this);
  }

  async destroy(): Promise<void> {
    this.stopPipes();
    this.client.destroy();
    this.upstreamSocket.destroy();
    await this.closed;
  }

  /** Both sides end with FIN once what was passed on has gone; destroyed if they linger. */
  closeBoth(reason: string): void {
    if (this.finished) return;
    this.record.event('info', reason);
    this.stopPipes();
    for (const socket of [this.client, this.upstreamSocket]) {
      if (!socket.destroyed) {
        socket.end();
        setTimeout(() => socket.destroy(), 2000).unref();
      }
    }
  }

  resetBoth(reason: string): void {
    if (this.finished) return;
    this.record.event('reset', reason);
    this.stopPipes();
    this.client.resetAndDestroy();
    if (this.upstreamConnected) this.upstreamSocket.resetAndDestroy();
    else this.upstreamSocket.destroy();
  }

  private stopPipes(): void {
    this.pipes.upstream.stop();
    this.pipes.downstream.stop();
  }

  private log(stream: ToxicStream, bytes: Uint8Array): void {
    this.record.dataRelayed(stream === 'upstream' ? 'out' : 'in', bytes);
  }

  private pipeHooks(stream: ToxicStream): PipeHooks {
    return {
      forwarded: (bytes) => this.log(stream, bytes),
      endForwarded: () => this.onEndForwarded(stream),
      heldChanged: () => this.updateSidesSoon(),
      note: (message) => this.record.event('info', message),
    };
  }

  private followClient(): void {
    const { client } = this;
    client.on('data', (chunk: Buffer) => this.pipes.upstream.accept(chunk));
    client.on('end', () => {
      this.record.event('peer-closed', 'The client closed its sending side (FIN); passing it on to the server');
      this.markHalfClosed();
      this.pipes.upstream.acceptEnd();
    });
    client.on('error', (err: Error) => this.onSocketError('client', err));
    client.on('close', () => {
      this.clientClosed = true;
      this.updateSides();
      this.finishIfDone();
    });
  }

  private connectUpstream(): void {
    const { host, port } = this.options.upstream;
    const timeoutMs = this.options.connectTimeoutMs ?? UPSTREAM_CONNECT_TIMEOUT_MS;
    const socket = this.upstreamSocket;
    this.record.event('connecting', `Connecting to the upstream ${formatEndpoint({ host, port })}`);
    const timer = setTimeout(() => {
      this.upstreamFailed(describeError({ code: 'ETIMEDOUT' }, { host, port, operation: 'connect', timeoutMs }));
      socket.destroy();
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      this.upstreamConnected = true;
      socket.setNoDelay(true);
      const upstreamLocal = toEndpoint(socket.localAddress, socket.localPort, socket.localFamily);
      const upstreamRemote = toEndpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
      this.record.update({ state: 'open', conversation: { clientOpen: !this.clientClosed, upstreamOpen: true, upstreamLocal, upstreamRemote } });
      this.record.event(
        'connected',
        `${formatEndpoint(this.record.info.remote)} → ${formatEndpoint(this.record.info.local)} → ${formatEndpoint(upstreamRemote)} (from ${formatEndpoint(upstreamLocal)})`,
      );
      this.pipes.upstream.start();
      this.pipes.downstream.start();
    });
    socket.on('data', (chunk: Buffer) => this.pipes.downstream.accept(chunk));
    socket.on('end', () => {
      this.record.event('peer-closed', 'The server closed its sending side (FIN); passing it on to the client');
      this.markHalfClosed();
      this.pipes.downstream.acceptEnd();
    });
    socket.on('error', (err: Error) => {
      clearTimeout(timer);
      if (!this.upstreamConnected) this.upstreamFailed(describeError(err, { host, port, operation: 'connect' }));
      else this.onSocketError('upstream', err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.upstreamClosed = true;
      this.updateSides();
      this.finishIfDone();
    });
    socket.connect({ host, port });
  }

  /** The upstream could not be reached: the client is closed (or reset) and the log says why. */
  private upstreamFailed(error: ErrorInfo): void {
    if (this.failed) return;
    this.failed = true;
    const how = this.options.onUpstreamFailure === 'reset' ? 'resetting' : 'closing';
    this.record.fail({ code: error.code, message: `Upstream: ${error.message}; ${how} the client` }, { announce: false });
    this.stopPipes();
    if (this.options.onUpstreamFailure === 'reset') this.client.resetAndDestroy();
    else this.client.end();
    setTimeout(() => this.client.destroy(), 2000).unref();
  }

  /** A reset (or other failure) on one side is passed on to the other as a reset. */
  private onSocketError(side: 'client' | 'upstream', err: Error): void {
    if (this.finished || this.failed) return;
    const other = side === 'client' ? this.upstreamSocket : this.client;
    const who = side === 'client' ? 'client' : 'server';
    const info = describeError(err, {});
    this.failed = true;
    this.stopPipes();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET') {
      this.record.event('reset', `The ${who} reset the connection; resetting the ${side === 'client' ? 'server' : 'client'} side too`, code);
    } else {
      this.record.event('error', `The ${who}'s connection failed: ${info.message}; resetting the other side`, info.code);
    }
    this.record.update({ state: 'error', error: { code: info.code, message: `The ${who}: ${info.message}` } });
    if (!other.destroyed) other.resetAndDestroy();
  }

  private onEndForwarded(stream: ToxicStream): void {
    this.record.event('half-closed', stream === 'upstream' ? 'FIN passed on to the server' : 'FIN passed on to the client');
  }

  private markHalfClosed(): void {
    if (this.record.state === 'open') this.record.update({ state: 'half-closed' });
  }

  private updateSides(): void {
    const current = this.record.info.conversation;
    if (!current) return;
    const { upstream, downstream } = this.pipes;
    this.record.update({
      conversation: {
        ...current,
        clientOpen: !this.clientClosed,
        upstreamOpen: this.upstreamConnected && !this.upstreamClosed,
        holding: { upstream: upstream.isHolding, downstream: downstream.isHolding },
        held: { upstream: upstream.heldCount, downstream: downstream.heldCount },
      },
    });
  }

  /** Held counts change per read: announced once per turn of the event loop. */
  private updateSidesSoon(): void {
    if (this.sidesScheduled) return;
    this.sidesScheduled = true;
    setImmediate(() => {
      this.sidesScheduled = false;
      this.updateSides();
    });
  }

  private finishIfDone(): void {
    if (this.finished || !this.clientClosed || !this.upstreamClosed) return;
    this.finished = true;
    this.stopPipes();
    if (this.record.state !== 'error') this.record.update({ state: 'closed' });
    this.record.event('closed', 'Conversation closed');
  }
}
