import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectClient, freePort, startChild, startServer, stopPeers } from '../engine/test-support/peers';
import { attachOwners, formatIpv6, listLinuxPorts, parseProcNet, type ProcessInfo } from './linux';
import type { RawPortRow, SocketKind } from './rows';

const fixture = (name: string): string => readFileSync(resolve(__dirname, 'fixtures', name), 'utf8');

describe('parseProcNet on recorded /proc/net files (x86-64)', () => {
  it('reads IPv4 TCP: listeners, connections in every state, and TIME_WAIT without an inode', () => {
    const rows = parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', 'IPv4', true);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({
      protocol: 'tcp',
      local: { address: '127.0.0.1', port: 5432, family: 'IPv4' },
      remote: undefined,
      state: 'LISTEN',
      inode: 24417,
    });
    expect(rows[2].local).toEqual({ address: '127.0.0.53', port: 53, family: 'IPv4' });
    expect(rows[5]).toMatchObject({
      local: { address: '192.168.1.23', port: 41822 },
      remote: { address: '140.82.121.4', port: 443 },
      state: 'ESTABLISHED',
      inode: 912345,
    });
    expect(rows[9]).toMatchObject({ state: 'TIME_WAIT', inode: 0, remote: { address: '127.0.0.1', port: 48770 } });
    expect(rows.map((row) => row.state).slice(9)).toEqual(['TIME_WAIT', 'CLOSE_WAIT', 'SYN_SENT']);
  });

  it('reads IPv6 TCP, including IPv4-mapped peers of dual-stack sockets, as Node writes addresses', () => {
    const rows = parseProcNet(fixture('linux-proc-net-tcp6.txt'), 'tcp', 'IPv6', true);
    expect(rows.map((row) => row.local.address)).toEqual([
      '::',
      '::1',
      '::1',
      '::ffff:127.0.0.1',
      '2a01:4f8:c17:1a2b::1',
      'fe80::1c2d:3e4f:5a6b:7c8d',
    ]);
    expect(rows[3].remote).toEqual({ address: '::ffff:127.0.0.1', port: 51234, family: 'IPv6' });
    expect(rows[4].remote).toEqual({ address: '2001:db8:85a3::8a2e:370:7334', port: 60112, family: 'IPv6' });
    expect(rows.every((row) => row.local.family === 'IPv6')).toBe(true);
  });

  it('reads UDP: unconnected sockets are BOUND, a connected one has its peer', () => {
    const rows = parseProcNet(fixture('linux-proc-net-udp.txt'), 'udp', 'IPv4', true);
    expect(rows.map((row) => `${row.local.address}:${row.local.port} ${row.state}`)).toEqual([
      '127.0.0.53:53 BOUND',
      '0.0.0.0:5353 BOUND',
      '127.0.0.1:323 BOUND',
      '192.168.1.23:68 CONNECTED',
      '0.0.0.0:41641 BOUND',
    ]);
    expect(rows[3].remote).toEqual({ address: '192.168.1.1', port: 67, family: 'IPv4' });
    const v6 = parseProcNet(fixture('linux-proc-net-udp6.txt'), 'udp', 'IPv6', true);
    expect(v6.map((row) => [row.local.address, row.local.port, row.state])).toEqual([
      ['::', 5353, 'BOUND'],
      ['::1', 323, 'BOUND'],
    ]);
  });

  it('reads addresses in big-endian order on a big-endian machine', () => {
    const text = 'header\n   0: 7F000001:1F90 C0A80101:0050 01 00000000:00000000 00:00000000 00000000  0 0 77 1\n';
    const [row] = parseProcNet(text, 'tcp', 'IPv4', false);
    expect(row.local).toEqual({ address: '127.0.0.1', port: 8080, family: 'IPv4' });
    expect(row.remote).toEqual({ address: '192.168.1.1', port: 80, family: 'IPv4' });
  });

  it('leaves out the rows a selector refuses, and reads the rest as it would have', () => {
    const all = parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', 'IPv4', true);
    const established = parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', 'IPv4', true, (socket) => socket.state === 'ESTABLISHED');
    expect(established.length).toBeGreaterThan(0);
    expect(established.length).toBeLessThan(all.length);
    expect(established).toEqual(all.filter((row) => row.state === 'ESTABLISHED'));
  });

  it('skips lines it cannot read instead of inventing sockets', () => {
    const text = 'header\n   0: nonsense\n   1: 0100007F:ZZZZ 00000000:0000 0A 0 0 0 0 0 1\n\n';
    expect(parseProcNet(text, 'tcp', 'IPv4', true)).toEqual([]);
  });
});

describe('formatIpv6', () => {
  const bytesOf = (groups: number[]): number[] => groups.flatMap((g) => [g >> 8, g & 0xff]);
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'],
    [[0x2001, 0, 0, 1, 0, 0, 0, 1], '2001:0:0:1::1'],
  ])('%j → %s', (groups, text) => {
    expect(formatIpv6(bytesOf(groups))).toBe(text);
  });
});

