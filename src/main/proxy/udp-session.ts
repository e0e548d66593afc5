/**
 * One client address of a UDP proxy: its own UDP socket connected to the upstream, one record and
 * one log (client → server as `out`, server → client as `in`, as TCP conversations). Replies from
 * the upstream go back to this client from the proxy's listening socket. It ends after
 * `idleTimeoutMs` without a datagram either way, and says so; the next datagram from the same
 * address starts a new session.
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { formatEndpoint } from '@shared/endpoint';
import type { HeldMessage, ToxicStream } from '@shared/proxy';
import { resolveHost, toEndpoint } from '../engine/endpoint';
import { describeError, EngineError, formatDuration } from '../engine/errors';
import type { SocketRecord } from '../engine/socket-record';
import { directionNote } from './drop-notes';
import { heldIn, releaseHeld, type ProxyConversation } from './proxy-conversation';
import type { Stage, StageContext } from './toxics';
import { DatagramDirection, MAX_WAITING } from './udp-direction';

export interface UdpSessionOptions {
  /** The client as the listening socket saw it (replies go to exactly this address). */
  client: { address: string; port: number };
  /** The proxy's listening socket: what the client sent to, and what answers it. */
  listening: DgramSocket;
  upstream: { host: string; port: number };
  idleTimeoutMs: number;
  hold?: { upstream: boolean; downstream: boolean };
  /** Told once the session has ended (the proxy stops routing this address to it). */
  onEnded(session: UdpSession): void;
  /** Told when the user removes it. */
  onRemoved(session: UdpSession): void;
}

export class UdpSession implements ProxyConversation {
  private readonly directions: Record<ToxicStream, DatagramDirection>;
  private upstreamSocket: DgramSocket | undefined;
  private readonly connected: Promise<boolean>;
  private upstreamReady = false;
  private ended = false;
  private lastActivity = performance.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private refusedSaid = false;
  private sidesScheduled = false;
  /**
   * The client's datagrams that came before the upstream socket was connected (the first one
   * always does): they enter the chain, and the log, once it is, so the log reads in the order
   * things happened: the session's "connected" line, then what the client sent.
   */
  private early: Uint8Array[] | undefined = [];

  constructor(
    readonly record: SocketRecord,
    private readonly options: UdpSessionOptions,
  ) {
    const local = options.listening.address();
    record.update({
      local: toEndpoint(local.address, local.port, local.family),
      remote: toEndpoint(options.client.address, options.client.port),
      conversation: { protocol: 'udp', clientOpen: true, upstreamOpen: false },
    });
    this.directions = {
      upstream: this.direction('upstream', (bytes) => this.upstreamSocket?.send(bytes, () => undefined)),
      downstream: this.direction('downstream', (bytes) => {
        if (!this.ended) options.listening.send(bytes, options.client.port, options.client.address, () => undefined);
      }),
    };
    for (const stream of ['upstream', 'downstream'] as const) if (options.hold?.[stream]) this.directions[stream].setHolding(true);
    this.connected = this.connectUpstream();
    this.armIdleTimer(options.idleTimeoutMs);
  }

