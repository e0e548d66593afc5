import { describe, expect, it } from 'vitest';
import type { Endpoint, PortRow } from './contract';
import { connectTarget, listeningPortsOf, matchesPortFilter, portRowKey, udpBindHost } from './ports';

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' });
const v6 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv6' });
const none = { tcp: [], udp: [] };
const row = (fields: Partial<PortRow> & Pick<PortRow, 'local' | 'state'>): PortRow => ({ protocol: 'tcp', own: false, ...fields });

describe('connectTarget', () => {
  it('reaches a wildcard listener on loopback of its family, and a specific one where it is', () => {
    expect(connectTarget(row({ local: v4('0.0.0.0', 8000), state: 'LISTEN' }), none)).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(connectTarget(row({ local: v6('::', 8000), state: 'LISTEN' }), none)).toEqual({ host: '::1', port: 8000 });
    expect(connectTarget(row({ local: v4('192.168.1.23', 22), state: 'LISTEN' }), none)).toEqual({ host: '192.168.1.23', port: 22 });
    expect(connectTarget(row({ protocol: 'udp', local: v6('::1', 5353), state: 'BOUND' }), none)).toEqual({ host: '::1', port: 5353 });
  });

  it('goes to the serving end of a connection: the local end when this machine listens on it, else the peer', () => {
    const listener = row({ local: v4('127.0.0.1', 5432), state: 'LISTEN' });
    const serverSide = row({ local: v4('127.0.0.1', 5432), remote: v4('127.0.0.1', 39114), state: 'ESTABLISHED' });
    const clientSide = row({ local: v4('127.0.0.1', 39114), remote: v4('127.0.0.1', 5432), state: 'ESTABLISHED' });
    const rows = [listener, serverSide, clientSide];
    expect(connectTarget(serverSide, listeningPortsOf(rows))).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(connectTarget(clientSide, listeningPortsOf(rows))).toEqual({ host: '127.0.0.1', port: 5432 });
    // A UDP listener on that port does not make a TCP connection's local end a server.
    expect(connectTarget(serverSide, listeningPortsOf([row({ protocol: 'udp', local: v4('0.0.0.0', 5432), state: 'BOUND' }), serverSide]))).toEqual({
      host: '127.0.0.1',
      port: 39114,
    });
  });

  it('has nowhere to go for port 0', () => {
    expect(connectTarget(row({ protocol: 'udp', local: v4('0.0.0.0', 0), state: 'BOUND' }), none)).toBeUndefined();
  });
});

describe('matchesPortFilter', () => {
  const redis = row({ local: v4('127.0.0.1', 6379), state: 'LISTEN', pid: 900, process: 'redis-server' });
  const client = row({ local: v4('127.0.0.1', 50000), remote: v4('127.0.0.1', 6379), state: 'ESTABLISHED', pid: 77, process: 'node' });
  const mdns = row({ protocol: 'udp', local: v4('0.0.0.0', 5353), state: 'BOUND' });

  it('holds when every given filter holds', () => {
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, {}))).toHaveLength(3);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { listening: true }))).toEqual([redis, mdns]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { port: 6379 }))).toEqual([redis, client]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { port: 6379, listening: true }))).toEqual([redis]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { protocol: 'udp' }))).toEqual([mdns]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { state: 'ESTABLISHED' }))).toEqual([client]);
    // false is the other half: the Connections view's rows.
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { listening: false }))).toEqual([client]);
    // Local ports only: the remote 6379 of the client does not count.
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { localPorts: [6379, 5353] }))).toEqual([redis, mdns]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { localPorts: [50000], state: 'ESTABLISHED' }))).toEqual([client]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { localPorts: [] }))).toEqual([]);
  });

  it('applies the filter box’s words, as the Ports view does', () => {
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { query: 'redis 6379' }))).toEqual([redis]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { query: 'udp' }))).toEqual([mdns]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { query: '  ' }))).toHaveLength(3);
  });

  it('matches a process by part of its name in any case, or by pid', () => {
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { process: 'REDIS' }))).toEqual([redis]);
    expect([redis, client, mdns].filter((r) => matchesPortFilter(r, { process: '77' }))).toEqual([client]);
  });
});

describe('portRowKey', () => {
  it('tells apart the two ends of one connection and listeners of two processes on one port', () => {
    const a = row({ local: v4('127.0.0.1', 1), remote: v4('127.0.0.1', 2), state: 'ESTABLISHED' });
    const b = row({ local: v4('127.0.0.1', 2), remote: v4('127.0.0.1', 1), state: 'ESTABLISHED' });
    const c = row({ local: v4('0.0.0.0', 80), state: 'LISTEN', pid: 1 });
    const d = row({ local: v4('0.0.0.0', 80), state: 'LISTEN', pid: 2 });
    expect(new Set([a, b, c, d].map(portRowKey)).size).toBe(4);
  });
});

describe('udpBindHost', () => {
  it('binds loopback for a loopback target and the wildcard of the family otherwise', () => {
    expect(udpBindHost({ host: '127.0.0.53', port: 53 })).toBe('127.0.0.1');
    expect(udpBindHost({ host: '::1', port: 5353 })).toBe('::1');
    expect(udpBindHost({ host: '192.168.1.23', port: 5353 })).toBe('0.0.0.0');
    expect(udpBindHost({ host: 'fe80::1%en0', port: 546 })).toBe('::');
  });
});
