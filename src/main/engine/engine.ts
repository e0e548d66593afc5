/**
 * The socket engine: owns every socket, gives each an id, and reports every change as an
 * EngineEvent. Pure Node (net, dgram, dns) so the app, the browser host and the CLI share it.
 */
import type {
  Endpoint,
  EngineEvent,
  LogHead,
  Output,
  ParsedInput,
  RepeatStatus,
  SocketInfo,
  SocketKind,
  SocketState,
  Target,
} from '@shared/contract';
import type { AutoReplyState } from '@shared/auto-reply';
import { formatEndpoint } from '@shared/endpoint';
import { clientTlsSettings, listenerTlsSettings } from '@shared/tls';
import { AutoReplies } from './auto-reply';
import type { AnnouncementSink } from './announcements';
import { ClosedConnections } from './closed-connections';
import { EngineError } from './errors';
import { DescriptorLimitWatcher } from './descriptor-limit';
import { KernelDropWatcher } from './kernel-drops';
import { now, resolveLogLimits, type LogLimits, type PeekedEntry, type SocketLog } from './log';
import { searchLog } from './log-search';
import { RunningTotalNotice } from './notice-coalescer';
import { RepeatSender } from './repeat';
import { macroContextOf, macroSender } from '../scenario/macro-contexts';
import type { MacroContext } from '@shared/macros';
import { type EngineListener, type RecordHub, SocketRecord } from './socket-record';
import { type EntryTap, EntryTaps } from './entry-taps';
import { TcpConnection } from './tcp-client';
import { TcpListener } from './tcp-listener';
import { prepareTlsListener } from './tls';
import { UdpSocket } from './udp-socket';
import type { ExternalSocket } from './external';

export { EngineError } from './errors';
export type { LogLimits } from './log';
export type { EngineListener } from './socket-record';
export type { EntryTap } from './entry-taps';
export type { ExternalSocket } from './external';

export interface EngineOptions {
  log?: Partial<LogLimits>;
  /** How many closed accepted connections are kept before the oldest is forgotten (closed-connections.ts). */
  maxClosedConnections?: number;
}

type Entry =
  | { kind: 'tcp'; record: SocketRecord; connection: TcpConnection }
  | { kind: 'listener'; record: SocketRecord; listener: TcpListener; connectionIds: Set<string>; forgotten: RunningTotalNotice }
  | { kind: 'udp'; record: SocketRecord; udp: UdpSocket }
  | { kind: 'imported'; record: SocketRecord }
  | { kind: 'external'; record: SocketRecord; socket: ExternalSocket };

/** A new socket's counters. */
const NO_TRAFFIC = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, queuedBytes: 0 } as const;

const ID_PREFIX: Record<SocketKind, string> = {
  'tcp-client': 'tcp',
  'tcp-listener': 'lst',
  'tcp-connection': 'con',
  udp: 'udp',
  imported: 'imp',
  proxy: 'prx',
  'proxy-conversation': 'cnv',
};

/** What a listener takes: the kinds of event (all when undefined), and of socket for upserts (all when undefined). */
interface Takes {
  types: ReadonlySet<EngineEvent['type']> | undefined;
  socketKinds: ReadonlySet<SocketKind> | undefined;
}

/**
 * What a listener that follows which sockets exist and their settings takes (Engine.subscribe):
 * not their counters nor log heads, built then for nobody.
 */
export const SOCKETS_ONLY: readonly EngineEvent['type'][] = ['socket.upsert', 'socket.removed'];

const toldAdded = (sink: AnnouncementSink, record: SocketRecord): void => {
  if (sink.added) return sink.added(record);
  sink.changed(record, 'upsert');
  sink.headChanged(record);
};
const toldChanged = (sink: AnnouncementSink, record: SocketRecord, kind: 'upsert' | 'stats'): void => sink.changed(record, kind);
const toldHead = (sink: AnnouncementSink, record: SocketRecord): void => sink.headChanged(record);

