/**
 * Linux: which process holds a socket, by its inode. The only place the kernel tells is the link
 * of each open file, /proc/<pid>/fd/<n> -> `socket:[inode]`, one readlink (~10 µs) per open file
 * of every process: a second and more on a machine with tens of thousands of sockets. So the links
 * are read only for the inodes asked about, the search stops as soon as all are found, and what
 * it learnt is remembered: the next listing checks a remembered holder with one readlink.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Slices } from './slices';

export interface ProcessInfo {
  pid: number;
  /** /proc/<pid>/comm: the executable's name, at most 15 characters. */
  name: string;
  command?: string;
}

export interface FoundOwners {
  owners: Map<number, ProcessInfo>;
  /** Inodes with no owner this user may see, while some process would not show its files. */
  hidden: Set<number>;
}

interface Holder {
  pid: number;
  fd: string;
  /** The lookup that last saw it, to forget holders no one asks about. */
  seen: number;
}

/** How long an inode that no visible process holds (the kernel's, another namespace's) is not looked for again. */
const OWNERLESS_MS = 30_000;
/** Holders not asked about for this many lookups are forgotten. */
const FORGET_AFTER = 32;

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** The owners of the sockets of one /proc, remembered between listings. */
export class SocketOwners {
  private readonly holders = new Map<number, Holder>();
  private readonly ownerless = new Map<number, { until: number; hidden: boolean }>();
  private lookup = 0;
  /** Links read by the last lookup, for tests and diagnostics. */
  linksRead = 0;

  constructor(private readonly procRoot = '/proc') {}

  /**
   * The owner of each inode (0, a socket no process holds, is skipped). A socket held by several
   * processes (a forked server) is credited to the lowest pid, usually the parent.
   */
  async find(inodes: Iterable<number>, slices = new Slices()): Promise<FoundOwners> {
    this.lookup++;
    this.linksRead = 0;
    const now = Date.now();
    for (const [inode, entry] of this.ownerless) if (entry.until <= now) this.ownerless.delete(inode);

    const holderPids = new Map<number, number>();
    const hidden = new Set<number>();
    const missing = new Set<number>();
    for (const inode of inodes) {
      if (inode === 0 || holderPids.has(inode) || hidden.has(inode) || missing.has(inode)) continue;
      const pid = this.remembered(inode);
      if (pid !== undefined) holderPids.set(inode, pid);
      else if (this.ownerless.has(inode)) {
        if (this.ownerless.get(inode)?.hidden) hidden.add(inode);
      } else missing.add(inode);
      if (slices.due()) await slices.pause();
    }
    if (missing.size > 0) {
      const denied = await this.search(missing, holderPids, slices);
      for (const inode of missing) {
        this.ownerless.set(inode, { until: now + OWNERLESS_MS, hidden: denied > 0 });
        if (denied > 0) hidden.add(inode);
      }
    }
    this.forgetOld();
    return { owners: await describeAll(this.procRoot, holderPids), hidden };
  }

  /** The remembered holder's pid, if it still holds the socket (checked by one readlink). */
  private remembered(inode: number): number | undefined {
    const holder = this.holders.get(inode);
    if (!holder) return undefined;
    this.linksRead++;
    if (linkOf(`${this.procRoot}/${holder.pid}/fd/${holder.fd}`) === `socket:[${inode}]`) {
      holder.seen = this.lookup;
      return holder.pid;
    }
    this.holders.delete(inode);
    return undefined;
  }

  /**
   * Reads the processes' links in pid order until every inode of `missing` is found (each found
   * one leaves `missing` for `found`). Every socket link read is remembered, whoever it is for.
   * Returns how many processes would not show their files.
   */
  private async search(missing: Set<number>, found: Map<number, number>, slices: Slices): Promise<number> {
    let denied = 0;
    const pids = listPids(this.procRoot);
    for (const pid of pids) {
      let fds: string[];
      try {
        fds = readdirSync(`${this.procRoot}/${pid}/fd`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') denied++;
        continue;
      }
      for (const fd of fds) {
        this.linksRead++;
        // A file closed between readdir and readlink is simply not a socket any more.
        const match = SOCKET_LINK.exec(linkOf(`${this.procRoot}/${pid}/fd/${fd}`));
        if (match) {
          const inode = Number(match[1]);
          // The first (lowest) pid seen holding it, in this search or checked before it.
          if (!found.has(inode) && !this.holders.has(inode)) this.holders.set(inode, { pid, fd, seen: this.lookup });
          if (missing.delete(inode)) {
            found.set(inode, pid);
            if (missing.size === 0) return denied;
          }
        }
        if (slices.due()) await slices.pause();
      }
    }
    return denied;
  }

  private forgetOld(): void {
    if (this.lookup % FORGET_AFTER !== 0) return;
    for (const [inode, holder] of this.holders) if (this.lookup - holder.seen > FORGET_AFTER) this.holders.delete(inode);
  }
}

function linkOf(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function listPids(procRoot: string): number[] {
  return readdirSync(procRoot)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

/** How many processes are described at once: enough to overlap the reads, few enough to stay polite. */
const CONCURRENCY = 32;

/** Name and command line of each distinct holder: only the processes that own a socket asked about. */
async function describeAll(procRoot: string, holderPids: ReadonlyMap<number, number>): Promise<Map<number, ProcessInfo>> {
  const pids = [...new Set(holderPids.values())];
  const infos = new Map<number, ProcessInfo>();
  for (let start = 0; start < pids.length; start += CONCURRENCY) {
    const batch = pids.slice(start, start + CONCURRENCY);
    const described = await Promise.all(batch.map((pid) => describeProcess(procRoot, pid)));
    for (const [index, pid] of batch.entries()) infos.set(pid, { pid, ...described[index] });
  }
  const owners = new Map<number, ProcessInfo>();
  for (const [inode, pid] of holderPids) {
    const info = infos.get(pid);
    if (info) owners.set(inode, info);
  }
  return owners;
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

const byRoot = new Map<string, SocketOwners>();

/** The owners' memory for one /proc, shared by every listing of it. */
export function ownersOf(procRoot: string): SocketOwners {
  let owners = byRoot.get(procRoot);
  if (!owners) byRoot.set(procRoot, (owners = new SocketOwners(procRoot)));
  return owners;
}
