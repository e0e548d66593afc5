import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, stopPeers } from '../engine/test-support/peers';
import { listMacosPorts, parseLsof } from './macos';

const fixture = readFileSync(resolve(__dirname, 'fixtures', 'macos-lsof-F.txt'), 'utf8');

describe('parseLsof on recorded macOS `lsof -nP -iTCP -iUDP -F…` output', () => {
  const rows = parseLsof(fixture);
  const at = (port: number, family = 'IPv4') => rows.filter((row) => row.local.port === port && row.local.family === family);

  it('reads wildcard listeners of both families with their process', () => {
    expect(at(22)).toEqual([
      { protocol: 'tcp', local: { address: '0.0.0.0', port: 22, family: 'IPv4' }, remote: undefined, state: 'LISTEN', pid: 1, process: 'launchd' },
    ]);
    expect(at(22, 'IPv6')[0]).toMatchObject({ local: { address: '::' }, state: 'LISTEN', pid: 1 });
    expect(at(5432, 'IPv6')[0]).toMatchObject({ local: { address: '::1' }, process: 'postgres', pid: 801 });
  });

  it('keeps process names with spaces whole', () => {
    expect(rows.filter((row) => row.pid === 2210).map((row) => row.process)).toEqual(['Google Chrome Helper', 'Google Chrome Helper']);
  });

  it('reads connections, their state and peer, in either family', () => {
    expect(rows.find((row) => row.pid === 2210 && row.protocol === 'tcp')).toMatchObject({
      local: { address: '192.168.1.23', port: 52344 },
      remote: { address: '142.250.185.78', port: 443, family: 'IPv4' },
      state: 'ESTABLISHED',
    });
    expect(rows.find((row) => row.pid === 3377)).toMatchObject({ local: { address: '::1', port: 52880 }, remote: { address: '::1', port: 3000 } });
    expect(rows.find((row) => row.pid === 4088 && row.protocol === 'tcp')?.state).toBe('CLOSE_WAIT');
    expect(rows.find((row) => row.local.port === 53100)?.state).toBe('SYN_SENT');
    expect(rows.find((row) => row.local.port === 8080 && row.local.family === 'IPv6')?.local.address).toBe('fe80::1c2d:3e4f:5a6b:7c8d%en0');
  });

  it('calls UDP sockets BOUND, or CONNECTED with their peer, and skips one not yet bound (*:*)', () => {
    expect(at(5353).map((row) => row.state)).toEqual(['BOUND']);
    expect(rows.find((row) => row.local.port === 61034)).toMatchObject({ protocol: 'udp', state: 'CONNECTED', remote: { port: 443 } });
    expect(rows.filter((row) => row.pid === 2210)).toHaveLength(2);
  });

  it('lists a socket shared by forked processes once, under the lowest pid', () => {
    expect(at(8080)).toEqual([expect.objectContaining({ pid: 1450, process: 'nginx' })]);
    // 26 files: nginx’s shared listener counts once, Chrome’s unbound UDP socket (*:*) not at all.
    expect(rows).toHaveLength(24);
  });
});

const hasLsof = ((): boolean => {
  try {
    execFileSync('lsof', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // `lsof -v` exits 1 after printing its version; only a missing binary has no status.
    return typeof (error as { status?: unknown }).status === 'number';
  }
})();

describe('listMacosPorts through a real lsof', () => {
  afterEach(stopPeers);

  // Linux's lsof prints the same -F fields as macOS's, so the runner and parser are tested live here.
  it.runIf(hasLsof)('finds a listener this test opens, with this process as its owner', async () => {
    const { port } = await startServer(() => undefined);
    const listing = await listMacosPorts();
    expect(listing.source).toBe('lsof');
    // Found by owner too: the port number is free only on 127.0.0.1, and another process's socket on
    // another address (127.134.88.3, a connection of another test) may have the same.
    expect(listing.rows.find((row) => row.local.port === port && row.protocol === 'tcp' && row.pid === process.pid)).toMatchObject({
      local: { address: '127.0.0.1', family: 'IPv4' },
      state: 'LISTEN',
      pid: process.pid,
    });
    expect(listing.note === undefined).toBe(process.getuid?.() === 0);
  });
});
