/**
 * Listeners at the process's open-files limit.
 *
 * When a listener cannot accept because the process has no file descriptor left, libuv accepts
 * the waiting connections on a reserve descriptor and closes them at once, and Node is never told:
 * clients are turned away while Sockscope shows a listener that looks fine. On Linux the engine
 * therefore compares the descriptors it has open with its limit once a second while anything
 * listens, and says so on every listener when it reaches the limit, and again when it has room.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { PollingSet } from './polling-set';

export const DESCRIPTOR_POLL_MS = 1000;

/** The soft "Max open files" of a /proc/<pid>/limits text; undefined when unlimited or absent. */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  const soft = match ? Number(match[1]) : NaN;
  return Number.isFinite(soft) ? soft : undefined;
}

export interface DescriptorUse {
  open: number;
  limit: number;
}

/**
 * This process's descriptor use, from /proc. The limits file stays open while watching: at the
 * limit, nothing more can be opened, not even to read the limit.
 */
export class ProcDescriptors {
  private limitsFd: number | undefined;
  private readonly buffer = Buffer.alloc(4096);

  /** Opens the limits file now, while a descriptor can still be had. */
  start(): void {
    try {
      this.limitsFd ??= openSync('/proc/self/limits', 'r');
    } catch {
      // Not Linux, or /proc not mounted: read() has nothing to say.
    }
  }

  /**
   * True when one more descriptor can be had right now (one is opened and closed again): then an
   * accept can be too, and there is no need to count. Two system calls, where listing
   * /proc/self/fd reads an entry per descriptor: 20-40 ms of CPU each second at 19,000 connections.
   * False at the limit, undefined when the answer is something else.
   */
  hasOneFree(): boolean | undefined {
    try {
      closeSync(openSync('/dev/null', 'r'));
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'EMFILE' || code === 'ENFILE' ? false : undefined;
    }
  }

  /** `open` is the limit when not even the listing's own descriptor could be had. */
  async read(): Promise<DescriptorUse | undefined> {
    if (this.limitsFd === undefined) return undefined;
    // /proc files are made afresh on each read from offset 0; a few hundred bytes, no disk.
    const bytesRead = readSync(this.limitsFd, this.buffer, 0, this.buffer.length, 0);
    const limit = parseOpenFilesLimit(this.buffer.toString('utf8', 0, bytesRead));
    if (limit === undefined) return undefined;
    try {
      // Less the listing's own descriptor, which is closed again by now.
      return { open: (await readdir('/proc/self/fd')).length - 1, limit };
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EMFILE' ? { open: limit, limit } : undefined;
    }
  }

  close(): void {
    if (this.limitsFd !== undefined) closeSync(this.limitsFd);
    this.limitsFd = undefined;
  }
}

export interface LimitWatch {
  /** Called when the process reaches its limit (`full`) and when it has room again. */
  onChange(full: boolean, use: DescriptorUse): void;
}

/** No room for one more accepted connection: every descriptor the process may open is open. */
export const isFull = (use: DescriptorUse): boolean => use.open >= use.limit;

/** Enough free descriptors to say so: a few, or 1 % of a large limit. */
export const hasRoom = (use: DescriptorUse): boolean => use.limit - use.open >= Math.max(4, Math.ceil(use.limit / 100));

/** Where the watcher learns the process's descriptor use (ProcDescriptors on Linux). */
export interface DescriptorSource {
  start(): void;
  read(): Promise<DescriptorUse | undefined>;
  /** A cheap look, if the source has one: true says "not full" without counting (see ProcDescriptors). */
  hasOneFree?(): boolean | undefined;
  close(): void;
}

export class DescriptorLimitWatcher {
  private readonly watched: PollingSet<LimitWatch>;
  private full = false;
  private last: DescriptorUse | undefined;

  constructor(
    private readonly source: DescriptorSource | undefined = process.platform === 'linux' ? new ProcDescriptors() : undefined,
    intervalMs = DESCRIPTOR_POLL_MS,
  ) {
    this.watched = new PollingSet(
      () => void this.poll(),
      intervalMs,
      () => {
        this.full = false;
        this.source?.close();
      },
    );
  }

  watch(watch: LimitWatch): () => void {
    if (!this.source) return () => undefined;
    this.source.start();
    if (this.full && this.last) watch.onChange(true, this.last);
    return this.watched.add(watch);
  }

  stop(): void {
    this.watched.stop();
  }

  /** One look (also called by the timer); tells the watchers only when fullness changes. */
  async poll(): Promise<void> {
    // Counted only near the limit: while not full, one free descriptor says all there is to say.
    if (!this.full && this.source?.hasOneFree?.() === true) return;
    const use = await this.source?.read();
    if (use === undefined) return;
    this.last = use;
    // Back to "room" only with a few descriptors free: a process hovering at its limit (the system
    // turning connections away frees and takes one each time) should not flip every second.
    const full = this.full ? !hasRoom(use) : isFull(use);
    if (full === this.full) return;
    this.full = full;
    for (const watch of this.watched) watch.onChange(this.full, use);
  }
}
