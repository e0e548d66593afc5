/**
 * The kernel's UDP counters: system-wide from /proc/net/snmp (other processes' traffic counts too,
 * so read right around one run), and per socket from /proc/net/udp.
 */
import { readFileSync } from 'node:fs';
import { parseUdpTable, procSocketAddress } from '../../src/main/engine/kernel-drops';

export interface UdpCounters {
  inDatagrams: number;
  rcvbufErrors: number;
}

export function udpCounters(): UdpCounters {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  const get = (name: string): number => values[names.indexOf(name)] ?? NaN;
  return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

/** Datagrams the kernel dropped for the UDP socket bound to 127.0.0.1:`port` (the `drops` column), if there is one. */
export function socketDrops(port: number): number | undefined {
  return parseUdpTable(readFileSync('/proc/net/udp', 'utf8')).get(procSocketAddress({ address: '127.0.0.1', port, family: 'IPv4' }));
}
