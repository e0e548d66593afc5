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
 * Under vitest's 20 s for a test (vitest.config.mts), so that a run that hangs fails saying so, and
 * is killed, rather than outliving a test that timed out. tsx compiling the CLI takes a few seconds
 * on a busy machine; a test that makes several runs sets a longer timeout of its own.
 */
const TIMEOUT_MS = 18_000;

/** Runs `sockscope <args>` to its exit. Rejects if it does not exit by itself, or not with an exit code (a signal, not started). */
export function runCli(args: string[], { prefix = [], ...options }: CliRunOptions = {}): Promise<CliRun> {
  const [command, ...rest] = [...prefix, 'node', ...CLI, ...args];
  return runProgram(command, rest, options);
}

/** Runs any program to its exit as runCli does (a peer such as ncat or packetsender, in the CLI's tests). */
export function runProgram(command: string, args: string[], { input, user }: Omit<CliRunOptions, 'prefix'> = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const options = {
      cwd: ROOT,
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL' as const,
      encoding: 'buffer' as const,
      maxBuffer: 64 * 1024 * 1024,
      ...user,
    };
    const child = execFile(command, args, options, (error, stdout, stderr) => {
      const said = `stderr: ${stderr.toString() || '(empty)'}`;
      if (error?.killed) {
        fail(new Error(`${command} ${args.join(' ')} did not exit within ${TIMEOUT_MS / 1000} s; ${said}`));
        return;
      }
      // Killed by a signal (a crash), never started (ENOENT), or too much output: not an exit code to compare.
      if (error && typeof error.code !== 'number') {
        fail(new Error(`${command} ${args.join(' ')} ended without an exit code (${error.signal ?? error.code ?? error.message}); ${said}`));
        return;
      }
      done({ code: error ? (error.code as number) : 0, stdout: stdout.toString(), stdoutBytes: stdout, stderr: stderr.toString() });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
