/**
 * Linux: sockets from /proc/net/{tcp,tcp6,udp,udp6}, owners by finding each socket's inode among
 * the open files in /proc/<pid>/fd. No root needed for the user's own processes; other users'
 * processes refuse to list their files, and their sockets are counted as hidden.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { Endpoint, PortProtocol, PortState } from '@shared/contract';
import { isNoPeer, type RawPortRow, type RowSelector, type SystemPorts } from './rows';

/** A socket as /proc/net lists it: no owner yet, but the inode that finds one. */
export interface ProcNetSocket extends Omit<RawPortRow, 'pid' | 'process' | 'command' | 'processHidden'> {
  /** 0 for a socket no process holds any more (TIME_WAIT). */
  inode: number;
}

export interface ProcessInfo {
  pid: number;
  /** /proc/<pid>/comm: the executable's name, at most 15 characters. */
  name: string;
  command?: string;
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
  select?: RowSelector,
): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  const states = protocol === 'tcp' ? tcpStates : udpStates;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const state = states[fields[3].toUpperCase()] ?? 'UNKNOWN';
    if (select && !select(protocol, state)) continue;
    const local = decodeEndpoint(fields[1], family, littleEndian);
    const remote = decodeEndpoint(fields[2], family, littleEndian);
    if (!local) continue;
    sockets.push({ protocol, local, remote: isNoPeer(remote) ? undefined : remote, state, inode: Number(fields[9]) || 0 });
  }
  return sockets;
}

function decodeEndpoint(text: string, family: Endpoint['family'], littleEndian: boolean): Endpoint | undefined {
  const [hexAddress, hexPort] = text.split(':');
  const expected = family === 'IPv4' ? 8 : 32;
  if (hexAddress?.length !== expected || !/^[0-9A-Fa-f]+$/.test(hexAddress) || !/^[0-9A-Fa-f]{4}$/.test(hexPort ?? '')) {
    return undefined;
  }
  const bytes: number[] = [];
  for (let word = 0; word < expected; word += 8) {
    const wordBytes = [0, 2, 4, 6].map((i) => parseInt(hexAddress.slice(word + i, word + i + 2), 16));
    bytes.push(...(littleEndian ? wordBytes.reverse() : wordBytes));
  }
  return { address: family === 'IPv4' ? bytes.join('.') : formatIpv6(bytes), port: parseInt(hexPort, 16), family };
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

/** How many processes are read at once: enough to overlap the syscalls, few enough to stay polite. */
const CONCURRENCY = 32;

/**
 * Which process holds each socket inode. A socket shared by several processes (a forked server)
 * is credited to the lowest pid, usually the parent. `deniedProcesses` counts the processes that
 * would not list their open files to this user.
 */
export async function socketOwners(procRoot = '/proc'): Promise<{ owners: Map<number, ProcessInfo>; deniedProcesses: number }> {
  const pids = (await readdir(procRoot))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  const owners = new Map<number, ProcessInfo>();
  let deniedProcesses = 0;
  for (let start = 0; start < pids.length; start += CONCURRENCY) {
    const batch = pids.slice(start, start + CONCURRENCY);
    const found = await Promise.all(batch.map((pid) => socketsOf(procRoot, pid)));
    for (const [index, result] of found.entries()) {
      if (result === 'denied') deniedProcesses++;
      if (typeof result === 'string' || result.inodes.length === 0) continue;
      const pid = batch[index];
      const info: ProcessInfo = { pid, ...(await describeProcess(procRoot, pid)) };
      for (const inode of result.inodes) if (!owners.has(inode)) owners.set(inode, info);
    }
  }
  return { owners, deniedProcesses };
}

async function socketsOf(procRoot: string, pid: number): Promise<{ inodes: number[] } | 'denied' | 'gone'> {
  let fds: string[];
  try {
    fds = await readdir(`${procRoot}/${pid}/fd`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : 'gone';
  }
  // A file closed between readdir and readlink is simply not a socket any more.
  const links = await Promise.all(fds.map((fd) => readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '')));
  const inodes: number[] = [];
  for (const link of links) {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match) inodes.push(Number(match[1]));
  }
  return { inodes };
}

async function describeProcess(procRoot: string, pid: number): Promise<{ name: string; command?: string }> {
  const [comm, cmdline] = await Promise.all([
    readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => ''),
    readFile(`${procRoot}/${pid}/cmdline`, 'utf8').catch(() => ''),
  ]);
  const command = cmdline.replace(/\0+$/, '').replaceAll('\0', ' ').trim();
  return {
    name: comm.trim() || `pid ${pid}`,
    command: command === '' ? undefined : command.length > 300 ? `${command.slice(0, 300)}…` : command,
  };
}

/** Joins sockets to their owners; a socket with an inode but no visible owner counts as hidden when some process refused. */
export function attachOwners(sockets: readonly ProcNetSocket[], owners: ReadonlyMap<number, ProcessInfo>, deniedProcesses: number): RawPortRow[] {
  return sockets.map(({ inode, ...socket }) => {
    const owner = owners.get(inode);
    if (owner) return { ...socket, pid: owner.pid, process: owner.name, command: owner.command };
    return inode !== 0 && deniedProcesses > 0 ? { ...socket, processHidden: true } : socket;
  });
}

/**
 * The machine's sockets, or those `select` keeps. A machine that has just closed many connections
 * lists tens of thousands of TIME_WAIT rows: a caller that wants only some states (the peers of
 * open connections) does not pay for decoding, owning and describing the rest.
 */
export async function listLinuxPorts(procRoot = '/proc', select?: RowSelector): Promise<SystemPorts> {
  // Sockets first, owners second: a socket opened in between has no owner yet, never a wrong one.
  const tables = await Promise.all(
    files.map(async (file) => {
      try {
        return parseProcNet(await readFile(`${procRoot}/net/${file.name}`, 'utf8'), file.protocol, file.family, undefined, select);
      } catch (error) {
        // tcp6 and udp6 are missing when IPv6 is disabled.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    }),
  );
  const { owners, deniedProcesses } = await socketOwners(procRoot);
  const rows = attachOwners(tables.flat(), owners, deniedProcesses);
  return { rows, hiddenProcesses: rows.filter((row) => row.processHidden).length, source: '/proc/net' };
}
