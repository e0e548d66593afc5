/**
 * The kernel's UDP counters: system-wide from /proc/net/snmp (other processes' traffic counts too,
 * so read right around one run), and per socket from /proc/net/udp.
 */
import { readFileSync } from 'node:fs';

export interface UdpCounters {
  inDatagrams: number;
  rcvbufErrors: number;
}

export function udpCounters(): UdpCounters {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  const get = (name: string): number => values[names.indexOf(name)] ?? NaN;
  return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

/** Datagrams the kernel dropped for the IPv4 UDP socket bound to `port` (the `drops` column), if there is one. */
export function socketDrops(port: number): number | undefined {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hex)) return Number(fields[fields.length - 1]);
  }
  return undefined;
}
