/**
 * One client of a proxy and the proxy's own connection to the upstream for it: one record, one
 * log (client → server as `out`, server → client as `in`), forwarding both ways faithfully — a
 * FIN is passed on as a FIN (the other direction keeps flowing), a reset as a reset.
 */
import { Socket } from 'node:net';
import type { ErrorInfo } from '@shared/contract';
import type { FramingSpec } from '@shared/framing';
import { formatEndpoint } from '@shared/endpoint';
import type { HeldMessage, ToxicStream, UpstreamFailure } from '@shared/proxy';
import type { TlsSummary } from '@shared/tls';
import { toEndpoint } from '../engine/endpoint';
import { connectPhase, describeError, EngineError } from '../engine/errors';
import type { ExternalSocket } from '../engine/external';
import { adoptAccepted } from '../engine/read-buffer';
import type { SocketRecord } from '../engine/socket-record';
import { directionNote } from './drop-notes';
import { ownReadBuffer } from './own-read-buffer';
import { DirectionPipe, type PipeHooks } from './pipe';
import { heldIn, releaseHeld } from './proxy-conversation';
import { clientSide, destroySide, reportUpstreamHandshake, resetSide, upstreamSide, type ProxyTls, type Side } from './proxy-tls';
import type { Stage, StageContext } from './toxics';

export const UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;

export interface ConversationOptions {
  upstream: { host: string; port: number };
  onUpstreamFailure: UpstreamFailure;
  connectTimeoutMs?: number;
  /** Directions held from the start (the proxy's breakpoints). */
  hold?: { upstream: boolean; downstream: boolean };
  /** TLS towards the client and/or the upstream; the pipes carry clear text. */
  tls?: ProxyTls;
  /** Told when the user removes it (the engine then forgets its record). */
  onRemoved(conversation: Conversation): void;
}

