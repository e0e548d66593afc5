/**
 * IPv6 as users type it, through the dispatcher (so the contract's Host schema is part of it):
 * bracketed addresses, scope ids, and dual-stack sockets whose IPv4 peers show as IPv4.
 */
import { createSocket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import type { NetworkInterface } from '@shared/network';
import { type Core, createCore } from './core';
import { connectClient, startEchoServer, stopPeers } from './engine/test-support/peers';
import { waitFor } from './engine/test-support/wait-for';
import { dispatchOk } from './test-support/core';

let core: Core;

beforeEach(() => {
  core = createCore({ batch: { intervalMs: 5 } });
});

afterEach(async () => {
  await core.dispose();
  await stopPeers();
});

const run = <T>(command: string, input: unknown): Promise<T> => dispatchOk<T>(core, command, input);

describe('IPv6 addresses as people type them', () => {
  it('connects to [::1] in brackets, and to ::1%lo with a scope id', async () => {
    const { port } = await startEchoServer('::1');
    const bracketed = await run<SocketInfo>('tcp.connect', { host: '[::1]', port });
    expect(bracketed.remote).toEqual({ address: '::1', port, family: 'IPv6' });
    expect(bracketed.requested).toEqual({ host: '::1', port });
    const scoped = await run<SocketInfo>('tcp.connect', { host: '::1%lo', port });
    expect(scoped.remote).toMatchObject({ address: '::1', family: 'IPv6' });
  });

  it('refuses brackets around something that is not an IPv6 address', async () => {
    const result = await core.dispatcher.dispatch('tcp.connect', { host: '[localhost]', port: 80 });
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'host: Brackets are for IPv6 addresses, e.g. [::1]' } });
  });

  it('a dual-stack :: listener shows its IPv4 peers as IPv4', async () => {
    const listener = await run<SocketInfo>('tcp.listen', { host: '::', port: 0 });
    const client = await connectClient(listener.local?.port ?? 0, '127.0.0.1');
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id), 'the connection');
    const connection = core.engine.snapshot().sockets.find((s) => s.parentId === listener.id);
    expect(connection?.remote).toEqual({ address: '127.0.0.1', port: client.localPort, family: 'IPv4' });
    expect(connection?.local).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
  });

  it('a dual-stack :: UDP socket shows an IPv4 sender as IPv4', async () => {
    const udp = await run<SocketInfo>('udp.bind', { host: '::', port: 0 });
    const sender = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
      sender.send('v4 to dual-stack', udp.local?.port ?? 0, '127.0.0.1');
      await waitFor(() => core.engine.info(udp.id).messagesIn === 1, 'the datagram');
      const [entry] = core.engine.readLog(udp.id, 0, 100).entries.filter((e) => e.dir === 'in');
      expect(entry.dir === 'in' && entry.peer).toEqual({ address: '127.0.0.1', port: sender.address().port, family: 'IPv4' });
    } finally {
      sender.close();
    }
  });
});

describe('system.interfaces', () => {
  it('lists the loopback interface with its addresses', async () => {
    const { interfaces } = await run<{ interfaces: NetworkInterface[] }>('system.interfaces', {});
    const lo = interfaces.find((i) => i.name === 'lo');
    expect(lo?.internal).toBe(true);
    expect(lo?.addresses).toContainEqual({ address: '127.0.0.1', family: 'IPv4', cidr: '127.0.0.1/8' });
  });
});
