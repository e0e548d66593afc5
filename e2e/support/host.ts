import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningHost {
  url: string;
  port: number;
  /** Where it keeps its saved workspace (SOCKSCOPE_CONFIG_DIR). */
  configDir: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Freezes the host (SIGSTOP) until `resume`: it reads nothing while the kernel queues traffic for it. */
  freeze(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** Starts the built browser host (`out/main/cli.js host`) the way a user does, on a free port. */
export async function startBuiltHost(
  options: {
    configDir?: string;
    /** What node runs instead of the built CLI (say, the sources through tsx, with extra modules). */
    nodeArgs?: string[];
    /** Options after `host` for the built CLI. */
    args?: string[];
  } = {},
): Promise<RunningHost> {
  // A config folder of its own unless a test shares one between hosts: no test sees another's
  // saved workspace, nor the user's.
  const ownDir = options.configDir === undefined ? mkdtempSync(join(tmpdir(), 'sockscope-e2e-')) : undefined;
  const configDir = options.configDir ?? ownDir ?? '';
  const removeOwnDir = (): void => {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  const child = spawn(process.execPath, options.nodeArgs ?? [resolve(__dirname, '../../out/main/cli.js'), 'host', ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SOCKSCOPE_CONFIG_DIR: configDir },
  });
  let output = '';
  const started = new Promise<string>((resolveUrl, reject) => {
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
  const url = await started.catch((error: unknown) => {
    removeOwnDir();
    throw error;
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    removeOwnDir();
  };
  return {
    url,
    port: Number(new URL(url).port),
    configDir,
    output: () => output,
    freeze: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      child.kill('SIGCONT');
      await stop();
    },
  };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
