/**
 * A server started as a new user starts Sockscope: a config folder of its own (no workspace to
 * offer back, no restore banner that comes and goes with whatever earlier benchmarks left open),
 * detached so that stopping it stops its whole process group (`npm run host` runs node under npm
 * and a shell). For the start-up benchmark and the tools that take it apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './proc';

export interface NewUserStart {
  /** What it printed after "Open:". */
  url: string;
  pid: number;
  /** Stops it and removes its config folder. */
  stop(): Promise<void>;
}

/** Starts `command` and resolves once it prints the address to open. */
export async function startAsNewUser(command: string, args: string[], label: string): Promise<NewUserStart> {
  const configDir = mkdtempSync(join(tmpdir(), `sockscope-${label}-`));
  const server = startProcess(command, args, { detached: true, env: { ...process.env, SOCKSCOPE_CONFIG_DIR: configDir } });
  const stop = async (): Promise<void> => {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    const url = (await server.waitForLine(/Open: (\S+)/, 60_000))[1];
    return { url, pid: server.child.pid ?? -1, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
