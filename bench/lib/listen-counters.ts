/**
 * The kernel's counters of connections a listener turned away (TcpExt in /proc/net/netstat):
 * system-wide, so other processes' listeners count too; read right around one run. A full accept
 * queue drops the client's handshake-completing ACK (ListenOverflows) and that client waits for a
 * retransmission, a second or more: a few hundred of them decide a 19,000-connection round.
 */
import { readFileSync } from 'node:fs';

const NAMES = ['ListenOverflows', 'ListenDrops', 'TCPReqQFullDrop', 'SyncookiesSent'] as const;
export type ListenCounters = Record<(typeof NAMES)[number], number>;

export function listenCounters(): ListenCounters {
  const lines = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(NAMES.map((name) => [name, values[names.indexOf(name)] ?? NaN])) as ListenCounters;
}

/** What changed between two readings, e.g. "overflows 312, drops 312, SYN-queue drops 0, syncookies 0". */
export function listenCountersSince(before: ListenCounters, after: ListenCounters = listenCounters()): string {
  const d = (name: keyof ListenCounters): number => after[name] - before[name];
  return `overflows ${d('ListenOverflows')}, drops ${d('ListenDrops')}, SYN-queue drops ${d('TCPReqQFullDrop')}, syncookies ${d('SyncookiesSent')}`;
}
