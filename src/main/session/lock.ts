/**
 * One Sockscope at a time keeps the workspace. The desktop app and the browser host share the
 * settings folder; two running at once would each save their own sockets over the other's, and
 * the next start would bring back whichever wrote last. The first to start holds `session.lock`
 * (its process id, and on Linux when that process started, so that a recycled id is not mistaken
 * for it); the others run without saving and say so. A lock whose process is gone (a crash) is
 * taken over.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'session.lock';

export type SessionLock = { held: true; release(): void } | { held: false; pid: number };

/**
 * A process as the lock names it: its id, its start time where the OS tells (Linux), and when the
 * machine booted (to the minute), so that an id reused after a restart is not taken for it.
 */
export interface LockHolder {
  pid: number;
  started?: string;
  boot?: string;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** When this machine booted, in whole minutes since the epoch (uptime drifts by a few milliseconds). */
export function bootMinute(): string {
  return String(Math.round((Date.now() - uptime() * 1000) / 60_000));
}

/** This process, as its lock names it. */
export function thisProcess(): LockHolder {
  return { pid: process.pid, started: processStartTime(process.pid), boot: bootMinute() };
}

function describeHolder(holder: LockHolder): string {
  return [holder.pid, holder.started ?? '-', ...(holder.boot === undefined ? [] : [holder.boot])].join(' ');
}

/** `pid`, `pid started` or `pid started|- boot`. */
function parseHolder(text: string): LockHolder | undefined {
  const [pid, started, boot] = text.trim().split(/\s+/);
  const id = Number(pid);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  return { pid: id, ...(started !== undefined && started !== '-' && { started }), ...(boot !== undefined && { boot }) };
}

function readHolder(file: string): LockHolder | undefined {
  const text = readLock(file);
  return typeof text === 'string' ? parseHolder(text) : undefined;
}

/** The lock's text; `undefined` when there is no lock, `null` when there is one that cannot be read. */
function readLock(file: string): string | null | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

/**
 * Whether a file that names no process may still be being written: where a folder cannot hold
 * hard links a lock is created empty and filled a moment later (see create).
 */
function young(file: string): boolean {
  try {
    return statSync(file).mtimeMs > Date.now() - UNWRITTEN_MS;
  } catch {
    return false;
  }
}

/** How long a lock or guard that names no process is taken to be still being written. */
const UNWRITTEN_MS = 2000;

/** Whether the process the lock names still runs: same boot, its id in use, by the same process where that can be told. */
function running(holder: LockHolder): boolean {
  // A minute either way: the boot time is worked out from the uptime, which is rounded.
  if (holder.boot !== undefined && Math.abs(Number(holder.boot) - Number(bootMinute())) > 1) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartTime(holder.pid);
  return holder.started === undefined || started === undefined || started === holder.started;
}

const unique = (): string => `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** Clean-up that must not turn a decision into a failure (a scanner may hold the file for a moment). */
function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or busy: a stray draft is harmless.
  }
}

/**
 * Creates the lock holding `mine`, or says it exists. Linked into place from a draft written whole,
 * so that the lock never exists empty; where the folder cannot hold hard links (FAT, some network
 * shares) it is created exclusively instead.
 */
function create(dir: string, file: string, mine: string): boolean {
  const draft = join(dir, `${LOCK_FILE}.${unique()}`);
  try {
    writeFileSync(draft, mine);
    linkSync(draft, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    removeQuietly(draft);
  }
}

/** Blocks this thread for `ms`: taking a lock over lasts microseconds, so a racer waits that long at most. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the lock if it names a process that is gone (or nothing readable), and only then. Taking
 * over is done by one process at a time, under `session.lock.takeover`: moving a lock aside and
 * putting it back if it turned out live would leave a moment without a lock, in which a third
 * process could take it while the live holder still thinks it holds it. Under the guard no other
 * process removes the lock, and none can create one while it exists, so the lock that was read is
 * the one removed. Says whether the lock is out of the way; `undefined` when another process is
 * taking it over right now.
 */
function removeIfStale(dir: string, file: string, mine: string): boolean | undefined {
  const guard = join(dir, `${LOCK_FILE}.takeover`);
  if (!create(dir, guard, mine)) {
    // A guard left by a process that crashed while taking over. Rare enough (a crash within
    // microseconds) that clearing it unguarded is fine.
    const text = readLock(guard);
    const holder = typeof text === 'string' ? parseHolder(text) : undefined;
    if (text !== undefined && (holder ? !running(holder) : !young(guard))) removeQuietly(guard);
    return undefined;
  }
  try {
    const text = readLock(file);
    // Gone already: removing now could remove a lock another process just created.
    if (text === undefined) return true;
    const holder = typeof text === 'string' ? parseHolder(text) : undefined;
    if (holder && describeHolder(holder) !== mine && running(holder)) return false;
    if (holder === undefined && young(file)) return false;
    removeQuietly(file);
    return true;
  } finally {
    removeQuietly(guard);
  }
}

export function acquireSessionLock(dir: string, self: LockHolder = thisProcess()): SessionLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine = describeHolder(self);
  const held: SessionLock = {
    held: true,
    release: () => {
      // Only our own: a lock taken over after we were thought gone belongs to its new holder.
      const holder = readHolder(file);
      if (holder && describeHolder(holder) === mine) removeQuietly(file);
    },
  };
  let lastHolder: LockHolder | undefined;
  // A second is far more than any takeover takes; past it the lock is as good as held by another.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (create(dir, file, mine)) return held;
    const holder = readHolder(file);
    // Gone since the attempt (its holder quit, or another process took it over): try again.
    if (holder === undefined && !existsSync(file)) continue;
    lastHolder = holder ?? lastHolder;
    if (holder && describeHolder(holder) !== mine && running(holder)) return { held: false, pid: holder.pid };
    // Left by a process that is gone, or naming none (unreadable, or still being written).
    if (removeIfStale(dir, file, mine) !== true) pause(5);
  }
  return { held: false, pid: readHolder(file)?.pid ?? lastHolder?.pid ?? 0 };
}
