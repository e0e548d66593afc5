/**
 * A TCP listener. It only listens and accepts: each accepted socket is handed to the engine,
 * which gives it an id and drives it as a TcpConnection with its own log.
 */
import { Server, type AddressInfo, type Socket } from 'node:net';
import type { Endpoint, ParsedInput } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { SocketRecord } from './socket-record';
import { toEndpoint } from './endpoint';
import { describeError, toEngineError, type ErrorContext } from './errors';
import type { DescriptorLimitWatcher, DescriptorUse } from './descriptor-limit';
import { acceptIntoShared, adoptAccepted } from './read-buffer';
import { now, type LazyNotice } from './log';
import { deferNodeAccepts, type DeferredAccepts, type WaitingAccepts } from './accept-queue';

/**
 * Takes an accepted socket and returns the record it was given. `local` is the connection's own
 * address when the listener's says it (not a wildcard one): no need to ask the system for each.
 */
export type AcceptConnection = (socket: Socket, local: Endpoint | undefined, acceptedAt: number) => SocketRecord;

/** Addresses a listener may be bound to that say nothing of where each connection arrived. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Used when the user gives no backlog. Node's own default (511) overflows when a burst of clients
 * connects faster than a listener that logs every connection accepts them, and each dropped SYN
 * costs its client a one-second retry. The kernel caps it at net.core.somaxconn (4096 by default).
 */
export const DEFAULT_LISTEN_BACKLOG = 4096;

/** "Accepted 10.0.0.2:50312 as con-7", about the connection, said when read. */
export const ACCEPTED_AS: LazyNotice = {
  event: 'accepted',
  text: (connection) => `Accepted ${formatEndpoint(connection.remote)} as ${connection.id}`,
};

/** Accepted connections log the peer's FIN before ending their side. */
const ALLOW_HALF_OPEN = true;

export class TcpListener {
  private readonly server: Server;
  private context: ErrorContext = {};
  private readonly descriptors: DescriptorLimitWatcher;
  private unwatchDescriptors: (() => void) | undefined;
  /** Connections accepted and not yet made into sockets (accept-queue.ts). */
  private waiting: WaitingAccepts | undefined;
  /** TLS connections, which Node makes (and announces as 'connection') from the queue. */
  private deferred: DeferredAccepts | undefined;
  /** Every connection's local address, when the listener's own address is a specific one. */
  private connectionLocal: Endpoint | undefined;
  private readonly plain: boolean;
  private readonly note = (message: string): void => this.record.event('info', message);

  constructor(
    private readonly record: SocketRecord,
    private readonly accept: AcceptConnection,
    /** Plain TCP connections read into the shared buffer (read-buffer.ts); TLS ones cannot. */
    { plain, descriptors }: { plain: boolean; descriptors: DescriptorLimitWatcher },
  ) {
    this.descriptors = descriptors;
    this.plain = plain;
    // 'connection' serves TLS connections, made by Node from the accept queue once listening
    // (deferNodeAccepts), and plain ones only on a Node where acceptIntoShared cannot take them.
    this.server = new Server({ allowHalfOpen: ALLOW_HALF_OPEN, noDelay: true, pauseOnConnect: plain }, (accepted) => {
      const acceptedAt = this.deferred?.acceptedAt ?? now();
      this.accepted(plain ? adoptAccepted(accepted, { allowHalfOpen: ALLOW_HALF_OPEN }, this.note) : accepted, acceptedAt);
    });
  }

  private accepted(socket: Socket, acceptedAt: number): void {
    const connection = this.accept(socket, this.connectionLocal, acceptedAt);
    // The id and the peer only (its address was read from the system once, and is shared): the
    // listener's log outlives a forgotten connection, and should not keep its whole info alive.
    const { id, remote } = connection.subject;
    this.record.lazyNotice(ACCEPTED_AS, { id, remote }, acceptedAt);
  }

  get listening(): boolean {
    return this.record.state === 'listening';
  }

  /** Resolves once listening; the record's `local` then has the real port. */
  async listen(input: ParsedInput<'tcp.listen'>): Promise<void> {
    const { host, port, backlog } = input;
    this.context = { host, port, operation: 'listen' };
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(toEngineError(err, this.context));
      this.server.once('error', onError);
      this.server.listen({ host, port, backlog: backlog ?? DEFAULT_LISTEN_BACKLOG }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.server.on('error', (err) => this.onError(err));
    const address = this.server.address() as AddressInfo;
    const local = toEndpoint(address.address, address.port, address.family);
    this.context = { host: address.address, port: address.port, operation: 'listen' };
    this.connectionLocal = WILDCARDS.has(address.address) ? undefined : local;
    // Nagle is turned off at a connection's first send (TcpConnection), not on every accept.
    if (this.plain) {
      this.waiting = acceptIntoShared(
        this.server,
        { allowHalfOpen: ALLOW_HALF_OPEN, noDelay: false },
        (socket, acceptedAt) => this.accepted(socket, acceptedAt),
        this.note,
      );
    } else this.waiting = this.deferred = deferNodeAccepts(this.server, this.note);
    this.record.update({ state: 'listening', local });
    this.record.event('listening', `Listening on ${formatEndpoint(local)}`);
    this.unwatchDescriptors = this.descriptors.watch({ onChange: (full, use) => this.onDescriptorLimit(full, use) });
  }

  /** Stops accepting; connections already accepted stay open (the engine closes them if asked). */
  stop(): void {
    if (!this.listening) return;
    // Accepted, not yet made into sockets: their clients are connected, so they are made now.
    this.waiting?.flush();
    // The close callback would wait for every accepted connection to end, so it is not awaited:
    // the listening socket itself is released synchronously.
    this.server.close();
    this.unwatchDescriptors?.();
    this.record.update({ state: 'closed' });
    this.record.event('closed', 'Stopped listening');
  }

  /** Stops at once (the engine is going away): connections accepted but not yet made are closed unseen. */
  destroy(): void {
    this.waiting?.discard();
    this.stop();
  }

  /** Connections are turned away unseen while the process has no descriptor left (descriptor-limit.ts). */
  private onDescriptorLimit(full: boolean, use: DescriptorUse): void {
    if (full) {
      const message =
        `All ${use.limit.toLocaleString('en-US')} file descriptors this process may open are in use: new connections are ` +
        'closed by the system as soon as they arrive. Close some connections, or raise the limit (ulimit -n)';
      this.record.fail({ code: 'EMFILE', message }, { announce: true, keepState: true });
    } else {
      this.record.update({ error: undefined });
      this.record.event('info', 'File descriptors are free again: new connections are accepted');
    }
  }

  private onError(err: Error): void {
    // Accept failures (EMFILE, …) leave the server listening: report them, keep the state.
    const info = describeError(err, this.context);
    this.record.fail(info, { announce: true, keepState: this.server.listening });
  }
}
