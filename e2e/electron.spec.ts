import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { listenerReceivesAndReplies } from './flows/listener-flow';
import { SockscopeApp } from './support/app';
import { findElectronBinary } from './support/electron';

const binary = findElectronBinary();
const skipReason =
  'No Electron binary is installed (electron 45.4.1 fetches it on first launch, and this machine cannot download it). ' +
  'Run `npm start` once with network access, or set ELECTRON_PATH, to run these tests.';
if (!binary) console.log(`[electron] skipped: ${skipReason}`);

test.describe('the real Electron app', () => {
  test.skip(!binary, skipReason);

  test('runs the main flow: listener, ncat, text and hex, reply', async () => {
    const app = await electron.launch({
      executablePath: binary,
      args: [resolve(__dirname, '../out/main/index.js')],
      // Its own settings folder: the test must neither read nor overwrite the user's saved workspace.
      env: { ...process.env, ELECTRON_RENDERER_URL: '', SOCKSCOPE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'sockscope-electron-')) },
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('button', { name: 'New listener' }).waitFor();
      const security = await page.evaluate(() => ({
        bridge: Object.keys(window.sockscope ?? {}).sort(),
        node: typeof (globalThis as { require?: unknown }).require,
      }));
      expect(security).toEqual({ bridge: ['invoke', 'onEvents'], node: 'undefined' });
      await listenerReceivesAndReplies(new SockscopeApp(page), 'electron');
    } finally {
      await app.close();
    }
  });
});
