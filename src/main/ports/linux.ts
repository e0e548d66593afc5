/**
 * Linux: sockets from /proc/net/{tcp,tcp6,udp,udp6}, owners by finding each socket's inode among
 * the open files in /proc/<pid>/fd (owners.ts). No root needed for the user's own processes; other
 * users' processes refuse to list their files, and their sockets are counted as hidden.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { Endpoint, ListeningPorts, PortCounts, PortProtocol, PortState } from '@shared/contract';
import { isListening } from '@shared/ports';
import { type FoundOwners, ownersOf } from './owners';
import { isNoPeer, portOrder, type RawPortRow, type RowRequest, type SocketKind, type SystemPorts } from './rows';
import { Slices } from './slices';

export type { ProcessInfo } from './owners';

/** A socket as /proc/net lists it: no owner yet, but the inode that finds one. */
export interface ProcNetSocket extends Omit<RawPortRow, 'pid' | 'process' | 'command' | 'processHidden'> {
  /** 0 for a socket no process holds any more (TIME_WAIT). */
  inode: number;
}

/** A line of /proc/net, its addresses still as the kernel prints them: only the rows returned are decoded. */
interface ProcNetLine extends SocketKind {
  family: Endpoint['family'];
  localHex: string;
  remoteHex: string;
  inode: number;
}

const tcpStates: Record<string, PortState> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECEIVED',
  '04': 'FIN_WAIT_1',
  '05': 'FIN_WAIT_2',
  '06': 'TIME_WAIT',
  '07': 'CLOSED',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'SYN_RECEIVED',
};

/** The kernel reuses TCP's state numbers for UDP: 07 (CLOSE) is unconnected, 01 connected. */
const udpStates: Record<string, PortState> = { '07': 'BOUND', '01': 'CONNECTED' };

const files: readonly { name: string; protocol: PortProtocol; family: Endpoint['family'] }[] = [
  { name: 'tcp', protocol: 'tcp', family: 'IPv4' },
  { name: 'tcp6', protocol: 'tcp', family: 'IPv6' },
  { name: 'udp', protocol: 'udp', family: 'IPv4' },
  { name: 'udp6', protocol: 'udp', family: 'IPv6' },
];

/** sl, local address:port, remote address:port, state, tx:rx queues, timer, retransmits, uid, timeout, inode. */
const LINE = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s+\S+\s+\S+\s+\S+\s+\d+\s+\d+\s+(\d+)/;

function parseLine(line: string, protocol: PortProtocol, family: Endpoint['family']): ProcNetLine | undefined {
  const match = LINE.exec(line);
  const expected = family === 'IPv4' ? 8 : 32;
  if (!match || match[1].length !== expected || match[3].length !== expected) return undefined;
  const states = protocol === 'tcp' ? tcpStates : udpStates;
  const remotePort = parseInt(match[4], 16);
  return {
    protocol,
    family,
    state: states[match[5].toUpperCase()] ?? 'UNKNOWN',
    localHex: match[1],
    localPort: parseInt(match[2], 16),
    remoteHex: match[3],
    remotePort: remotePort === 0 ? undefined : remotePort,
    inode: Number(match[6]) || 0,
  };
}

/** Calls `visit` with each socket of one /proc/net file, pausing as `slices` says. */
async function eachLine(
  text: string,
  protocol: PortProtocol,
  family: Endpoint['family'],
  slices: Slices,
  visit: (line: ProcNetLine) => void,
): Promise<void> {
  // The first line is the header.
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    const end = text.indexOf('\n', start);
    const parsed = parseLine(text.slice(start, end < 0 ? undefined : end), protocol, family);
    if (parsed) visit(parsed);
    start = end + 1;
    if (slices.due()) await slices.pause();
  }
}

function decodeLine(line: ProcNetLine, littleEndian: boolean): ProcNetSocket {
  const local = decodeEndpoint(line.localHex, line.localPort, line.family, littleEndian);
  const remote = decodeEndpoint(line.remoteHex, line.remotePort ?? 0, line.family, littleEndian);
  return { protocol: line.protocol, local, remote: isNoPeer(remote) ? undefined : remote, state: line.state, inode: line.inode };
}

/**
 * Parses one /proc/net/{tcp,tcp6,udp,udp6} file. Addresses are printed as 32-bit words in the
 * machine's byte order, so `0100007F` is 127.0.0.1 on x86 and arm64 (little-endian). Rows `select`
 * refuses are skipped before their addresses are decoded.
 */
export function parseProcNet(
  text: string,
  protocol: PortProtocol,
  family: Endpoint['family'],
  littleEndian = endianness() === 'LE',
  select?: RowRequest['select'],
): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const parsed = parseLine(line, protocol, family);
    if (parsed && (!select || select(parsed))) sockets.push(decodeLine(parsed, littleEndian));
  }
  return sockets;
}

