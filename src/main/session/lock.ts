/**
 * One Sockscope at a time keeps the workspace. The desktop app and the browser host share the
 * settings folder; two running at once would each save their own sockets over the other's, and
 * the next start would bring back whichever wrote last. The first to start holds `session.lock`
 * (its process id); the others run without saving and say so. A lock whose process is gone (a
 * crash) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'session.lock';

export type SessionLock = { held: true; release(): void } | { held: false; pid: number };

/** Whether a process with this id is running (one we may not signal still counts). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireSessionLock(dir: string, pid = process.pid): SessionLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, String(pid));
      } finally {
        closeSync(fd);
      }
      return {
        held: true,
        release: () => {
          // Only our own: a lock taken over after we were thought gone belongs to its new holder.
          if (holderOf(file) === pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(file);
      if (holder !== undefined && holder !== pid && alive(holder)) return { held: false, pid: holder };
      // Left by a process that is gone (or unreadable): take it over.
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first: the next attempt sees theirs.
      }
    }
  }
  const holder = holderOf(file);
  return { held: false, pid: holder ?? 0 };
}
