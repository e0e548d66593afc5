/**
 * The Electron binary for `npm start` / `npm run dev`. electron 42+ has no postinstall and
 * electron-vite reads `node_modules/electron/path.txt` without ever asking for the download, so
 * a fresh `npm install` has no binary: this fetches it with the electron package's own
 * installer, and when that fails says why in words (never a stack trace).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type BinaryCheck = { ok: true; path: string } | { ok: false; reason: string };

const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

/** The electron package's folder and version, as node resolves it from the project. */
export function electronPackage(root: string): { dir: string; version: string } {
  const manifest = require.resolve('electron/package.json', { paths: [root] });
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

/** The binary path.txt names, if path.txt and the file it names are both there. */
export function installedBinary(dir: string): string | undefined {
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Runs the electron package's install.js (it downloads, checks the checksum and unpacks), for at most `timeoutMs`. */
export async function downloadBinary(dir: string, version: string, timeoutMs: number): Promise<BinaryCheck> {
  const installer = spawn(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  installer.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    installer.kill('SIGTERM');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    installer.on('error', () => resolve(null));
    installer.on('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  const binary = installedBinary(dir);
  if (code === 0 && binary) return { ok: true, path: binary };
  if (timedOut) return { ok: false, reason: `the download took longer than ${Math.round(timeoutMs / 1000)} s and was stopped` };
  return { ok: false, reason: await failureReason(stderr, version) };
}

/** The installer's error line, without its stack, and for a network failure what the network said. */
async function failureReason(stderr: string, version: string): Promise<string> {
  const line = stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => /^(\w*Error|Error)\b:/.test(text));
  const message = line?.replace(/^\w*Error:\s*/, '') ?? (stderr.trim().split('\n')[0] || 'the installer exited without saying why');
  if (!/fetch failed/i.test(message)) return message;
  return `${message} (${await networkCause(mirrorBase(), version)})`;
}

/** Where @electron/get downloads from: ELECTRON_MIRROR (or its npm config forms), else GitHub. */
function mirrorBase(): string {
  return process.env.npm_config_electron_mirror ?? process.env.NPM_CONFIG_ELECTRON_MIRROR ?? process.env.ELECTRON_MIRROR ?? DEFAULT_MIRROR;
}

/** undici says only "fetch failed"; asking the host once more tells no network from a refusal or a proxy. */
async function networkCause(base: string, version: string): Promise<string> {
  let host: string;
  try {
    host = new URL(base).host;
  } catch {
    return `the mirror ${base} is not a URL`;
  }
  try {
    await fetch(`${base}v${version}/`, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return `${host} answered when asked again: try once more`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${host}: no network, or DNS only through a proxy`;
    if (code === 'ECONNREFUSED') return `${host} refused the connection`;
    if (code === 'ECONNRESET') return `${host} reset the connection (a proxy or firewall?)`;
    if (/TIMEOUT|ETIMEDOUT/i.test(code) || (error as Error).name === 'TimeoutError') return `${host} did not answer (a firewall or proxy?)`;
    if (/CERT|SELF_SIGNED/i.test(code)) return `${host}'s certificate is not trusted (${code}): a TLS-inspecting proxy?`;
    return `${host}: ${code || cause?.message || (error as Error).message}`;
  }
}
