/**
 * A UDP proxy: one listening UDP socket; each client address gets its own session (udp-session.ts)
 * with a socket of its own connected to the upstream, so replies find their way back to the right
 * client. Bounded: past `maxSessions` open sessions, datagrams from new clients are dropped and
 * counted. Toxics, hold and the conversation list are the TCP proxy's (proxy.ts).
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram';
import { UdpSessionOptions, type ProxySettings, type Toxic } from '@shared/proxy';
import { resolveHost } from '../engine/endpoint';
import type { Engine } from '../engine/engine';
import { toEngineError } from '../engine/errors';
import { Proxy } from './proxy';
import type { Stage, StageContext } from './toxics';
import { UdpSession } from './udp-session';
import { createUdpStage } from './udp-toxics';

type Settings = Omit<ProxySettings, 'toxics'>;

export class UdpProxy extends Proxy {
  private socket: DgramSocket | undefined;
  /** Open sessions by client address. */
  private readonly sessions = new Map<string, UdpSession>();

  constructor(
    engine: Engine,
    settings: Settings,
    udp: { idleTimeoutMs?: number; maxSessions?: number } | undefined,
    onRemoved: (proxy: Proxy) => void,
  ) {
    super(engine, { ...settings, protocol: 'udp', udp: { ...UdpSessionOptions.parse(udp ?? {}), dropped: 0 } }, onRemoved);
  }

  override async start(): Promise<void> {
    if (!this.settings.enabled || this.socket) return;
    const { host, port } = this.settings.listen;
    const context = { host, port, operation: 'bind' } as const;
    let socket: DgramSocket;
    try {
      const { address, family } = await resolveHost(host);
      socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4' });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (err) => {
          socket.close();
          reject(err);
        });
        socket.bind({ address, port, exclusive: true }, () => resolve());
      });
    } catch (err) {
      throw toEngineError(err, context);
    }
    socket.removeAllListeners('error');
    const bound = socket.address();
    const local = await this.refuseLoop(bound, () => socket.close(), 'every datagram would come back to it');
    // A dgram 'error' after binding does not close the socket: said, and it keeps listening.
    socket.on('error', (err) => this.record.fail({ code: 'ERROR', message: err.message }, { announce: true, keepState: true }));
    socket.on('message', (bytes: Buffer, from: RemoteInfo) => this.datagram(bytes, from));
    this.socket = socket;
    this.nowListening(local, bound.port, 'Listening for UDP');
  }

  override async stop(reason: string): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    for (const session of [...this.sessions.values()]) session.end(reason === 'Removed' ? 'The proxy was removed' : `The proxy stopped: ${reason}`);
    if (!socket) return;
    socket.close();
    this.record.update({ state: 'closed' });
    this.record.event('closed', reason);
  }

  override async destroy(): Promise<void> {
    for (const session of [...this.sessions.values()]) session.destroy();
    this.socket?.close();
    this.socket = undefined;
  }

  protected override stageFor(toxic: Toxic, context: StageContext): Stage {
    return createUdpStage(toxic, context);
  }

  private datagram(bytes: Buffer, from: RemoteInfo): void {
    const key = `${from.address}|${from.port}`;
    const session = this.sessions.get(key) ?? this.open(key, from);
    session?.fromClient(bytes);
  }

  private open(key: string, from: RemoteInfo): UdpSession | undefined {
    const { udp } = this.settings;
    const listening = this.socket;
    if (!udp || !listening) return undefined;
    if (this.sessions.size >= udp.maxSessions) {
      this.settings = { ...this.settings, udp: { ...udp, dropped: udp.dropped + 1 } };
      // The same words each time: the log counts repeats within a second as one line.
      this.record.event('info', `${udp.maxSessions} sessions open (the limit): datagrams from new clients are dropped`);
      this.publishSoon();
      return undefined;
    }
    let session: UdpSession | undefined;
    try {
      this.engine.adopt('proxy-conversation', { state: 'connecting', parentId: this.id }, (record) => {
        session = new UdpSession(record, {
          client: { address: from.address, port: from.port },
          listening,
          upstream: this.settings.upstream,
          idleTimeoutMs: udp.idleTimeoutMs,
          hold: this.settings.hold,
          onEnded: (ended) => {
            if (this.sessions.get(key) === ended) this.sessions.delete(key);
          },
          onRemoved: (removed) => this.conversations.delete(removed.record.id),
        });
        return session;
      });
    } catch {
      return undefined;
    }
    if (!session) return undefined;
    this.sessions.set(key, session);
    this.admit(session);
    return session;
  }
}
