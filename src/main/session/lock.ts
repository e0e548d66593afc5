/**
 * One Sockscope at a time keeps the workspace. The desktop app and the browser host share the
 * settings folder; two running at once would each save their own sockets over the other's, and
 * the next start would bring back whichever wrote last. The first to start holds `session.lock`
 * (its process id, and on Linux when that process started, so that a recycled id is not mistaken
 * for it); the others run without saving and say so. A lock whose process is gone (a crash) is
 * taken over.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'session.lock';

export type SessionLock = { held: true; release(): void } | { held: false; pid: number };

/** A process as the lock names it: its id, and its start time where the OS tells (Linux). */
export interface LockHolder {
  pid: number;
  started?: string;
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

function describeHolder(holder: LockHolder): string {
  return holder.started === undefined ? String(holder.pid) : `${holder.pid} ${holder.started}`;
}

function parseHolder(text: string): LockHolder | undefined {
  const [pid, started] = text.trim().split(/\s+/);
  const id = Number(pid);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  return started === undefined ? { pid: id } : { pid: id, started };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return parseHolder(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the process the lock names still runs: its id is in use, by the same process where that can be told. */
function running(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartTime(holder.pid);
  return holder.started === undefined || started === undefined || started === holder.started;
}

const unique = (): string => `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function acquireSessionLock(dir: string, self: LockHolder = { pid: process.pid, started: processStartTime(process.pid) }): SessionLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine = describeHolder(self);
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole under a name of its own, then linked into place: the lock never exists empty,
    // and the link fails if another process holds it.
    const draft = join(dir, `${LOCK_FILE}.${unique()}`);
    writeFileSync(draft, mine);
    try {
      linkSync(draft, file);
      return {
        held: true,
        release: () => {
          // Only our own: a lock taken over after we were thought gone belongs to its new holder.
          const holder = readHolder(file);
          try {
            if (holder && describeHolder(holder) === mine) unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    const holder = readHolder(file);
    if (holder && describeHolder(holder) !== mine && running(holder)) return { held: false, pid: holder.pid };
    // Left by a process that is gone, or unreadable: moved aside, and put back if what was moved
    // turns out to be a lock another process took meanwhile.
    const aside = join(dir, `${LOCK_FILE}.stale-${unique()}`);
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = readHolder(aside);
    if (moved && holder && describeHolder(moved) !== describeHolder(holder) && running(moved)) {
      try {
        linkSync(aside, file);
      } catch {
        // Someone else holds it by now: theirs stands.
      }
      unlinkSync(aside);
      return { held: false, pid: moved.pid };
    }
    unlinkSync(aside);
  }
  const holder = readHolder(file);
  return { held: false, pid: holder?.pid ?? 0 };
}