export class Engine {
  private readonly entries = new Map<string, Entry>();
  /** Each with what it takes (see subscribe). */
  private readonly listeners = new Map<EngineListener, Takes>();
  private readonly sinks = new Set<AnnouncementSink>();
  /**
   * Whether a listener takes each kind of socket event: only then is one built as it happens.
   * Upserts by the socket's kind: most listeners follow a few kinds, and an upsert built for each
   * accepted connection (a copy of its info) was made for nobody.
   */
  private readonly eager: { upsert: ReadonlySet<SocketKind> | 'all' | undefined; stats: boolean; head: boolean } = {
    upsert: undefined,
    stats: false,
    head: false,
  };
  private readonly taps = new EntryTaps();
  private readonly limits: LogLimits;
  private readonly repeats = new RepeatSender();
  private readonly kernelDrops = new KernelDropWatcher();
  private readonly descriptors = new DescriptorLimitWatcher();
  private readonly autoReplies = new AutoReplies((id, data, peer) =>
    this.send({ id, data, target: peer && { host: peer.address, port: peer.port } }),
  );
  private readonly closedConnections: ClosedConnections;
  private nextId = 1;
  private disposed = false;
  // One function each for every record (not a closure per socket: 19,000 connections hold them).
  private readonly hub: RecordHub = {
    emit: (event) => this.emit(event),
    added: (record) => {
      this.mark(toldAdded, record, undefined);
      this.tellEagerly(record, 'upsert');
      this.tellEagerly(record, 'head');
    },
    changed: (record, kind) => {
      this.mark(toldChanged, record, kind);
      this.tellEagerly(record, kind);
    },
    headChanged: (record) => {
      this.mark(toldHead, record, undefined);
      this.tellEagerly(record, 'head');
    },
    markGeneration: 0,
  };
  /** Counts the changes to who takes marks (see RecordHub.markGeneration). */
  private sinkChanges = 0;
  private readonly connectionClosed = (id: string): void => this.closedConnections.closed(id);

  constructor(options: EngineOptions = {}) {
    this.limits = resolveLogLimits(options.log);
    this.closedConnections = new ClosedConnections((id) => this.forgetClosed(id), options.maxClosedConnections);
  }

  /**
   * Every change as an EngineEvent, as it happens, or only those of the kinds in `only` (the
   * others are then not built for it), and socket.upsert only for sockets of the kinds in
   * `socketKinds`; returns the function that unsubscribes.
   */
  subscribe(listener: EngineListener, only?: readonly EngineEvent['type'][], socketKinds?: readonly SocketKind[]): () => void {
    this.listeners.set(listener, { types: only && new Set(only), socketKinds: socketKinds && new Set(socketKinds) });
    this.countEager();
    return () => {
      this.listeners.delete(listener);
      this.countEager();
    };
  }

  /**
   * Every change as marks (AnnouncementSink): what a batch of events is made of, built when it
   * goes out rather than on each change (the batcher); returns the function that unsubscribes.
   */
  announceTo(sink: AnnouncementSink): () => void {
    this.sinks.add(sink);
    this.sinksChanged();
    return () => {
      this.sinks.delete(sink);
      this.sinksChanged();
    };
  }

  /** Every log entry of every socket as it is logged (see EntryTap); returns the function that removes the tap. */
  tap(tap: EntryTap): () => void {
    return this.taps.add(tap);
  }

  snapshot(): { sockets: SocketInfo[]; logs: LogHead[] } {
    const records = [...this.entries.values()].map((entry) => entry.record);
    return { sockets: records.map((r) => r.info), logs: records.map((r) => r.log.headInfo()) };
  }

  async connectTcp(input: ParsedInput<'tcp.connect'>): Promise<SocketInfo> {
    this.assertRunning();
    const record = this.createRecord('tcp-client', {
      state: 'connecting',
      requested: { host: input.host, port: input.port },
      // Marked TLS from the start: the handshake's summary fills it in once done.
      ...(input.tls && { tls: {}, tlsSettings: clientTlsSettings(input.tls) }),
      ...(input.keepHalfOpen && { keepHalfOpen: true }),
    });
    const connection = TcpConnection.client(record, { plain: !input.tls });
    this.entries.set(record.id, { kind: 'tcp', record, connection });
    // Shown while connecting: a slow connect is something the user should see happening.
    record.announce();
    try {
      await connection.connect(input);
    } catch (err) {
      this.forget(record.id);
      throw err;
    }
    return record.info;
  }

