/** The kernel's UDP counters from /proc/net/snmp (system-wide, so read right around one run). */
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
