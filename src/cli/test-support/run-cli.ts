/**
 * `sockscope …` run from source as a user runs it: a process of its own, its exit code and what
 * it printed. Every CLI test starts it this way, with one timeout and one way of failing.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
/** `node` arguments that run the CLI from source. */
export const CLI = ['--import', 'tsx', 'src/cli/index.ts'];

export interface CliRun {
  code: number;
  stdout: string;
  /** stdout as the bytes written, for output that is not text. */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface CliRunOptions {
  /** Written to its standard input, which is then closed. */
  input?: string;
  /** Runs it as another user (root only): what the OS hides from an unprivileged one. */
  user?: { uid: number; gid: number };
  /** A program that runs node in turn, e.g. `['setpriv', '--reuid=65534', '--']`. */
  prefix?: string[];
}

/**
 * tsx compiles the CLI from source at every start, which takes seconds on a busy two-core
 * machine. A run that still has not exited after this long is stuck, and says so.
 */
const TIMEOUT_MS = 60_000;

/** Runs `sockscope <args>` to its exit. Rejects only if it does not exit by itself. */
export function runCli(args: string[], { prefix = [], ...options }: CliRunOptions = {}): Promise<CliRun> {
  const [command, ...rest] = [...prefix, 'node', ...CLI, ...args];
  return runProgram(command, rest, options);
}

/** Runs any program to its exit as runCli does (a peer such as ncat or packetsender, in the CLI's tests). */
export function runProgram(command: string, args: string[], { input, user }: Omit<CliRunOptions, 'prefix'> = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const options = { cwd: ROOT, timeout: TIMEOUT_MS, encoding: 'buffer' as const, maxBuffer: 64 * 1024 * 1024, ...user };
    const child = execFile(command, args, options, (error, stdout, stderr) => {
      if (error?.killed) {
        fail(new Error(`${command} ${args.join(' ')} did not exit within ${TIMEOUT_MS / 1000} s; stderr: ${stderr.toString() || '(empty)'}`));
        return;
      }
      done({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout.toString(), stdoutBytes: stdout, stderr: stderr.toString() });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
