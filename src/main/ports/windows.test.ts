import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNetstat, parseTasklist, withProcessNames } from './windows';

const fixture = (name: string): string => readFileSync(resolve(__dirname, 'fixtures', name), 'utf8');

describe('parseNetstat on recorded `netstat -ano` output (Windows 11)', () => {
  const rows = parseNetstat(fixture('windows-netstat-ano.txt').replaceAll('\n', '\r\n'));

  it('reads every TCP and UDP line and nothing else', () => {
    expect(rows).toHaveLength(27);
    expect(rows[0]).toEqual({
      protocol: 'tcp',
      local: { address: '0.0.0.0', port: 135, family: 'IPv4' },
      remote: undefined,
      state: 'LISTEN',
      pid: 1052,
    });
  });

  it('reads connections and their states', () => {
    expect(rows.find((row) => row.local.port === 49710)).toMatchObject({
      state: 'ESTABLISHED',
      remote: { address: '140.82.112.26', port: 443 },
      pid: 11236,
    });
    expect(rows.find((row) => row.local.port === 49722)?.state).toBe('CLOSE_WAIT');
    expect(rows.find((row) => row.local.port === 49730)?.state).toBe('SYN_SENT');
  });

  it('leaves out the pid of a socket nobody holds (TIME_WAIT shows pid 0)', () => {
    const timeWait = rows.find((row) => row.state === 'TIME_WAIT');
    expect(timeWait).toMatchObject({ local: { port: 50200 }, remote: { port: 6379 } });
    expect(timeWait?.pid).toBeUndefined();
  });

  it('reads IPv6, with zones, and UDP without a peer (*:*) as BOUND', () => {
    expect(rows.find((row) => row.local.address === '::1' && row.local.port === 5432)).toMatchObject({ state: 'LISTEN', local: { family: 'IPv6' } });
    expect(rows.find((row) => row.local.address === '::' && row.local.port === 135)?.remote).toBeUndefined();
    expect(rows.find((row) => row.local.port === 49800)).toMatchObject({
      local: { address: 'fe80::5d2a:1b3c:9f1e:8a7b%14' },
      remote: { address: 'fe80::1%14', port: 445 },
    });
    const udp = rows.filter((row) => row.protocol === 'udp');
    expect(udp).toHaveLength(9);
    expect(udp.find((row) => row.local.port === 546)).toMatchObject({ state: 'BOUND', local: { family: 'IPv6' }, pid: 1396 });
    expect(udp.find((row) => row.local.port === 61203)).toMatchObject({ state: 'CONNECTED', remote: { port: 61203 } });
  });

  it('reads translated state names by the socket’s shape: no peer is listening, the rest is UNKNOWN', () => {
    const german = parseNetstat(fixture('windows-netstat-ano-de.txt'));
    expect(german.map((row) => row.state)).toEqual(['LISTEN', 'LISTEN', 'UNKNOWN', 'UNKNOWN', 'LISTEN', 'BOUND']);
  });
});

describe('parseTasklist and withProcessNames', () => {
  const names = parseTasklist(fixture('windows-tasklist.csv'));

  it('maps pids to image names, quotes and all', () => {
    expect(names.get(5168)).toBe('postgres.exe');
    expect(names.get(4)).toBe('System');
    expect(names.get(12000)).toBe('Program "Quoted".exe');
  });

  it('names the owner of every row whose pid tasklist knows', () => {
    const rows = withProcessNames(parseNetstat(fixture('windows-netstat-ano.txt')), names);
    expect(rows.find((row) => row.local.port === 6379)?.process).toBe('redis-server.exe');
    expect(rows.find((row) => row.local.port === 50112)).toMatchObject({ pid: 9984, process: 'psql.exe' });
    expect(rows.filter((row) => row.pid !== undefined && row.process === undefined)).toEqual([]);
  });
});