  async listenTcp(input: ParsedInput<'tcp.listen'>): Promise<SocketInfo> {
    this.assertRunning();
    // Made or checked before listening: a certificate that cannot be used leaves no listener behind.
    const tls = input.tls && (await prepareTlsListener(input.tls));
    const halfOpen = input.keepHalfOpen ? { keepHalfOpen: true } : {};
    const record = this.createRecord('tcp-listener', {
      state: 'closed',
      ...halfOpen,
      ...(tls && input.tls && { tls: { localCertificate: tls.certificate }, tlsSettings: listenerTlsSettings(input.tls) }),
    });
    const connectionIds = new Set<string>();
    const listener = new TcpListener(
      record,
      (socket, local, acceptedAt) => {
        const addresses = TcpConnection.addressesOf(socket, local);
        const connection = this.acceptedRecord(record.id, addresses, input.keepHalfOpen === true, acceptedAt);
        this.entries.set(connection.id, {
          kind: 'tcp',
          record: connection,
          connection: TcpConnection.accepted(connection, socket, acceptedAt, tls),
        });
        connectionIds.add(connection.id);
        connection.afterClose = this.connectionClosed;
        this.autoReplies.attach(connection, record.id);
        connection.announce();
        return connection;
      },
      { plain: !tls, descriptors: this.descriptors },
    );
    await listener.listen(input);
    if (tls) record.event('info', tls.description);
    if (this.disposed) {
      listener.destroy();
      this.assertRunning();
    }
    const forgotten = new RunningTotalNotice((total) =>
      record.event(
        'info',
        `${total.toLocaleString('en-US')} closed connection${total === 1 ? '' : 's'} forgotten: only the newest closed ones are kept`,
      ),
    );
    this.entries.set(record.id, { kind: 'listener', record, listener, connectionIds, forgotten });
    record.announce();
    return record.info;
  }

  async bindUdp(input: ParsedInput<'udp.bind'>): Promise<SocketInfo> {
    this.assertRunning();
    const record = this.createRecord('udp', { state: 'closed' });
    const udp = await UdpSocket.bind(record, input, this.kernelDrops);
    if (input.broadcast) udp.setOptions({ broadcast: true });
    if (this.disposed) {
      await udp.close();
      this.assertRunning();
    }
    this.entries.set(record.id, { kind: 'udp', record, udp });
    this.autoReplies.attach(record, record.id);
    record.announce();
    return record.info;
  }

  async send(input: ParsedInput<'socket.send'>): Promise<Output<'socket.send'>> {
    const entry = this.get(input.id);
    const bytes = input.data.byteLength;
    if (entry.kind === 'imported') throw new EngineError('READ_ONLY', `${input.id} is an imported log; it cannot send`);
    if (entry.kind === 'external') return { bytes, recipients: await entry.socket.send(input.data) };
    if (entry.kind === 'udp') {
      await entry.udp.send(input.data, input.target);
      return { bytes, recipients: 1 };
    }
    if (input.target) {
      throw new EngineError(
        'UNSUPPORTED',
        `A target applies to UDP sockets only; ${input.id} is a TCP ${entry.kind === 'listener' ? 'listener' : 'connection'}`,
      );
    }
    if (entry.kind === 'tcp') {
      await entry.connection.send(input.data);
      return { bytes, recipients: 1 };
    }
    return this.sendToAll(entry.record, entry.connectionIds, input.data);
  }

  /** TCP connections: stop or resume reading from the peer (the CLI while stdout is full); other kinds read on. */
  setReading(id: string, reading: boolean): void {
    const entry = this.get(id);
    if (entry.kind === 'tcp') entry.connection.setReading(reading);
  }

