/**
 * How long a thread ran and how long it waited, runnable, for a CPU (Linux's
 * /proc/<pid>/task/<tid>/schedstat): when a page's frames stall while its tasks use little CPU,
 * this says whether the thread was kept off the CPU by the machine's load or was blocked on
 * something. Undefined where the kernel does not keep it.
 */
import { readFileSync } from 'node:fs';

export interface SchedStat {
  runMs: number;
  waitMs: number;
}

export function schedStat(pid: number, tid = pid): SchedStat | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}

/** Starts counting for the main thread of each process; the returned function says, per process, ms run and waited per second since. */
export function startSchedStats(pids: Record<string, number>): () => string {
  const started = performance.now();
  const before = Object.entries(pids).map(([name, pid]) => ({ name, pid, stat: schedStat(pid) }));
  return () => {
    const seconds = (performance.now() - started) / 1000;
    return before
      .map(({ name, pid, stat }) => {
        const now = schedStat(pid);
        if (!stat || !now) return `${name}: not known`;
        const perSecond = (ms: number): string => `${(ms / seconds).toFixed(0)} ms/s`;
        return `${name} ran ${perSecond(now.runMs - stat.runMs)}, waited for a CPU ${perSecond(now.waitMs - stat.waitMs)}`;
      })
      .join('; ');
  };
}
