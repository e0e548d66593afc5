/**
 * Datagrams the kernel dropped before Sockscope could read them.
 *
 * When a UDP socket's receive buffer is full the kernel discards what arrives and counts it; the
 * application is never told. An inspector that silently misses datagrams cannot be trusted, so on
 * Linux the engine reads each bound socket's count (the `drops` column of /proc/net/udp and udp6)
 * once a second and reports increases. Elsewhere the count is not available and nothing is shown.
 */
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import type { Endpoint } from '@shared/contract';
import { PollingSet } from './polling-set';

export const DROPS_POLL_MS = 1000;

/** How /proc/net/udp{,6} writes a local address and port: `0100007F:1F90` for 127.0.0.1:8080. */
export function procSocketAddress(endpoint: Endpoint): string {
  const port = endpoint.port.toString(16).toUpperCase().padStart(4, '0');
  return `${procAddress(endpoint.address, endpoint.family)}:${port}`;
}

/** The address as the kernel prints it: each 32-bit word in host (little-endian) byte order. */
function procAddress(address: string, family: Endpoint['family']): string {
  const bytes = family === 'IPv4' ? ipv4Bytes(address) : ipv6Bytes(address);
  let hex = '';
  for (let word = 0; word < bytes.length; word += 4) {
    for (let i = 3; i >= 0; i--) hex += bytes[word + i].toString(16).toUpperCase().padStart(2, '0');
  }
  return hex;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function ipv6Bytes(address: string): number[] {
  const unscoped = address.split('%')[0];
  const [head, tail] = unscoped.includes('::') ? unscoped.split('::') : [unscoped, undefined];
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const expand = (part: string[]): number[] =>
    part.flatMap((group) => {
      if (isIPv4(group)) return ipv4Bytes(group);
      const value = parseInt(group, 16);
      return [value >> 8, value & 0xff];
    });
  const front = expand(groups(head));
  const back = tail === undefined ? [] : expand(groups(tail));
  return [...front, ...new Array<number>(16 - front.length - back.length).fill(0), ...back];
}

/** `drops` per local address (procSocketAddress form) from the text of /proc/net/udp or udp6. */
export function parseUdpTable(text: string): Map<string, number> {
  const drops = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    drops.set(fields[1], Number(fields[fields.length - 1]));
  }
  return drops;
}

export interface DropWatch {
  /** The socket's bound address, as the kernel lists it. */
  local: Endpoint;
  /** Called with the socket's total when it has grown since the last call. */
  onDrops(total: number, added: number): void;
}

/** Polls the kernel's counts for the watched sockets while there are any. */
export class KernelDropWatcher {
  /** Each watch with the total it was last told. */
  private readonly watched: PollingSet<{ watch: DropWatch; reported: number }>;

  constructor(
    private readonly tables: string[] = process.platform === 'linux' ? ['/proc/net/udp', '/proc/net/udp6'] : [],
    intervalMs = DROPS_POLL_MS,
  ) {
    this.watched = new PollingSet(() => void this.poll(), intervalMs);
  }

  watch(watch: DropWatch): () => void {
    if (this.tables.length === 0) return () => undefined;
    return this.watched.add({ watch, reported: 0 });
  }

  stop(): void {
    this.watched.stop();
  }

  /** One look at the tables (also called by the timer). */
  async poll(): Promise<void> {
    const drops = new Map<string, number>();
    for (const table of this.tables) {
      try {
        for (const [address, count] of parseUdpTable(await readFile(table, 'utf8'))) drops.set(address, count);
      } catch {
        // No IPv6 in this kernel, or /proc not mounted: nothing to report from this table.
      }
    }
    for (const entry of this.watched) {
      const total = drops.get(procSocketAddress(entry.watch.local));
      if (total === undefined || total <= entry.reported) continue;
      const added = total - entry.reported;
      entry.reported = total;
      entry.watch.onDrops(total, added);
    }
  }
}