  /** TCP: graceful close (FIN); listener: stop listening, keep connections; UDP: unbind. */
  async close(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry.kind === 'tcp') return entry.connection.close();
    if (entry.kind === 'udp') return entry.udp.close();
    if (entry.kind === 'external') return entry.socket.close();
    if (entry.kind === 'listener') entry.listener.stop();
  }

  async halfClose(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry.kind === 'external') return entry.socket.halfClose();
    await this.getTcp(id, 'Half-close').halfClose();
  }

  async reset(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry.kind === 'external') return entry.socket.reset();
    await this.getTcp(id, 'Reset').reset();
  }

  async stopListener(id: string, closeConnections: boolean): Promise<void> {
    const entry = this.get(id);
    if (entry.kind !== 'listener') {
      throw new EngineError('UNSUPPORTED', `${id} is not a listener; only listeners can be stopped`);
    }
    entry.listener.stop();
    if (closeConnections) {
      await Promise.all(this.connectionsOf(entry.connectionIds).map((connection) => connection.close()));
    }
  }

  /** Closes the socket if open, then forgets it and its log (a listener: its connections too). */
  async remove(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry.kind === 'listener') {
      entry.listener.stop();
      await Promise.all([...entry.connectionIds].filter((c) => this.entries.has(c)).map((c) => this.remove(c)));
    } else if (entry.kind === 'tcp') {
      await entry.connection.close();
    } else if (entry.kind === 'udp') {
      await entry.udp.close();
    } else if (entry.kind === 'external') {
      await entry.socket.remove();
    }
    const parentId = entry.record.info.parentId;
    const parent = parentId === undefined ? undefined : this.entries.get(parentId);
    if (parent?.kind === 'listener') parent.connectionIds.delete(id);
    this.forget(id);
  }

  setDefaultTarget(id: string, target: Target | undefined): SocketInfo {
    const entry = this.get(id);
    if (entry.kind !== 'udp') {
      throw new EngineError('UNSUPPORTED', `A default target applies to UDP sockets only; ${id} is TCP`);
    }
    const { record } = entry;
    // Rebuilt rather than patched so that clearing the target removes the key.
    const { defaultTarget: _previous, ...rest } = record.info;
    record.replace(target ? { ...rest, defaultTarget: target } : rest);
    record.event('info', target ? `Default target set to ${formatEndpoint(target)}` : 'Default target cleared');
    return record.info;
  }

  /** Sends once now (its failure is this call's), then repeats in the background: see repeat.ts. */
  async startRepeat(input: ParsedInput<'send.repeat'>): Promise<Output<'send.repeat'>> {
    const entry = this.get(input.id);
    const { record } = entry;
    const once = { id: input.id, data: input.data, target: input.target };
    const evaluate = input.macros && macroSender(input.macros, macroContextOf(record));
    const { stream } = input;
    const inject = stream && entry.kind === 'external' ? entry.socket.inject?.bind(entry.socket) : undefined;
    if (stream && !inject) throw new EngineError('UNSUPPORTED', `A direction applies to a proxy conversation; ${input.id} is not one`);
    const socket = {
      id: input.id,
      send: () =>
        stream && inject ? inject(stream, evaluate ? evaluate() : input.data) : this.send(evaluate ? { ...once, data: evaluate() } : once),
      report: (repeat: RepeatStatus) => record.update({ repeat }),
      note: (message: string) => record.event('info', message),
    };
    const plan = { count: input.count, intervalMs: input.intervalMs, bytes: input.data.byteLength };
    return { jobId: await this.repeats.start(socket, plan) };
  }

  /** The socket's macro counters, shared by its repeats, auto-replies and sequences. */
  macroContext(id: string): MacroContext {
    return macroContextOf(this.get(id).record);
  }

  cancelRepeat(jobId: string): void {
    this.repeats.cancel(jobId);
  }

  searchLog(input: ParsedInput<'log.search'>): Output<'log.search'> {
    return searchLog(this.get(input.id).record.log, input);
  }

  /** How the socket's log is viewed (framing, decoder): kept on it so every window agrees. See main/framing. */
  setView(id: string, view: Required<Pick<SocketInfo, 'framing' | 'decoder'>>): SocketInfo {
    const { record } = this.get(id);
    record.update(view);
    return record.info;
  }

  /** Broadcast, TTLs, multicast options and memberships of a UDP socket (udp-options.ts). */
  setUdpOptions({ id, ...options }: ParsedInput<'udp.setOptions'>): SocketInfo {
    this.getUdp(id, 'Socket options').setOptions(options);
    return this.info(id);
  }

  changeMembership(change: 'join' | 'leave', input: ParsedInput<'udp.joinGroup'>): SocketInfo {
    const udp = this.getUdp(input.id, 'Multicast');
    if (change === 'join') udp.joinGroup(input.group, input.interface);
    else udp.leaveGroup(input.group, input.interface);
    return this.info(input.id);
  }

  readLog(id: string, fromSeq: number, count: number): Output<'log.read'> {
    const { log } = this.get(id).record;
    return { head: log.headInfo(), entries: log.read(fromSeq, count) };
  }

  /** Entry `seq` without a copy of its bytes, for a scan (see SocketLog.peek). */
  peekLog(id: string, seq: number): PeekedEntry | undefined {
    return this.get(id).record.log.peek(seq);
  }

  /** Payload bytes each way that the log no longer holds, and holds now (O(1): running totals). */
  logBytes(id: string): { dropped: { in: number; out: number }; held: { in: number; out: number } } {
    const { log } = this.get(id).record;
    return { dropped: log.droppedBytes(), held: log.heldBytes() };
  }

  clearLog(id: string): LogHead {
    return this.get(id).record.clearLog();
  }

  info(id: string): SocketInfo {
    return this.get(id).record.info;
  }

  /** Listener: answers on every connection it accepts; UDP socket: answers each datagram's sender. */
  setAutoReply(input: ParsedInput<'autoReply.set'>): AutoReplyState {
    const { kind, record } = this.get(input.id);
    if (kind !== 'listener' && kind !== 'udp') {
      throw new EngineError('UNSUPPORTED', `Auto-replies are set on a listener or a UDP socket; ${input.id} is neither`);
    }
    return this.autoReplies.set(record, input);
  }

  /** A read-only socket holding a log read back from a file (see export/import-jsonl.ts). */
  importLog(fields: Partial<SocketInfo>, fill: (log: SocketLog) => void): SocketInfo {
    const imported = this.beginImport(fields);
    fill(imported.log);
    return imported.commit();
  }

  /**
   * An imported socket filled as its file arrives: its log's bounds and the process-wide budget
   * apply while it is read. Shown only on `commit`; `discard` forgets it (the file was refused).
   */
  beginImport(fields: Partial<SocketInfo>): { log: SocketLog; commit(): SocketInfo; discard(): void } {
    this.assertRunning();
    const record = this.createRecord('imported', { ...fields, state: 'closed' });
    return {
      log: record.log,
      commit: () => {
        this.entries.set(record.id, { kind: 'imported', record });
        record.announce();
        return record.info;
      },
      discard: () => record.dispose(),
    };
  }

  /**
   * A socket driven outside the engine (src/main/proxy): the engine gives it an id, keeps its
   * record and log like any other, and routes the socket commands to it.
   */
  adopt(kind: SocketKind, fields: Partial<SocketInfo> & { state: SocketState }, make: (record: SocketRecord) => ExternalSocket): SocketRecord {
    this.assertRunning();
    const record = this.createRecord(kind, fields);
    this.entries.set(record.id, { kind: 'external', record, socket: make(record) });
    return record;
  }

  /** Forgets an adopted socket once its owner has closed it. */
  release(id: string): void {
    this.forget(id);
  }

  /** Destroys every socket at once, without the graceful waits (tests, app quit). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    this.sinks.clear();
    this.countEager();
    this.autoReplies.dispose();
    this.repeats.dispose();
    this.kernelDrops.stop();
    this.descriptors.stop();
    const entries = [...this.entries.values()];
    await Promise.all(
      entries.map((entry) => {
        if (entry.kind === 'tcp') return entry.connection.destroy();
        if (entry.kind === 'udp') return entry.udp.destroy();
        if (entry.kind === 'listener') entry.listener.destroy();
        if (entry.kind === 'external') return entry.socket.destroy();
        return undefined;
      }),
    );
    // Their memory goes back to the process-wide log budget (another engine may share it: tests).
    for (const entry of entries) entry.record.dispose();
    this.entries.clear();
  }

  private async sendToAll(listener: SocketRecord, connectionIds: Set<string>, data: Uint8Array): Promise<Output<'socket.send'>> {
    const open = this.connectionsOf(connectionIds).filter((connection) => connection.canSend);
    if (open.length === 0) {
      throw new EngineError('NO_RECIPIENTS', `${listener.id} has no open connections to send to`);
    }
    const results = await Promise.allSettled(open.map((connection) => connection.send(data)));
    const recipients = results.filter((r) => r.status === 'fulfilled').length;
    if (recipients === 0) {
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      throw failure?.reason instanceof EngineError ? failure.reason : new EngineError('ERROR', 'Sending failed');
    }
    listener.event('info', `Sent ${data.byteLength} bytes to ${recipients} of ${open.length} connection${open.length === 1 ? '' : 's'}`);
    return { bytes: data.byteLength, recipients };
  }

  private connectionsOf(ids: Set<string>): TcpConnection[] {
    const connections: TcpConnection[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry?.kind === 'tcp') connections.push(entry.connection);
    }
    return connections;
  }

  private createRecord(kind: SocketKind, fields: Partial<SocketInfo> & { state: SocketState }): SocketRecord {
    const info: SocketInfo = { id: this.newId(kind), kind, ...NO_TRAFFIC, createdAt: now(), ...fields };
    return new SocketRecord(info, this.limits, this.hub, this.taps);
  }

  /**
   * An accepted connection's record, its info one literal of every key it will have: a listener
   * makes thousands a second, and keys spread or added into an object afterwards were a generic
   * copy on each and a second block of properties held by each.
   */
  private acceptedRecord(
    parentId: string,
    { local, remote }: { local: Endpoint | undefined; remote: Endpoint | undefined },
    keepHalfOpen: boolean,
    createdAt: number,
  ): SocketRecord {
    const id = this.newId('tcp-connection');
    const info: SocketInfo = {
      id,
      kind: 'tcp-connection',
      bytesIn: 0,
      bytesOut: 0,
      messagesIn: 0,
      messagesOut: 0,
      queuedBytes: 0,
      createdAt,
      state: 'open',
      parentId,
      local,
      remote,
    };
    // Added only on the few listeners that keep connections half-open.
    if (keepHalfOpen) info.keepHalfOpen = true;
    return new SocketRecord(info, this.limits, this.hub, this.taps);
  }

  private newId(kind: SocketKind): string {
    return `${ID_PREFIX[kind]}-${this.nextId++}`;
  }

  /** A closed accepted connection past the cap: removed, and counted on its listener. */
  private forgetClosed(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const parent = this.entries.get(entry.record.info.parentId ?? '');
    if (parent?.kind === 'listener') {
      parent.connectionIds.delete(id);
      parent.forgotten.add(1);
    }
    this.forget(id);
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const retired = entry.record.retire();
    // Told while the log can still be read: a sink may read what it had not read yet (a sequence
    // following a connection that closed and was removed in the same turn).
    if (retired) {
      for (const sink of this.sinks) {
        try {
          sink.removed(entry.record);
        } catch (err) {
          threw(err);
        }
      }
    }
    this.entries.delete(id);
    this.closedConnections.removed(id);
    if (entry.kind === 'listener') entry.forgotten.stop();
    this.autoReplies.forget(id);
    this.repeats.forget(id);
    if (retired) this.tell({ type: 'socket.removed', id });
    entry.record.dispose();
  }

  private get(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('NOT_FOUND', `No socket with id ${id}`);
    return entry;
  }

  private getTcp(id: string, action: string): TcpConnection {
    const entry = this.get(id);
    if (entry.kind === 'tcp') return entry.connection;
    const what =
      entry.kind === 'listener'
        ? `${id} is a listener (pick one of its connections)`
        : entry.kind === 'udp'
          ? `${id} is a UDP socket`
          : entry.kind === 'external'
            ? `${id} is a ${entry.record.info.kind}`
            : `${id} is an imported log`;
    throw new EngineError('UNSUPPORTED', `${action} applies to TCP connections only; ${what}`);
  }

  private getUdp(id: string, action: string): UdpSocket {
    const entry = this.get(id);
    if (entry.kind !== 'udp') throw new EngineError('UNSUPPORTED', `${action} applies to UDP sockets only; ${id} is not one`);
    return entry.udp;
  }

  private assertRunning(): void {
    if (this.disposed) throw new EngineError('DISPOSED', 'The engine has been shut down');
  }

  private emit(event: EngineEvent): void {
    for (const sink of this.sinks) {
      try {
        sink.event(event);
      } catch (err) {
        threw(err);
      }
    }
    this.tell(event);
  }

  /** To the listeners that take `event`'s kind. */
  private tell(event: EngineEvent): void {
    for (const [listener, { types, socketKinds }] of this.listeners) {
      if (types !== undefined && !types.has(event.type)) continue;
      if (socketKinds !== undefined && event.type === 'socket.upsert' && !socketKinds.has(event.socket.kind)) continue;
      try {
        listener(event);
      } catch (err) {
        threw(err);
      }
    }
  }

  private countEager(): void {
    const takes = (type: EngineEvent['type']): Takes[] => [...this.listeners.values()].filter(({ types }) => types === undefined || types.has(type));
    const upserts = takes('socket.upsert');
    this.eager.upsert = upserts.some(({ socketKinds }) => socketKinds === undefined)
      ? 'all'
      : upserts.length === 0
        ? undefined
        : new Set(upserts.flatMap(({ socketKinds }) => [...(socketKinds ?? [])]));
    this.eager.stats = takes('socket.stats').length > 0;
    this.eager.head = takes('log.head').length > 0;
    this.sinksChanged();
  }

  /**
   * Tells every sink of a change to `record`; one sink's failure does not keep it from the others.
   * `tell` takes its arguments rather than closing over them: a mark comes with every read.
   */
  private mark<K>(tell: (sink: AnnouncementSink, record: SocketRecord, kind: K) => void, record: SocketRecord, kind: K): void {
    for (const sink of this.sinks) {
      try {
        tell(sink, record, kind);
      } catch (err) {
        threw(err);
      }
    }
  }

  /** A change told as it happens to the listeners that take its kind (subscribe), built for them only. */
  private tellEagerly(record: SocketRecord, kind: 'upsert' | 'stats' | 'head'): void {
    if (kind === 'upsert') {
      if (this.takesUpsert(record.kind)) this.tell({ type: 'socket.upsert', socket: record.info });
      return;
    }
    if (kind === 'stats' ? !this.eager.stats : !this.eager.head) return;
    this.tell(kind === 'stats' ? { type: 'socket.stats', stats: record.stats() } : { type: 'log.head', head: record.head() });
    // Built as it happened: the next change must be marked again to be told too.
    record.built();
  }

  private takesUpsert(kind: SocketKind): boolean {
    const { upsert } = this.eager;
    return upsert !== undefined && (upsert === 'all' || upsert.has(kind));
  }

  /**
   * A new generation of marks: a record marked before must mark again (a new sink or listener
   * holds none of its marks; a removed one will never build them).
   */
  private sinksChanged(): void {
    this.hub.markGeneration = ++this.sinkChanges;
  }
}

/**
 * A broken subscriber must not break the socket that produced the event, nor the other
 * subscribers; there is nobody else to tell, so it goes to the process's error output.
 */
function threw(err: unknown): void {
  console.error('Sockscope engine: an event listener threw', err);
}