  get clientEndpoint(): { address: string; port: number } | undefined {
    return this.record.info.remote;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** A datagram the client sent to the proxy. */
  fromClient(bytes: Uint8Array): void {
    this.lastActivity = performance.now();
    if (!this.early) return this.directions.upstream.accept(bytes);
    if (this.early.length < MAX_WAITING) this.early.push(bytes);
    // The same words each time: the log counts repeats within a second as one line.
    else this.record.event('info', `${MAX_WAITING} datagrams already wait for the upstream socket: datagram dropped`);
  }

  stageContext(onHit: () => void): StageContext {
    // TCP's close and reset toxics are refused on UDP proxies; ending the session is the nearest.
    return { hit: onHit, close: (reason) => this.end(reason), reset: (reason) => this.end(reason) };
  }

  addStage(stream: ToxicStream, toxic: string, stage: Stage): void {
    this.directions[stream].addStage(toxic, stage);
  }

  removeStage(toxic: string, removed = false): void {
    this.directions.upstream.removeStage(toxic, removed);
    this.directions.downstream.removeStage(toxic, removed);
  }

  setHolding(stream: ToxicStream, holding: boolean): void {
    this.directions[stream].setHolding(holding);
    this.record.event('info', `${holding ? 'Holding' : 'Let go of'} ${stream === 'upstream' ? 'client → server' : 'server → client'}`);
  }

  held(): HeldMessage[] {
    return heldIn(this.directions);
  }

  release(stream: ToxicStream, heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number {
    return releaseHeld(this.directions, { id: this.record.id, unit: 'datagram' }, stream, heldId, action, edited);
  }

  async send(data: Uint8Array): Promise<number> {
    await this.inject('upstream', data);
    return 1;
  }

  /** One datagram into one direction, logged as that direction, past the toxics. */
  async inject(stream: ToxicStream, data: Uint8Array): Promise<void> {
    if (this.ended || (stream === 'upstream' && !(await this.connected))) {
      throw new EngineError('NOT_OPEN', `Cannot send ${stream === 'upstream' ? 'to the server' : 'to the client'}: ${this.record.id} has ended`);
    }
    const bytes = new Uint8Array(data);
    this.log(stream, bytes);
    this.record.event('info', `Injected a datagram of ${bytes.byteLength} bytes ${stream === 'upstream' ? 'to the server' : 'to the client'}`);
    if (stream === 'upstream') this.upstreamSocket?.send(bytes, () => undefined);
    else this.options.listening.send(bytes, this.options.client.port, this.options.client.address, () => undefined);
  }

  async cut(): Promise<void> {
    throw new EngineError('UNSUPPORTED', `UDP has no FIN or RST to send: close the session ${this.record.id} instead`);
  }

  async close(): Promise<void> {
    this.end('Closed by the user');
  }

  async halfClose(): Promise<void> {
    throw new EngineError('UNSUPPORTED', `A UDP session has no half-close: close ${this.record.id} instead`);
  }

  async reset(): Promise<void> {
    throw new EngineError('UNSUPPORTED', `A UDP session has no reset: close ${this.record.id} instead`);
  }

  async remove(): Promise<void> {
    this.end('Removed');
    this.options.onRemoved(this);
  }

  destroy(): void {
    this.end('The proxy stopped');
  }

  /** Ends the session: its upstream socket closes, held datagrams are dropped, the log says why. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.directions.upstream.stop();
    this.directions.downstream.stop();
    try {
      this.upstreamSocket?.close();
    } catch {
      // Already closed.
    }
    this.record.update({ state: 'closed', conversation: { ...this.record.info.conversation, clientOpen: false, upstreamOpen: false } });
    this.record.event('closed', reason);
    this.options.onEnded(this);
  }

  private direction(stream: ToxicStream, write: (bytes: Uint8Array) => void): DatagramDirection {
    return new DatagramDirection(stream, {
      forwarded: (bytes) => this.log(stream, bytes),
      destination:
        stream === 'upstream' ? `the server ${formatEndpoint(this.options.upstream)}` : `the client ${formatEndpoint(this.record.info.remote)}`,
      // Datagrams from the client wait in the chain until the upstream socket is connected.
      write:
        stream === 'upstream' ? (bytes) => (this.upstreamReady ? write(bytes) : this.connected.then((ok) => (ok ? write(bytes) : undefined))) : write,
      heldChanged: () => this.updateSidesSoon(),
      note: directionNote(this.record, stream),
    });
  }

  private async connectUpstream(): Promise<boolean> {
    const { host, port } = this.options.upstream;
    let socket: DgramSocket;
    try {
      const { address, family } = await resolveHost(host);
      if (this.ended) return false;
      socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4' });
      this.upstreamSocket = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const error = describeError(err, { host, port, operation: 'connect' });
      this.record.fail({ code: error.code, message: `Upstream: ${error.message}; the session ends` }, { announce: false });
      const waiting = this.early?.length ?? 0;
      this.early = undefined;
      if (waiting > 0) this.record.event('info', `${waiting === 1 ? '1 datagram' : `${waiting} datagrams`} from the client not forwarded`);
      this.end('Session ended: the upstream cannot be reached');
      return false;
    }
    if (this.ended) return false;
    this.upstreamReady = true;
    socket.on('message', (bytes: Buffer) => {
      this.lastActivity = performance.now();
      this.refusedSaid = false;
      this.directions.downstream.accept(bytes);
    });
    socket.on('error', (err) => this.onUpstreamError(err));
    const upstreamLocal = toEndpoint(socket.address().address, socket.address().port, socket.address().family);
    const remote = socket.remoteAddress();
    const upstreamRemote = toEndpoint(remote.address, remote.port, remote.family);
    this.record.update({
      state: 'open',
      conversation: { ...this.record.info.conversation, clientOpen: true, upstreamOpen: true, upstreamLocal, upstreamRemote },
    });
    this.record.event(
      'connected',
      `${formatEndpoint(this.record.info.remote)} → ${formatEndpoint(this.record.info.local)} → ${formatEndpoint(upstreamRemote)} (from ${formatEndpoint(upstreamLocal)}), UDP`,
    );
    const early = this.early ?? [];
    this.early = undefined;
    for (const bytes of early) this.directions.upstream.accept(bytes);
    return true;
  }

  /** ICMP errors (port unreachable…) arrive on the connected socket: said once until the upstream answers again. */
  private onUpstreamError(err: Error): void {
    if (this.refusedSaid || this.ended) return;
    this.refusedSaid = true;
    const { host, port } = this.options.upstream;
    const info = describeError(err, { host, port, operation: 'send' });
    // ECONNREFUSED on a UDP socket is the ICMP port unreachable the upstream's host sent back.
    const icmp = info.code === 'ECONNREFUSED' ? ' (ICMP port unreachable)' : '';
    this.record.event('error', `The upstream: ${info.message}${icmp}`, info.code);
  }

  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = performance.now() - this.lastActivity;
      const timeout = this.options.idleTimeoutMs;
      if (idle >= timeout) this.end(`No datagram either way for ${formatDuration(timeout)}: the session ends`);
      else this.armIdleTimer(timeout - idle);
    }, ms);
    this.idleTimer.unref();
  }

  private log(stream: ToxicStream, bytes: Uint8Array): void {
    this.lastActivity = performance.now();
    this.record.dataRelayed(stream === 'upstream' ? 'out' : 'in', bytes);
  }

  private updateSidesSoon(): void {
    if (this.sidesScheduled) return;
    this.sidesScheduled = true;
    setImmediate(() => {
      this.sidesScheduled = false;
      const { upstream, downstream } = this.directions;
      const current = this.record.info.conversation ?? { clientOpen: !this.ended, upstreamOpen: false };
      this.record.update({
        conversation: {
          ...current,
          holding: { upstream: upstream.isHolding, downstream: downstream.isHolding },
          held: { upstream: upstream.heldCount, downstream: downstream.heldCount },
        },
      });
    });
  }
}
