/** Child processes for benchmarks: spawn, wait for a line, read memory from /proc, stop. */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { onCpu } from './placement';

export const ROOT = resolve(__dirname, '../..');

export interface Peer {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line matching `pattern` (rejects on exit or timeout). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Every process a benchmark started and has not seen exit: ended when the run ends, however it ends. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    // `detached` children lead their own process group (npm → sh → node): end the whole group.
    if (child.pid !== undefined) {
      try {
        process.kill(isGroupLeader(child) ? -child.pid : child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});
const groupLeaders = new WeakSet<ChildProcess>();
const isGroupLeader = (child: ChildProcess): boolean => groupLeaders.has(child);

/** Starts a process and collects its output; stderr is kept for error messages. */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): Peer {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT, ...options });
  running.add(child);
  if (options.detached) groupLeaders.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  let stderr = '';
  const waiters = new Set<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }>();
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters) {
        const match = waiter.pattern.exec(line);
        if (match) {
          waiters.delete(waiter);
          waiter.resolve(match);
        }
      }
    });
  }
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const describe = (): string => `${command} ${args.join(' ')}\n${lines.slice(-10).join('\n')}\n${stderr}`;
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      const seen = lines.map((line) => pattern.exec(line)).find((m) => m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const waiter = { pattern, resolve: (m: RegExpExecArray) => (clearTimeout(timer), resolveLine(m)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`Timed out waiting for ${pattern} from ${describe()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`Exited with ${code} before printing ${pattern}: ${describe()}`));
        });
      });
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const signal = (name: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(groupLeaders.has(child) ? -child.pid : child.pid, name);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const force = setTimeout(() => signal('SIGKILL'), 3000);
      return exited.then(() => clearTimeout(force));
    },
  };
}

/** A TypeScript peer script from bench/peers, run by node through tsx (on `cpu` only, when given: lib/placement.ts). */
export function startPeer(script: string, args: string[], nodeArgs: string[] = [], cpu?: number): Peer {
  return startProcess(...onCpu(cpu, process.execPath, [...nodeArgs, '--import', 'tsx', resolve(ROOT, 'bench/peers', script), ...args]));
}

export interface Memory {
  /** Resident set now, bytes. */
  rss: number;
  /** Peak resident set since the process started (VmHWM), bytes. */
  peakRss: number;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}

/** CPU seconds (user + system) a process has used so far, all its threads. */
export function cpuSecondsOf(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU seconds its main thread (the one whose id is the pid) has used so far: Node's JavaScript and
 * event loop, without V8's helper threads (parallel scavenges, concurrent marking and compiling).
 */
export function mainThreadCpuSecondsOf(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; after the ") " split they are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Read system calls the process has made so far (`syscr` of /proc/<pid>/io): for socat, its reads. */
export function readCallsOf(pid: number): number {
  return Number(/^syscr:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
