/**
 * Reads and writes the session file. Writes are atomic (a temporary file, flushed, then renamed
 * over the old one), so a crash mid-save leaves the previous session, never half of one. A file
 * that cannot be used is renamed aside, never deleted: the user may want it back.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, existsSync, writeSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeIssues } from '@shared/zod-issues';
import { SESSION_FILE, SESSION_VERSION, SessionFile, SessionVersion } from './schema';

export type LoadResult =
  | { state: 'empty' }
  | { state: 'ok'; session: SessionFile }
  | { state: 'problem'; problem: 'corrupt' | 'future-version'; message: string; keptAs: string };

export class SessionStore {
  readonly file: string;
  private writes = 0;

  constructor(readonly dir: string) {
    this.file = join(dir, SESSION_FILE);
  }

  /** Reads the saved session; an unusable file is renamed aside and reported. Never throws. */
  load(now = new Date()): LoadResult {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { state: 'empty' };
      return this.setAside('corrupt', `The saved workspace could not be read (${describe(error)})`, now);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return this.setAside('corrupt', `The saved workspace is not valid JSON (${describe(error)})`, now);
    }
    const version = SessionVersion.safeParse(raw);
    if (version.success && version.data.version > SESSION_VERSION) {
      return this.setAside(
        'future-version',
        `The saved workspace was written by a newer Sockscope (file format ${version.data.version}; this version reads format ${SESSION_VERSION})`,
        now,
      );
    }
    const session = SessionFile.safeParse(raw);
    if (!session.success) {
      return this.setAside('corrupt', `The saved workspace is damaged (${describeIssues(session.error)})`, now);
    }
    return { state: 'ok', session: session.data };
  }

  /** Writes the session atomically. Concurrent calls are the caller's to serialize. */
  async save(session: SessionFile): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = this.temporaryFile();
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(serialize(session));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
  }

  /** The same, synchronously: for the last save as the process quits, when nothing awaits it. */
  saveSync(session: SessionFile): void {
    mkdirSync(this.dir, { recursive: true });
    const temporary = this.temporaryFile();
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, serialize(session));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
  }

  /** A name of its own per write: a last synchronous save may overlap an asynchronous one. */
  private temporaryFile(): string {
    return `${this.file}.${process.pid}-${++this.writes}.tmp`;
  }

  private setAside(problem: 'corrupt' | 'future-version', message: string, now: Date): LoadResult {
    const suffix = problem === 'corrupt' ? 'corrupt' : 'newer-version';
    // 2025-01-31T09-05-00Z: sortable, and valid on every file system (no colons for Windows).
    const stamp = now
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-');
    let keptAs = `${this.file}.${suffix}-${stamp}`;
    for (let n = 2; existsSync(keptAs); n++) keptAs = `${this.file}.${suffix}-${stamp}-${n}`;
    try {
      renameSync(this.file, keptAs);
    } catch (error) {
      return {
        state: 'problem',
        problem,
        message: `${message}. It could not be set aside (${describe(error)}), so it stays as ${basename(this.file)}`,
        keptAs: this.file,
      };
    }
    return { state: 'problem', problem, message, keptAs };
  }
}

/** Past this size the file is written compact: indenting a large workspace costs more than reading it gains. */
export const PRETTY_PRINT_MAX_CHARS = 256 * 1024;

function serialize(session: SessionFile): string {
  const compact = JSON.stringify(session);
  return compact.length > PRETTY_PRINT_MAX_CHARS ? `${compact}\n` : `${JSON.stringify(session, null, 2)}\n`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
