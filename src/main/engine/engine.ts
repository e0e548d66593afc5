/**
 * The socket engine: owns every socket, gives each an id, and reports every change as an
 * EngineEvent. Pure Node (net, dgram, dns) so the app, the browser host and the CLI share it.
 */
import type {
  EngineEvent,
  LogHead,
  Output,
  ParsedInput,
  SocketInfo,
  SocketKind,
  SocketState,
  Target,
} from '../../shared/contract';
import { formatEndpoint } from '../../shared/endpoint';
import { EngineError } from './errors';
import { now, resolveLogLimits, type LogLimits } from './log';
import { type EngineListener, SocketRecord } from './socket-record';
import { TcpConnection } from './tcp-client';
import { TcpListener } from './tcp-listener';
import { UdpSocket } from './udp-socket';

export { EngineError } from './errors';
export type { LogLimits } from './log';
export type { EngineListener } from './socket-record';

export interface EngineOptions {
  log?: Partial<LogLimits>;
}



type Entry =
  | { kind: 'tcp'; record: SocketRecord; connection: TcpConnection }
  | { kind: 'listener'; record: SocketRecord; listener: TcpListener; connectionIds: Set<string> }
  | { kind: 'udp'; record: SocketRecord; udp: UdpSocket };

const ID_PREFIX: Record<SocketKind, string> = {
  'tcp-client': 'tcp',
  'tcp-listener': 'lst',
  'tcp-connection': 'con',
  udp: 'udp',
};

export class Engine {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<EngineListener>();
  private readonly limits: LogLimits;
  private nextId = 1;
  private disposed = false;

  constructor(options: EngineOptions = {}) {
    this.limits = resolveLogLimits(options.log);
  }

  /** Every change as an EngineEvent; returns the function that unsubscribes. */
  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
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
    });
    const connection = TcpConnection.client(record);
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
    const record = this.createRecord('tcp-listener', { state: 'closed' });
    const connectionIds = new Set<string>();
    const listener = new TcpListener(record, (socket) => {
      const connection = this.createRecord('tcp-connection', { state: 'open', parentId: record.id });
      this.entries.set(connection.id, {
        kind: 'tcp',
        record: connection,
        connection: TcpConnection.accepted(connection, socket),
      });
      connectionIds.add(connection.id);
      connection.announce();
      return connection.id;
    });
    await listener.listen(input);
    if (this.disposed) {
      listener.stop();
      this.assertRunning();
    }
    this.entries.set(record.id, { kind: 'listener', record, listener, connectionIds });
    record.announce();
    return record.info;
  }

  async bindUdp(input: ParsedInput<'udp.bind'>): Promise<SocketInfo> {
    this.assertRunning();
    const record = this.createRecord('udp', { state: 'closed' });
    const udp = await UdpSocket.bind(record, input);
    if (this.disposed) {
      await udp.close();
      this.assertRunning();
    }
    this.entries.set(record.id, { kind: 'udp', record, udp });
    record.announce();
    return record.info;
  }

  async send(input: ParsedInput<'socket.send'>): Promise<Output<'socket.send'>> {
    const entry = this.get(input.id);
    const bytes = input.data.byteLength;
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

  /** TCP: graceful close (FIN); listener: stop listening, keep connections; UDP: unbind. */
  async close(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry.kind === 'tcp') return entry.connection.close();
    if (entry.kind === 'udp') return entry.udp.close();
    entry.listener.stop();
  }

  async halfClose(id: string): Promise<void> {
    await this.getTcp(id, 'Half-close').halfClose();
  }

  async reset(id: string): Promise<void> {
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
    } else {
      await entry.udp.close();
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

  readLog(id: string, fromSeq: number, count: number): Output<'log.read'> {
    const { log } = this.get(id).record;
    return { head: log.headInfo(), entries: log.read(fromSeq, count) };
  }

  clearLog(id: string): LogHead {
    return this.get(id).record.clearLog();
  }

  info(id: string): SocketInfo {
    return this.get(id).record.info;
  }

  /** Destroys every socket at once, without the graceful waits (tests, app quit). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    const entries = [...this.entries.values()];
    await Promise.all(
      entries.map((entry) => {
        if (entry.kind === 'tcp') return entry.connection.destroy();
        if (entry.kind === 'udp') return entry.udp.destroy();
        entry.listener.stop();
        return undefined;
      }),
    );
    this.entries.clear();
  }

  private async sendToAll(
    listener: SocketRecord,
    connectionIds: Set<string>,
    data: Uint8Array,
  ): Promise<Output<'socket.send'>> {
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
    listener.event(
      'info',
      `Sent ${data.byteLength} bytes to ${recipients} of ${open.length} connection${open.length === 1 ? '' : 's'}`,
    );
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
    const id = `${ID_PREFIX[kind]}-${this.nextId++}`;
    const info: SocketInfo = {
      id,
      kind,
      bytesIn: 0,
      bytesOut: 0,
      messagesIn: 0,
      messagesOut: 0,
      queuedBytes: 0,
      createdAt: now(),
      ...fields,
    };
    return new SocketRecord(info, this.limits, (event) => this.emit(event));
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    if (entry.record.retire()) this.emit({ type: 'socket.removed', id });
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
      entry.kind === 'listener' ? `${id} is a listener (pick one of its connections)` : `${id} is a UDP socket`;
    throw new EngineError('UNSUPPORTED', `${action} applies to TCP connections only; ${what}`);
  }

  private assertRunning(): void {
    if (this.disposed) throw new EngineError('DISPOSED', 'The engine has been shut down');
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A broken subscriber must not break the socket that produced the event, nor the other
        // subscribers; there is nobody else to tell, so it goes to the process's error output.
        console.error('Sockscope engine: an event listener threw', err);
      }
    }
  }
}