function decodeEndpoint(hexAddress: string, port: number, family: Endpoint['family'], littleEndian: boolean): Endpoint {
  // Each 32-bit word as a number, its bytes taken from the end a little-endian machine printed first.
  const bytes: number[] = [];
  for (let word = 0; word < hexAddress.length; word += 8) {
    const value = parseInt(hexAddress.slice(word, word + 8), 16);
    for (let byte = 0; byte < 4; byte++) bytes.push((value >>> (littleEndian ? 8 * byte : 24 - 8 * byte)) & 0xff);
  }
  return { address: family === 'IPv4' ? bytes.join('.') : formatIpv6(bytes), port, family };
}

/** RFC 5952 text, as Node prints addresses: `::1`, `fe80::1`, and IPv4-mapped as `::ffff:127.0.0.1`. */
export function formatIpv6(bytes: readonly number[]): string {
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // The longest run of two or more zero groups becomes `::` (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) [bestStart, bestLength] = [i, end - i];
    i = end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Joins sockets to their owners; a socket with an inode but no visible owner may be hidden from this user. */
export function attachOwners(sockets: readonly ProcNetSocket[], { owners, hidden }: FoundOwners): RawPortRow[] {
  // Fields by name, not `{ inode, ...socket }`: V8's object rest took 5 µs a row, half a second for a busy machine's.
  return sockets.map(({ protocol, local, remote, state, inode }) => {
    const owner = owners.get(inode);
    if (owner) return { protocol, local, remote, state, pid: owner.pid, process: owner.name, command: owner.command };
    return hidden.has(inode) ? { protocol, local, remote, state, processHidden: true } : { protocol, local, remote, state };
  });
}

/**
 * The machine's sockets that `request` selects, at most its limit of them. Every socket is
 * counted (counts, listeningPorts: what the Ports view's switch and Connect need), but only the
 * rows returned are decoded and have their owners looked up: a machine with 100,000 connections
 * (or tens of thousands of TIME_WAITs) does not pay for the rows no one will see.
 */
export async function listLinuxPorts(procRoot = '/proc', request: RowRequest = {}): Promise<SystemPorts> {
  const slices = new Slices();
  const selected: ProcNetLine[] = [];
  const counts: PortCounts = { listening: 0, all: 0 };
  const listening = { tcp: new Set<number>(), udp: new Set<number>() };
  const visit = (line: ProcNetLine): void => {
    counts.all++;
    if (isListening(line)) {
      counts.listening++;
      listening[line.protocol].add(line.localPort);
    }
    if (!request.select || request.select(line)) selected.push(line);
  };
  // Sockets first, owners second: a socket opened in between has no owner yet, never a wrong one.
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(`${procRoot}/net/${file.name}`, 'utf8');
    } catch (error) {
      // tcp6 and udp6 are missing when IPv6 is disabled.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    await eachLine(text, file.protocol, file.family, slices, visit);
  }
  const ordered = await inPortOrder(selected, slices);
  const kept = request.limit !== undefined && ordered.length > request.limit ? ordered.slice(0, request.limit) : ordered;
  const littleEndian = endianness() === 'LE';
  const sockets: ProcNetSocket[] = [];
  for (const line of kept) {
    sockets.push(decodeLine(line, littleEndian));
    if (slices.due()) await slices.pause();
  }
  const rows = attachOwners(
    sockets,
    await ownersOf(procRoot).find(
      kept.map((line) => line.inode),
      slices,
    ),
  );
  return {
    rows,
    hiddenProcesses: rows.filter((row) => row.processHidden).length,
    source: '/proc/net',
    counts,
    listeningPorts: sortedPorts(listening),
    leftOut: selected.length - kept.length,
  };
}

/**
 * The lines in portOrder, grouped by local port first (no comparison, in short turns): a sort
 * of 200,000 lines was one long stretch. Returned in order, the rows cost listPorts' own sort
 * next to nothing (a sorted array is one run for V8's TimSort).
 */
async function inPortOrder(lines: readonly ProcNetLine[], slices: Slices): Promise<ProcNetLine[]> {
  const byLocalPort: (ProcNetLine[] | undefined)[] = [];
  for (const line of lines) (byLocalPort[line.localPort] ??= []).push(line);
  const ordered: ProcNetLine[] = [];
  for (const group of byLocalPort) {
    if (!group) continue;
    // The other end of every connection to one server shares its local port: tens of thousands.
    if (group.length > 1) group.sort(portOrder);
    for (const line of group) ordered.push(line);
    if (slices.due()) await slices.pause();
  }
  return ordered;
}

function sortedPorts(ports: Record<PortProtocol, Set<number>>): ListeningPorts {
  const sorted = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
  return { tcp: sorted(ports.tcp), udp: sorted(ports.udp) };
}
