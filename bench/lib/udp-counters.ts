/**
 * The kernel's UDP counters: system-wide from /proc/net/snmp (other processes' traffic counts too,
 * so read right around one run), and per socket from /proc/net/udp.
 */
import { readFileSync } from 'node:fs';
import { kernelCounters } from './kernel-counters';
import { parseUdpTable, procSocketAddress } from '../../src/main/engine/kernel-drops';

export interface UdpCounters {
  inDatagrams: number;
  rcvbufErrors: number;
}

export function udpCounters(): UdpCounters {
  const get = kernelCounters('/proc/net/snmp', 'Udp');
  return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

/** Datagrams the kernel dropped for the UDP socket bound to 127.0.0.1:`port` (the `drops` column), if there is one. */
export function socketDrops(port: number): number | undefined {
  return parseUdpTable(readFileSync('/proc/net/udp', 'utf8')).get(procSocketAddress({ address: '127.0.0.1', port, family: 'IPv4' }));
}
