import { execFile } from 'node:child_process';
import { EngineError } from '../engine/errors';

export interface RunToolOptions {
  /** What to tell the user when the tool is not installed. */
  missing: string;
  /** Exit codes that still mean "here is the listing" (lsof exits 1 when it skipped something). */
  acceptExitCodes?: readonly number[];
  timeoutMs?: number;
}

/** Runs a system tool (lsof, netstat, tasklist) and returns its output; failures become EngineErrors a person can read. */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = error.code;
      if (code === 'ENOENT') return reject(new EngineError('TOOL_MISSING', options.missing));
      if (error.killed) {
        return reject(new EngineError('ETIMEDOUT', `${command} did not finish within ${timeoutMs / 1000} s`));
      }
      if (typeof code === 'number' && options.acceptExitCodes?.includes(code)) return resolve(stdout);
      const detail = stderr.trim().split('\n')[0] || error.message;
      reject(new EngineError('TOOL_FAILED', `${command} failed: ${detail}`));
    });
  });
}