export class Conversation implements ExternalSocket {
  /** What bytes go through on each side: the TCP socket, or TLS over it. */
  readonly client: Socket;
  readonly upstreamSocket: Socket;
  private readonly clientSide: Side;
  private readonly upstreamSide: Side;
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
    accepted: Socket,
    private readonly options: ConversationOptions,
  ) {
    const note = (message: string): void => record.event('info', message);
    // Plain TCP sides read into buffers of their own, reused read after read, and hand each read
    // straight to their pipe (own-read-buffer.ts); under TLS, Node reads the TCP stream beneath
    // JavaScript and hands over clear text as 'data'.
    const clientReading = options.tls?.listen ? undefined : ownReadBuffer();
    const upstreamReading = options.tls?.upstream ? undefined : ownReadBuffer();
    const clientTcp = clientReading ? adoptAccepted(accepted, { allowHalfOpen: true }, note, clientReading) : accepted;
    clientTcp.setNoDelay(true);
    const local = toEndpoint(clientTcp.localAddress, clientTcp.localPort, clientTcp.localFamily);
    const remote = toEndpoint(clientTcp.remoteAddress, clientTcp.remotePort, clientTcp.remoteFamily);
    record.update({ local, remote, conversation: { clientOpen: true, upstreamOpen: false } });
    this.clientSide = clientSide(clientTcp, options.tls, (summary, sentence) => this.handshakeDone('clientTls', summary, sentence), note);
    this.upstreamSide = upstreamSide(new Socket({ allowHalfOpen: true, ...(upstreamReading && { onread: upstreamReading }) }), options.tls);
    const client = (this.client = this.clientSide.stream);
    this.upstreamSocket = this.upstreamSide.stream;
    this.pipes = {
      upstream: new DirectionPipe('upstream', client, this.upstreamSocket, this.pipeHooks('upstream')),
      downstream: new DirectionPipe('downstream', this.upstreamSocket, client, this.pipeHooks('downstream')),
    };
    // A socket read without them (TLS, or an accepted socket Node kept its own way) still says 'data'.
    if (clientReading) clientReading.reader = this.pipes.upstream;
    if (upstreamReading) upstreamReading.reader = this.pipes.downstream;
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

  removeStage(toxic: string, removed = false): void {
    this.pipes.upstream.removeStage(toxic, removed);
    this.pipes.downstream.removeStage(toxic, removed);
  }

  setHolding(stream: ToxicStream, holding: boolean): void {
    this.pipes[stream].setHolding(holding);
    this.record.event('info', `${holding ? 'Holding' : 'Let go of'} ${stream === 'upstream' ? 'client → server' : 'server → client'}`);
  }

  /** Under a framing, what a hold holds are whole frames. */
  setFraming(framing: FramingSpec): void {
    this.pipes.upstream.setFraming(framing);
    this.pipes.downstream.setFraming(framing);
  }

  held(): HeldMessage[] {
    return heldIn(this.pipes);
  }

  release(stream: ToxicStream, heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number {
    return releaseHeld(this.pipes, { id: this.record.id, unit: 'message' }, stream, heldId, action, edited);
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
    await this.pipes[stream].inject(bytes);
  }

  /** Closes one side: FIN (graceful) or RST. */
  async cut(side: 'client' | 'upstream', how: 'fin' | 'rst'): Promise<void> {
    const socket = side === 'client' ? this.client : this.upstreamSocket;
    const who = side === 'client' ? 'the client' : 'the server';
    if (socket.destroyed) throw new EngineError('NOT_OPEN', `The connection to ${who} is already closed`);
    if (how === 'rst') {
      this.record.event('reset', `Reset the connection to ${who} (RST sent)`);
      resetSide(side === 'client' ? this.clientSide : this.upstreamSide);
    } else {
      this.record.event('half-closed', `Closed the sending side towards ${who} (FIN sent)`);
      // What was passed on towards that side in this turn goes before the FIN.
      this.pipes[side === 'client' ? 'downstream' : 'upstream'].flush();
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
    destroySide(this.clientSide);
    destroySide(this.upstreamSide);
    await this.closed;
  }

  /** Both sides end with FIN once what was passed on has gone; destroyed if they linger. */
  closeBoth(reason: string): void {
    if (this.finished) return;
    this.sayDrops();
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
    this.sayDrops();
    this.record.event('reset', reason);
    this.stopPipes();
    resetSide(this.clientSide);
    if (this.upstreamConnected) resetSide(this.upstreamSide);
    else this.upstreamSocket.destroy();
  }

  /** What toxics dropped is said before the line that says why the conversation ends. */
  private sayDrops(): void {
    this.pipes.upstream.sayDrops();
    this.pipes.downstream.sayDrops();
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
      destination:
        stream === 'upstream' ? `the server ${formatEndpoint(this.options.upstream)}` : `the client ${formatEndpoint(this.record.info.remote)}`,
      endForwarded: () => this.onEndForwarded(stream),
      heldChanged: () => this.updateSidesSoon(),
      note: directionNote(this.record, stream),
    };
  }

  /** A held direction keeps a FIN in its place behind what it holds, so the log must not say it went on. */
  private finSentence(stream: ToxicStream): string {
    const [from, to] = stream === 'upstream' ? ['client', 'server'] : ['server', 'client'];
    const then = this.pipes[stream].isHolding
      ? `it waits behind the hold on ${from} → ${to}: Forward all or stop holding to pass it on`
      : `passing it on to the ${to}`;
    return `The ${from} closed its sending side (FIN); ${then}`;
  }

  private followClient(): void {
    const { client } = this;
    client.on('data', (chunk: Buffer) => this.pipes.upstream.accept(chunk));
    client.on('end', () => {
      this.record.event('peer-closed', this.finSentence('upstream'));
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
    const tcp = this.upstreamSide.tcp;
    const tls = this.upstreamSide.secure !== undefined;
    this.record.event('connecting', `Connecting to the upstream ${formatEndpoint({ host, port })}${tls ? ' (TLS)' : ''}`);
    const phase = connectPhase(tcp, host);
    const timer = setTimeout(() => {
      this.upstreamFailed(describeError({ code: 'ETIMEDOUT' }, { host, port, operation: phase(), timeoutMs }));
      destroySide(this.upstreamSide);
    }, timeoutMs);
    // With TLS the upstream counts as connected once its handshake is done (the timeout covers both).
    if (tls) tcp.once('connect', () => this.record.event('info', 'TCP connected to the upstream; TLS handshake…'));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      this.upstreamConnected = true;
      tcp.setNoDelay(true);
      const upstreamLocal = toEndpoint(tcp.localAddress, tcp.localPort, tcp.localFamily);
      const upstreamRemote = toEndpoint(tcp.remoteAddress, tcp.remotePort, tcp.remoteFamily);
      // Keeps what is held and holding: a proxy's breakpoints apply from the conversation's start.
      const sides = { ...this.record.info.conversation, clientOpen: !this.clientClosed, upstreamOpen: true, upstreamLocal, upstreamRemote };
      this.record.update({ state: 'open', conversation: sides });
      this.record.event(
        'connected',
        `${formatEndpoint(this.record.info.remote)} → ${formatEndpoint(this.record.info.local)} → ${formatEndpoint(upstreamRemote)} (from ${formatEndpoint(upstreamLocal)})`,
      );
      reportUpstreamHandshake(
        this.upstreamSide,
        this.options.tls,
        (summary, sentence) => this.handshakeDone('upstreamTls', summary, sentence),
        (message) => this.record.event('info', message),
      );
      this.pipes.upstream.start();
      this.pipes.downstream.start();
    });
    socket.on('data', (chunk: Buffer) => this.pipes.downstream.accept(chunk));
    socket.on('end', () => {
      this.record.event('peer-closed', this.finSentence('downstream'));
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
    tcp.connect({ host, port });
  }

  /** A side's TLS handshake is done: on the conversation's details, and one line in its log. */
  private handshakeDone(side: 'clientTls' | 'upstreamTls', summary: TlsSummary, sentence: string): void {
    const current = this.record.info.conversation;
    if (current) this.record.update({ conversation: { ...current, [side]: summary } });
    this.record.event('info', sentence);
  }

  /** The upstream could not be reached: the client is closed (or reset) and the log says why. */
  private upstreamFailed(error: ErrorInfo): void {
    if (this.failed) return;
    this.failed = true;
    const how = this.options.onUpstreamFailure === 'reset' ? 'resetting' : 'closing';
    this.record.fail({ code: error.code, message: `Upstream: ${error.message}; ${how} the client` }, { announce: false });
    this.stopPipes();
    if (this.options.onUpstreamFailure === 'reset') resetSide(this.clientSide);
    else this.client.end();
    setTimeout(() => this.client.destroy(), 2000).unref();
  }

  /** A reset (or other failure) on one side is passed on to the other as a reset. */
  private onSocketError(side: 'client' | 'upstream', err: Error): void {
    if (this.finished || this.failed) return;
    const other = side === 'client' ? this.upstreamSocket : this.client;
    const who = side === 'client' ? 'client' : 'server';
    const info = describeError(err, side === 'client' ? clientContext(this.record.info.remote) : this.options.upstream);
    this.failed = true;
    this.sayDrops();
    this.stopPipes();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET') {
      this.record.event('reset', `The ${who} reset the connection; resetting the ${side === 'client' ? 'server' : 'client'} side too`, code);
    } else {
      this.record.event('error', `The ${who}'s connection failed: ${info.message}; resetting the other side`, info.code);
    }
    this.record.update({ state: 'error', error: { code: info.code, message: `The ${who}: ${info.message}` } });
    if (!other.destroyed) resetSide(side === 'client' ? this.upstreamSide : this.clientSide);
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
    const next = {
      ...current,
      clientOpen: !this.clientClosed,
      upstreamOpen: this.upstreamConnected && !this.upstreamClosed,
      holding: { upstream: upstream.isHolding, downstream: downstream.isHolding },
      held: { upstream: upstream.heldCount, downstream: downstream.heldCount },
      heldFin: { upstream: upstream.finHeld, downstream: downstream.finHeld },
    };
    // Held counts tick per read: alone, they go out as socket.stats, not as a whole upsert. A held
    // FIN comes once a direction, so it goes as one.
    const settled =
      next.clientOpen === current.clientOpen &&
      next.upstreamOpen === current.upstreamOpen &&
      next.holding.upstream === current.holding?.upstream &&
      next.holding.downstream === current.holding?.downstream &&
      next.heldFin.upstream === (current.heldFin?.upstream ?? false) &&
      next.heldFin.downstream === (current.heldFin?.downstream ?? false);
    if (settled) this.record.countInSettings({ conversation: next });
    else this.record.update({ conversation: next });
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

/** Names the client in a failure's sentence (`TLS handshake with 127.0.0.1:53122 failed: …`). */
function clientContext(remote: { address: string; port: number } | undefined): { host?: string; port?: number } {
  return remote ? { host: remote.address, port: remote.port } : {};
}
