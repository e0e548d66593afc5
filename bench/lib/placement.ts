/**
 * Which CPU a benchmark's sender and receiver run on. A stream of tiny TCP writes between two
 * processes went at ~350 k msg/s when the scheduler put both on one CPU (the receiver reads while
 * the writer is preempted, ~700 B a read) and at ~200 k msg/s on two (the receiver is woken by
 * nearly every 64 B segment), for socat, a bare Node receiver and Sockscope alike
 * (bench/tools/tcp-placement.ts). Unpinned, each side of a round met whichever placement the
 * scheduler chose, and the round's ratio said more about that than about the receiver. Pinned,
 * the sender and the receiver each have a CPU of their own, the same two for every receiver, as a
 * client and a server on two cores run; a receiver's helper threads (V8's collector) stay on its
 * CPU instead of taking turns on the sender's.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cpus } from 'node:os';

export interface Placement {
  sender: number;
  receiver: number;
}

function hasTaskset(): boolean {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) {
    try {
      accessSync(`${dir}/taskset`, constants.X_OK);
      return true;
    } catch {
      // not there
    }
  }
  return false;
}

/** A CPU each, or undefined where there is one CPU or no taskset (util-linux): then unpinned. */
export const APART: Placement | undefined =
  process.platform === 'linux' && cpus().length >= 2 && hasTaskset() ? { sender: 0, receiver: 1 } : undefined;

/** `command args` to run on `cpu` (as is when `cpu` is undefined). */
export function onCpu(cpu: number | undefined, command: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}

/** Moves every thread of a running process to `cpu`, or back to every CPU when `cpu` is undefined. */
export function moveProcess(pid: number, cpu: number | undefined): void {
  const list = cpu === undefined ? `0-${cpus().length - 1}` : String(cpu);
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}
