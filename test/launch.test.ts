/**
 * `npm start` as a new user meets it, run as a real `npm start` process: without the Electron
 * binary and without a way to download it, one paragraph saying why and what to do instead;
 * with ELECTRON_EXEC_PATH naming a stand-in, the stand-in launched on the built app.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, chmodSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadBinary, electronPackage, installedBinary } from '../scripts/electron-binary';
import { freePort } from '../src/main/engine/test-support/peers';
import { scratchDir } from '../src/main/export/test-support/tshark';

const root = resolve(__dirname, '..');
let files: ReturnType<typeof scratchDir>;

beforeEach(() => {
  files = scratchDir();
});

afterEach(() => files.remove());

function npmStart(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  delete clean.ELECTRON_EXEC_PATH;
  return new Promise((done) => {
    execFile('npm', ['start'], { cwd: root, timeout: 110_000, env: { ...clean, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const binaryPresent = installedBinary(electronPackage(root).dir) !== undefined;

describe('npm start', () => {
  it.skipIf(binaryPresent)(
    'without the binary and no way to fetch it: exits 1 with one paragraph naming the cause and offering npm run host',
    async () => {
      // A closed loopback port as the mirror, and an empty download cache: the download fails at once, the same way every time.
      const port = await freePort();
      const run = await npmStart({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: files.path('cache') });
      expect(run.code).toBe(1);
      const { version } = electronPackage(root);
      const paragraph = run.stderr.trim().split('\n').at(-1) ?? '';
      expect(paragraph).toMatch(
        new RegExp(
          `^Sockscope cannot open the desktop app: could not download Electron ${version.replace(/\./g, '\\.')}: fetch failed \\(127\\.0\\.0\\.1:${port} refused the connection\\)\\. `,
        ),
      );
      expect(paragraph).toContain('`npm run host` serves the same UI to your browser.');
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr.trim().split('\n')).toHaveLength(2); // "fetching it once …", then the paragraph
    },
    120_000,
  );

  it('with ELECTRON_EXEC_PATH: builds, then launches that executable on the built app', async () => {
    const record = files.path('launched.txt');
    const standIn = files.write(
      'electron-stand-in.sh',
      Buffer.from(`#!/bin/sh\n{ echo "cwd=$(pwd)"; for arg in "$@"; do echo "arg=$arg"; done; } > '${record}'\n`),
    );
    chmodSync(standIn, 0o755);
    const started = Date.now();
    const run = await npmStart({ ELECTRON_EXEC_PATH: standIn });
    expect(run.stderr).not.toContain('Sockscope cannot open');
    expect(run.code).toBe(0);
    expect(readFileSync(record, 'utf8')).toBe(`cwd=${root}\narg=.\n`);
    // "." is the project: its package.json's main is the app electron-vite has just built.
    expect(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).main).toBe('./out/main/index.js');
    expect(statSync(resolve(root, 'out/main/index.js')).mtimeMs).toBeGreaterThanOrEqual(started - 2000);
  }, 120_000);

  it('with ELECTRON_EXEC_PATH naming nothing runnable: says so, exit 1', async () => {
    const run = await npmStart({ ELECTRON_EXEC_PATH: files.path('missing-electron') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Sockscope cannot open the desktop app: ELECTRON_EXEC_PATH names ${files.path('missing-electron')}, which is not an executable file.`,
    );
  }, 120_000);

  it.skipIf(process.platform !== 'linux')(
    "on first launch, fetches the binary with the electron package's own installer (here from a local mirror)",
    async () => {
      // A copy of the electron package without dist/, and a mirror serving a stand-in "Electron" zip with its checksum.
      const { dir: installed, version } = electronPackage(root);
      const dir = files.path('electron');
      mkdirSync(dir);
      for (const name of ['install.js', 'package.json', 'checksums.json']) copyFileSync(join(installed, name), join(dir, name));
      const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
      const zip = files.path(zipName);
      execFileSync('python3', ['-c', ZIP_STAND_IN, zip, version]);
      const sum = execFileSync('sha256sum', [zip]).toString().split(' ')[0];
      const served: Record<string, Buffer> = {
        [`/v${version}/${zipName}`]: readFileSync(zip),
        [`/v${version}/SHASUMS256.txt`]: Buffer.from(`${sum} *${zipName}\n`),
      };
      const mirror = createServer((request, response) => {
        const body = served[request.url ?? ''];
        response.writeHead(body ? 200 : 404).end(body);
      });
      await new Promise<void>((done) => mirror.listen(0, '127.0.0.1', done));
      const saved = { ...process.env };
      Object.assign(process.env, {
        ELECTRON_MIRROR: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`,
        electron_use_remote_checksums: '1',
        electron_config_cache: files.path('cache'),
        // The copy's install.js finds @electron/get where npm put it.
        NODE_PATH: join(root, 'node_modules'),
      });
      try {
        expect(installedBinary(dir)).toBeUndefined();
        const fetched = await downloadBinary(dir, version, 60_000);
        expect(fetched).toEqual({ ok: true, path: join(dir, 'dist', 'electron') });
        expect(execFileSync(join(dir, 'dist', 'electron'), ['.']).toString()).toBe('stand-in electron .\n');
      } finally {
        process.env = saved;
        await new Promise((done) => mirror.close(done));
      }
    },
    90_000,
  );
});

/** Writes a zip like Electron's release: the executable and a version file. */
const ZIP_STAND_IN = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    entry = zipfile.ZipInfo('electron')
    entry.external_attr = 0o755 << 16
    z.writestr(entry, '#!/bin/sh\\necho stand-in electron "$@"\\n')
    z.writestr('version', 'v' + sys.argv[2])
`;
