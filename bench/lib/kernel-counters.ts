/**
 * One group of the kernel's system-wide counters from a /proc/net table (snmp, netstat): a line of
 * names after `prefix`, then a line of values. Other processes' traffic counts too: read them
 * right around one run.
 */
import { readFileSync } from 'node:fs';

export function kernelCounters(file: '/proc/net/snmp' | '/proc/net/netstat', prefix: string): (name: string) => number {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${prefix}:`));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return (name) => values[names.indexOf(name)] ?? NaN;
}
