import { describe, expect, it } from 'vitest';
import type { Endpoint, PortRow } from '@shared/contract';
import { matchesPortQuery as matchesQuery } from '@shared/ports';
import { PORTS_ROW_LIMIT, portsFilter, showCounts, visiblePortRows } from './portsTable';

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' });
const python: PortRow = {
  protocol: 'tcp',
  local: v4('127.0.0.1', 8000),
  state: 'LISTEN',
  pid: 4242,
  process: 'python3',
  command: 'python3 -m http.server 8000',
  service: 'http-alt',
  own: false,
};
const browser: PortRow = {
  protocol: 'tcp',
  local: v4('127.0.0.1', 50000),
  remote: v4('127.0.0.1', 8000),
  state: 'ESTABLISHED',
  pid: 77,
  process: 'chromium',
  own: false,
};
const timeWait: PortRow = { protocol: 'tcp', local: v4('127.0.0.1', 50001), remote: v4('127.0.0.1', 8080), state: 'TIME_WAIT', own: false };
const mdns: PortRow = {
  protocol: 'udp',
  local: { address: '::', port: 5353, family: 'IPv6' },
  state: 'BOUND',
  processHidden: true,
  service: 'mdns',
  own: false,
};
const ours: PortRow = { protocol: 'tcp', local: v4('127.0.0.1', 40000), state: 'LISTEN', pid: 1, process: 'node', own: true, socketId: 'lst-1' };
const rows = [timeWait, mdns, browser, python, ours];

describe('matchesQuery', () => {
  it('matches a number exactly against local port, remote port or pid', () => {
    expect(rows.filter((row) => matchesQuery(row, '8000'))).toEqual([browser, python]);
    expect(rows.filter((row) => matchesQuery(row, ':8080'))).toEqual([timeWait]);
    expect(rows.filter((row) => matchesQuery(row, '80'))).toEqual([]);
    expect(rows.filter((row) => matchesQuery(row, '4242'))).toEqual([python]);
  });

  it('matches words in any case in process, command, state, address, service; all words must match', () => {
    expect(rows.filter((row) => matchesQuery(row, 'PYTHON'))).toEqual([python]);
    expect(rows.filter((row) => matchesQuery(row, 'http.server'))).toEqual([python]);
    expect(rows.filter((row) => matchesQuery(row, 'time_wait'))).toEqual([timeWait]);
    expect(rows.filter((row) => matchesQuery(row, '[::]'))).toEqual([mdns]);
    expect(rows.filter((row) => matchesQuery(row, 'udp mdns'))).toEqual([mdns]);
    expect(rows.filter((row) => matchesQuery(row, 'udp python'))).toEqual([]);
    expect(rows.filter((row) => matchesQuery(row, 'sockscope'))).toEqual([ours]);
    expect(rows.filter((row) => matchesQuery(row, '  '))).toHaveLength(5);
  });
});

describe('visiblePortRows', () => {
  const byPort = { column: 'local', descending: false } as const;
  const ports = (list: PortRow[]): number[] => list.map((row) => row.local.port);

  it('shows listening sockets, connections, or all', () => {
    expect(ports(visiblePortRows(rows, 'listening', '', byPort))).toEqual([5353, 8000, 40000]);
    expect(ports(visiblePortRows(rows, 'connections', '', byPort))).toEqual([50000, 50001]);
    expect(showCounts({ listening: 3, all: 5 })).toEqual({ listening: 3, connections: 2, all: 5 });
  });

  it('asks the host for what the view shows, at most a screenful of thousands', () => {
    expect(portsFilter('listening', '')).toEqual({ listening: true, query: undefined, limit: PORTS_ROW_LIMIT });
    expect(portsFilter('connections', ' redis  ')).toEqual({ listening: false, query: 'redis', limit: PORTS_ROW_LIMIT });
    expect(portsFilter('all', 'x'.repeat(300)).query).toHaveLength(200);
    expect(portsFilter('all', '').listening).toBeUndefined();
  });

  it('sorts by any column either way, missing values last, ties by port', () => {
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'local', descending: true }))).toEqual([50001, 50000, 40000, 8000, 5353]);
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'state', descending: false }))).toEqual([8000, 40000, 5353, 50000, 50001]);
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'pid', descending: false }))).toEqual([40000, 50000, 8000, 5353, 50001]);
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'pid', descending: true }))).toEqual([8000, 50000, 40000, 5353, 50001]);
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'process', descending: false }))).toEqual([50000, 40000, 8000, 5353, 50001]);
    expect(ports(visiblePortRows(rows, 'all', '', { column: 'remote', descending: false }))).toEqual([50000, 50001, 5353, 8000, 40000]);
  });
});
