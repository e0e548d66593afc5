import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, acquireSessionLock, bootMinute, processStartTime } from './lock';

const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-lock-'));
  dirs.push(dir);
  return dir;
}

/** Dates the lock a minute back, as one left long ago. */
function ageLock(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, LOCK_FILE), past, past);
}

/** A real other process: running, or already gone. */
async function otherProcess(running: boolean): Promise<number> {
  const child = spawn('sleep', ['30']);
  children.push(child);
  if (running) return child.pid ?? 0;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
  return child.pid ?? 0;
}

describe('the session lock', () => {
  it('is held by the first, refused to a second while the first runs, and free again once released', async () => {
    const dir = folder();
    const first = acquireSessionLock(dir);
    expect(first.held).toBe(true);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split(' ')[0]).toBe(String(process.pid));

    const other = await otherProcess(true);
    writeFileSync(join(dir, LOCK_FILE), String(other));
    expect(acquireSessionLock(dir)).toEqual({ held: false, pid: other });
    // The first's release leaves a lock that is not its own alone.
    if (first.held) first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    writeFileSync(join(dir, LOCK_FILE), `${process.pid} ${processStartTime(process.pid)} ${bootMinute()}`);
    const again = acquireSessionLock(dir);
    expect(again.held).toBe(true);
    if (again.held) again.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a process that is gone, or one that cannot be read', async () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), String(await otherProcess(false)));
    expect(acquireSessionLock(dir).held).toBe(true);
    writeFileSync(join(dir, LOCK_FILE), 'not a pid');
    ageLock(dir);
    expect(acquireSessionLock(dir).held).toBe(true);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split(' ')[0]).toBe(String(process.pid));
  });

  it('takes over a lock left by a process that is gone, past a takeover that crashed half-way', async () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), String(await otherProcess(false)));
    writeFileSync(join(dir, `${LOCK_FILE}.takeover`), String(await otherProcess(false)));
    expect(acquireSessionLock(dir).held).toBe(true);
    expect(existsSync(join(dir, `${LOCK_FILE}.takeover`))).toBe(false);
  });

  it('leaves alone a lock that names no process yet, as one being written where the folder has no hard links', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), '');
    expect(acquireSessionLock(dir).held).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    // Still empty seconds later: left by a process that never wrote it.
    ageLock(dir);
    expect(acquireSessionLock(dir).held).toBe(true);
  });

  it('takes over a lock written before the machine last started, whatever runs under its process id now', async () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), `${await otherProcess(true)} - ${Number(bootMinute()) - 600}`);
    expect(acquireSessionLock(dir).held).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')('takes over a lock whose process id now belongs to another process', async () => {
    const dir = folder();
    // A running process, but not the one that wrote the lock: it started at another time.
    writeFileSync(join(dir, LOCK_FILE), `${await otherProcess(true)} 1`);
    expect(acquireSessionLock(dir).held).toBe(true);
  });

  it.each([
    ['a free lock', false],
    ['a lock left by a process that is gone', true],
  ])('lets exactly one of several processes racing for %s hold it', async (_what, stale) => {
    const dir = folder();
    if (stale) writeFileSync(join(dir, LOCK_FILE), String(await otherProcess(false)));
    const script = `const { acquireSessionLock } = require(${JSON.stringify(join(__dirname, 'lock.ts'))}); const lock = acquireSessionLock(${JSON.stringify(dir)}); console.log(lock.held ? 'held' : 'refused'); setInterval(() => {}, 1000);`;
    // Each racer holds on until the test ends (afterEach kills it): on a busy machine the last may
    // start seconds after the first, and must still find the first holding.
    const racers = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    children.push(...racers);
    const answers = await Promise.all(
      racers.map((racer) => new Promise<string>((resolve) => racer.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim())))),
    );
    expect(answers.filter((answer) => answer === 'held')).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'refused')).toHaveLength(5);
  });
});