describe('attachOwners', () => {
  const sockets = parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', 'IPv4', true);
  const postgres: ProcessInfo = { pid: 812, name: 'postgres', command: '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main' };

  it('names the owner of every socket it found, and says which owners were kept from this user', () => {
    // What SocketOwners says when some process would not show its files: sshd's socket is root's.
    const rows = attachOwners(sockets, { owners: new Map([[24417, postgres]]), hidden: new Set([sockets[1].inode]) });
    expect(rows[0]).toMatchObject({ pid: 812, process: 'postgres', command: postgres.command });
    expect(rows[0]).not.toHaveProperty('inode');
    expect(rows[1]).toMatchObject({ processHidden: true });
    expect(rows[1].pid).toBeUndefined();
    // TIME_WAIT has no owner at all; nothing is hidden there.
    expect(rows[9].processHidden).toBeUndefined();
  });

  it('does not call anything hidden when every process could be read', () => {
    const rows = attachOwners(sockets, { owners: new Map(), hidden: new Set() });
    expect(rows.some((row: RawPortRow) => row.processHidden)).toBe(false);
  });
});

describe('listLinuxPorts on this machine', () => {
  afterEach(stopPeers);

  const find = (rows: readonly RawPortRow[], protocol: string, address: string, port: number): RawPortRow | undefined =>
    rows.find((row) => row.protocol === protocol && row.local.address === address && row.local.port === port && row.remote === undefined);

  it.runIf(process.platform === 'linux')(
    'finds python3 http.server on 127.0.0.1 and ::1, socat UDP receivers, and a connection with its owner',
    async () => {
      const [httpPort, http6Port, udpPort, udp6Port] = await Promise.all([freePort(), freePort('::1'), freePort(), freePort('::1')]);
      const servers = await Promise.all([
        startChild('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', String(httpPort)], /Serving HTTP/),
        startChild('python3', ['-u', '-m', 'http.server', '--bind', '::1', String(http6Port)], /Serving HTTP/),
      ]);
      const receivers = await Promise.all([
        startChild('socat', ['-d', '-d', '-u', `UDP-RECV:${udpPort},bind=127.0.0.1`, 'STDOUT'], /listening|starting data transfer/),
        startChild('socat', ['-d', '-d', '-u', `UDP6-RECV:${udp6Port},bind=[::1]`, 'STDOUT'], /listening|starting data transfer/),
      ]);
      const client = await connectClient(httpPort);

      const rows = await vi.waitFor(
        async () => {
          const { rows } = await listLinuxPorts();
          expect(find(rows, 'udp', '::1', udp6Port)).toBeDefined();
          return rows;
        },
        { timeout: 5000, interval: 50 },
      );

      const http = find(rows, 'tcp', '127.0.0.1', httpPort);
      expect(http).toMatchObject({ state: 'LISTEN', pid: servers[0].child.pid, local: { family: 'IPv4' } });
      expect(http?.process).toMatch(/^python3/);
      expect(http?.command).toContain('http.server');
      expect(find(rows, 'tcp', '::1', http6Port)).toMatchObject({ state: 'LISTEN', pid: servers[1].child.pid, local: { family: 'IPv6' } });
      expect(find(rows, 'udp', '127.0.0.1', udpPort)).toMatchObject({ state: 'BOUND', pid: receivers[0].child.pid, process: 'socat' });
      expect(find(rows, 'udp', '::1', udp6Port)).toMatchObject({ state: 'BOUND', pid: receivers[1].child.pid, process: 'socat' });

      const ours = rows.find((row) => row.local.port === client.localPort && row.remote?.port === httpPort);
      expect(ours).toMatchObject({ protocol: 'tcp', state: 'ESTABLISHED', pid: process.pid, remote: { address: '127.0.0.1' } });
    },
  );
});

describe('listLinuxPorts with a request', () => {
  afterEach(stopPeers);

  it.runIf(process.platform === 'linux')(
    'returns the selected rows lowest local port first up to the limit, counts every socket, and says how many it left out',
    async () => {
      const { port } = await startServer(() => undefined);
      const clients = await Promise.all([connectClient(port), connectClient(port), connectClient(port)]);
      // By both ports: on a busy machine another address may use the listener's port number too.
      const pairs = new Set([`${port} -`, ...clients.flatMap((client) => [`${client.localPort} ${port}`, `${port} ${client.localPort}`])]);
      const ours = (socket: SocketKind): boolean => socket.protocol === 'tcp' && pairs.has(`${socket.localPort} ${socket.remotePort ?? '-'}`);
      const whole = await vi.waitFor(
        async () => {
          const listing = await listLinuxPorts('/proc', { select: ours });
          // The listener and both ends of each connection.
          expect(listing.rows).toHaveLength(7);
          return listing;
        },
        { timeout: 5000, interval: 50 },
      );
      const cut = await listLinuxPorts('/proc', { select: ours, limit: 2 });
      const order = (rows: readonly RawPortRow[]): string[] =>
        rows
          .map((row) => `${row.local.port} ${row.remote?.port ?? '-'}`)
          .sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]) || a.localeCompare(b));
      expect(cut.rows.map((row) => `${row.local.port} ${row.remote?.port ?? '-'}`)).toEqual(order(whole.rows).slice(0, 2));
      expect(cut.leftOut).toBe(5);
      expect(cut.rows.every((row) => row.pid === process.pid)).toBe(true);
      // Counted whatever was selected: every socket of the machine, ours among them.
      expect(cut.counts?.all).toBeGreaterThanOrEqual(7);
      expect(cut.counts?.listening).toBeGreaterThanOrEqual(1);
      expect(cut.listeningPorts?.tcp).toContain(port);
    },
  );
});
