/**
 * A bound UDP socket: every datagram in is logged with its sender, every datagram out with its
 * target. udp4 or udp6 follows the address the user binds to.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Endpoint, ParsedInput, Target } from '@shared/contract';
import type { UdpOptions } from '@shared/network';
import { formatEndpoint } from '@shared/endpoint';
import type { SocketRecord } from './socket-record';
import { ipv4Mapped, resolveHost, toEndpoint, type Family } from './endpoint';
import { EngineError, describeError, toEngineError, type ErrorContext } from './errors';
import type { KernelDropWatcher } from './kernel-drops';
import { copyBytes } from './log';
import { applyUdpOptions, changeMembership, type OptionTarget } from './udp-options';
import { receiveDatagrams } from './udp-receive';

/**
 * Asked of the kernel for every UDP socket (it caps this at net.core.rmem_max). The default
 * (~208 KiB) holds only a few hundred small datagrams: a 20 ms pause in a flood would drop
 * datagrams before Sockscope ever sees them.
 */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpSocket {
  private readonly closed: Promise<void>;

  private constructor(
    private readonly record: SocketRecord,
    private readonly socket: Socket,
    private readonly family: Family,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Resolves once bound; rejects with an EngineError and leaves nothing open otherwise. */
  static async bind(record: SocketRecord, input: ParsedInput<'udp.bind'>, drops: KernelDropWatcher): Promise<UdpSocket> {
    const { host, port } = input;
    const context: ErrorContext = { host, port, operation: 'bind' };
    let family: Family;
    let address: string;
    try {
      ({ family, address } = await resolveHost(host));
    } catch (err) {
      throw toEngineError(err, context);
    }
    const socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', recvBufferSize: UDP_RECEIVE_BUFFER_BYTES });
    const udp = new UdpSocket(record, socket, family);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        // exclusive: never share the port with another process's socket behind the user's back.
        socket.bind({ address, port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      throw toEngineError(err, context);
    }
    udp.onBound(input.defaultTarget, drops);
    return udp;
  }

  get open(): boolean {
    return this.record.state === 'open';
  }

  /** Sends one datagram to `target`, or to the default target; returns where it went. */
  async send(data: Uint8Array, target: Target | undefined): Promise<Endpoint> {
    const { id, state, defaultTarget } = this.record.info;
    if (state !== 'open') throw new EngineError('NOT_OPEN', `Cannot send: ${id} is closed`);
    const destination = target ?? defaultTarget;
    if (!destination) {
      throw new EngineError('NO_TARGET', `${id} has no default target: give a host and port to send to`);
    }
    const context: ErrorContext = { host: destination.host, port: destination.port, operation: 'send', bytes: data.byteLength };
    const address = await this.resolveTarget(destination.host, context);
    const peer: Endpoint = toEndpoint(address, destination.port, this.family) ?? { address, port: destination.port, family: this.family };
    // Our own copy: the caller may reuse its buffer, and the log must show what was sent.
    const bytes = copyBytes(data);
    // Logged before the kernel sees it, so an echo can never appear above the datagram it answers.
    this.record.dataOut(bytes, peer);
    await new Promise<void>((resolve, reject) => {
      this.socket.send(bytes, destination.port, address, (err) => {
        if (!err) return resolve();
        const info = describeError(err, context);
        this.record.event('error', `Send to ${formatEndpoint(peer)} failed: ${info.message}`, info.code);
        reject(new EngineError(info.code, info.message));
      });
    });
    return peer;
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.socket.close();
    await this.closed;
  }

  /** Immediate teardown (engine dispose); UDP has nothing to flush, so the same as close. */
  destroy(): Promise<void> {
    return this.close();
  }

  private onBound(defaultTarget: Target | undefined, drops: KernelDropWatcher): void {
    const bound = this.socket.address();
    const local = toEndpoint(bound.address, bound.port, bound.family);
    // The address as bound, not as shown: an IPv4-mapped address stays in the IPv6 table.
    const asBound = { address: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4' } as const;
    const unwatch = drops.watch({ local: asBound, onDrops: (total, added) => this.kernelDropped(total, added) });
    this.record.update(defaultTarget ? { state: 'open', local, defaultTarget } : { state: 'open', local });
    this.record.event('bound', `Bound to ${formatEndpoint(local)}`);
    // A flood usually comes from one peer: its Endpoint is made once and shared by its entries.
    let lastPeer: Endpoint | undefined;
    const record = this.record;
    receiveDatagrams(
      this.socket,
      (message, sender) => {
        if (lastPeer?.port !== sender.port || lastPeer.address !== sender.address) {
          lastPeer = toEndpoint(sender.address, sender.port, sender.family);
        }
        record.dataIn(message, lastPeer);
      },
      (message) => record.event('info', message),
    );
    this.socket.on('error', (err) => {
      // A dgram 'error' after binding does not close the socket: report it, stay open.
      this.record.fail(describeError(err, { operation: 'receive' }), { announce: true, keepState: true });
    });
    this.socket.on('close', () => {
      unwatch();
      this.record.update({ state: 'closed' });
      this.record.event('closed', 'Socket closed');
    });
  }

  /** Datagrams lost before they reached us: counted on the socket, and said in the log where it happened. */
  private kernelDropped(total: number, added: number): void {
    this.record.update({ kernelDrops: total });
    const count = (n: number): string => n.toLocaleString('en-US');
    const datagrams = added === 1 ? '1 datagram' : `${count(added)} datagrams`;
    this.record.event(
      'error',
      `The kernel dropped ${datagrams} before Sockscope could read them: the socket's receive buffer was full (${count(total)} in all)`,
      'KERNEL_DROPS',
    );
  }

  /** Broadcast, TTLs and multicast settings (udp-options.ts). */
  setOptions(options: UdpOptions): void {
    applyUdpOptions(this.optionTarget(), options);
  }

  joinGroup(group: string, networkInterface: string | undefined): void {
    changeMembership(this.optionTarget(), 'join', group, networkInterface);
  }

  leaveGroup(group: string, networkInterface: string | undefined): void {
    changeMembership(this.optionTarget(), 'leave', group, networkInterface);
  }

  private optionTarget(): OptionTarget {
    if (!this.open) throw new EngineError('NOT_OPEN', `${this.record.id} is closed; bind a new UDP socket to change its options`);
    return { record: this.record, socket: this.socket, family: this.family };
  }

  /** The target's address in this socket's family (IPv4 targets of a udp6 socket are mapped). */
  private async resolveTarget(host: string, context: ErrorContext): Promise<string> {
    const literal = isIP(host);
    if (this.family === 'IPv4' && literal === 6) {
      throw new EngineError('EAFNOSUPPORT', `${this.record.id} is an IPv4 socket; it cannot send to the IPv6 address ${host}`);
    }
    if (literal !== 0) return this.family === 'IPv6' && literal === 4 ? ipv4Mapped(host) : host;
    try {
      if (this.family === 'IPv4') return (await lookup(host, { family: 4 })).address;
      const addresses = await lookup(host, { all: true });
      const v6 = addresses.find((a) => a.family === 6);
      if (v6) return v6.address;
      const v4 = addresses.find((a) => a.family === 4);
      if (v4) return ipv4Mapped(v4.address);
      throw Object.assign(new Error(`No address for ${host}`), { code: 'ENOTFOUND' });
    } catch (err) {
      throw toEngineError(err, context);
    }
  }
}
