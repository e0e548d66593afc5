/**
 * A TCP listener. It only listens and accepts: each accepted socket is handed to the engine,
 * which gives it an id and drives it as a TcpConnection with its own log.
 */
import { Server, type AddressInfo, type Socket } from 'node:net';
import type { ParsedInput } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { SocketRecord } from './socket-record';
import { toEndpoint } from './endpoint';
import { describeError, toEngineError, type ErrorContext } from './errors';
import type { DescriptorLimitWatcher, DescriptorUse } from './descriptor-limit';
import { adoptAccepted } from './read-buffer';

/** Takes an accepted socket and returns the id it was given. */
export type AcceptConnection = (socket: Socket) => string;

/**
 * Used when the user gives no backlog. Node's own default (511) overflows when a burst of clients
 * connects faster than a listener that logs every connection accepts them, and each dropped SYN
 * costs its client a one-second retry. The kernel caps it at net.core.somaxconn (4096 by default).
 */
export const DEFAULT_LISTEN_BACKLOG = 4096;

export class TcpListener {
  private readonly server: Server;
  private context: ErrorContext = {};
  private readonly descriptors: DescriptorLimitWatcher;
  private unwatchDescriptors: (() => void) | undefined;

  constructor(
    private readonly record: SocketRecord,
    accept: AcceptConnection,
    /** Plain TCP connections read into the shared buffer (read-buffer.ts); TLS ones cannot. */
    { plain, descriptors }: { plain: boolean; descriptors: DescriptorLimitWatcher },
  ) {
    this.descriptors = descriptors;
    // allowHalfOpen: accepted connections log the peer's FIN before ending their side.
    const allowHalfOpen = true;
    this.server = new Server({ allowHalfOpen, noDelay: true, pauseOnConnect: plain }, (accepted) => {
      const socket = plain ? adoptAccepted(accepted, { allowHalfOpen }, (m) => this.record.event('info', m)) : accepted;
      const id = accept(socket);
      const remote = toEndpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
      this.record.event('accepted', `Accepted ${formatEndpoint(remote)} as ${id}`);
    });
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
    this.record.update({ state: 'listening', local });
    this.record.event('listening', `Listening on ${formatEndpoint(local)}`);
    this.unwatchDescriptors = this.descriptors.watch({ onChange: (full, use) => this.onDescriptorLimit(full, use) });
  }

  /** Stops accepting; connections already accepted stay open (the engine closes them if asked). */
  stop(): void {
    if (!this.listening) return;
    // The close callback would wait for every accepted connection to end, so it is not awaited:
    // the listening socket itself is released synchronously.
    this.server.close();
    this.unwatchDescriptors?.();
    this.record.update({ state: 'closed' });
    this.record.event('closed', 'Stopped listening');
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
