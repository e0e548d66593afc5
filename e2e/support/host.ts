import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface RunningHost {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the built browser host (`out/main/cli.js host`) the way a user does, on a free port. */
export async function startBuiltHost(): Promise<RunningHost> {
  const child = spawn(process.execPath, [resolve(__dirname, '../../out/main/cli.js'), 'host'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Open: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}:\n${output}`)));
  });
  return { url, port: Number(new URL(url).port), stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
