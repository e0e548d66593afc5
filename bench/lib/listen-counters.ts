/**
 * The kernel's counters of connections a listener turned away (TcpExt in /proc/net/netstat):
 * system-wide, so other processes' listeners count too; read right around one run. A full accept
 * queue drops the client's handshake-completing ACK (ListenOverflows) and that client waits for a
 * retransmission, a second or more: a few hundred of them decide a 19,000-connection round.
 */
import { kernelCounters } from './kernel-counters';

const NAMES = ['ListenOverflows', 'ListenDrops', 'TCPReqQFullDrop', 'SyncookiesSent'] as const;
export type ListenCounters = Record<(typeof NAMES)[number], number>;

export function listenCounters(): ListenCounters {
  const get = kernelCounters('/proc/net/netstat', 'TcpExt');
  return Object.fromEntries(NAMES.map((name) => [name, get(name)])) as ListenCounters;
}

/** What changed between two readings, e.g. "overflows 312, drops 312, SYN-queue drops 0, syncookies 0". */
export function listenCountersSince(before: ListenCounters, after: ListenCounters = listenCounters()): string {
  const d = (name: keyof ListenCounters): number => after[name] - before[name];
  return `overflows ${d('ListenOverflows')}, drops ${d('ListenDrops')}, SYN-queue drops ${d('TCPReqQFullDrop')}, syncookies ${d('SyncookiesSent')}`;
}
