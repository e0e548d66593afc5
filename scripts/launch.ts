/**
 * `npm start` (tsx scripts/launch.ts start) and `npm run dev` (… dev): make sure the Electron
 * binary is there, fetching it once if not, then hand over to `electron-vite preview` (which
 * builds first) or `electron-vite dev`. Arguments after the mode go to electron-vite.
 *
 * ELECTRON_EXEC_PATH names an Electron to run instead (electron-vite honours it too);
 * SOCKSCOPE_ELECTRON_DOWNLOAD_TIMEOUT_MS bounds the download (default 10 minutes).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { downloadBinary, electronPackage, installedBinary, type BinaryCheck } from './electron-binary';

const root = resolve(__dirname, '..');
const modes = { start: 'preview', dev: 'dev' } as const;

async function ensureElectron(): Promise<BinaryCheck> {
  const chosen = process.env.ELECTRON_EXEC_PATH;
  if (chosen) {
    try {
      accessSync(chosen, constants.X_OK);
      return { ok: true, path: chosen };
    } catch {
      return { ok: false, reason: `ELECTRON_EXEC_PATH names ${chosen}, which is not an executable file` };
    }
  }
  let electron: { dir: string; version: string };
  try {
    electron = electronPackage(root);
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run `npm install` first; `npm install --omit=dev` leaves it out)' };
  }
  const { dir, version } = electron;
  const present = installedBinary(dir);
  if (present) return { ok: true, path: present };
  process.stderr.write(`Electron ${version} is not downloaded yet: fetching it once (about 100 MB) into ${dir}/dist …\n`);
  const timeoutMs = Number(process.env.SOCKSCOPE_ELECTRON_DOWNLOAD_TIMEOUT_MS) || 10 * 60_000;
  const fetched = await downloadBinary(dir, version, timeoutMs);
  return fetched.ok ? fetched : { ok: false, reason: `could not download Electron ${version}: ${fetched.reason}` };
}

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode !== 'start' && mode !== 'dev') {
    process.stderr.write('usage: tsx scripts/launch.ts start|dev [electron-vite options]\n');
    return 2;
  }
  const electron = await ensureElectron();
  if (!electron.ok) {
    process.stderr.write(
      `Sockscope cannot open the desktop app: ${electron.reason}. ` +
        'Behind a proxy, set HTTPS_PROXY with ELECTRON_GET_USE_PROXY=1 (or ELECTRON_MIRROR) and run it again; ' +
        'or point ELECTRON_EXEC_PATH at an Electron binary. ' +
        'Without Electron, `npm run host` serves the same UI to your browser.\n',
    );
    return 1;
  }
  const cli = join(dirname(require.resolve('electron-vite/package.json', { paths: [root] })), 'bin/electron-vite.js');
  const child = spawn(process.execPath, [cli, modes[mode], ...rest], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: electron.path },
  });
  // Ctrl-C reaches the whole process group: electron-vite decides how to stop, and this launcher
  // ends with it. SIGTERM to this launcher alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((done) => {
    child.on('error', () => done(1));
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

void main().then((code) => process.exit(code));
