/**
 * Where Sockscope keeps the user's workspace: the platform's per-user settings folder (what
 * Electron calls appData) + "Sockscope", the same for the desktop app and the browser host.
 * SOCKSCOPE_CONFIG_DIR overrides it (tests, portable setups).
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const CONFIG_DIR_ENV = 'SOCKSCOPE_CONFIG_DIR';
export const APP_FOLDER = 'Sockscope';

export interface ConfigDirOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** Electron's app.getPath('appData'), when running in Electron. */
  appData?: string;
}

/** `~/.config` (or $XDG_CONFIG_HOME), `~/Library/Application Support`, `%APPDATA%`. */
export function platformConfigBase({ env = process.env, platform = process.platform, home = homedir() }: ConfigDirOptions = {}): string {
  if (platform === 'win32') return env.APPDATA || join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
}

export function configDir(options: ConfigDirOptions = {}): string {
  const override = (options.env ?? process.env)[CONFIG_DIR_ENV];
  if (override) return resolve(override);
  return join(options.appData ?? platformConfigBase(options), APP_FOLDER);
}
