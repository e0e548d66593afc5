/**
 * 6. Start-up: from starting the built host (`node out/main/cli.js host`, what `npm run host`
 * runs after its build) to a UI that answers a click, in an already running Chromium. The
 * reference is the same browser loading one page with one button from a bare node:http server
 * started the same way. The build is timed on its own: it is the developer's wait, not the app's.
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { BenchContext } from './lib/context';
import { launchChromium } from './lib/browser';
import { startAsNewUser } from './lib/new-user';
import { ROOT, startProcess } from './lib/proc';
import { HOST_SCRIPT } from './lib/host';
import { spreadOf, valueSpread, type Row } from './lib/report';

const BARE_SERVER = `
const page = '<!doctype html><title>bare</title><button onclick="document.body.append(Object.assign(document.createElement(\\'p\\'),{textContent:\\'opened\\'}))">Open</button>';
const server = require('node:http').createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
server.listen(0, '127.0.0.1', () => console.log('Open: http://127.0.0.1:' + server.address().port + '/'));
`;

interface Timing {
  /** Until the URL is printed. */
  serving: number;
  /** Until a click on the first button has had its effect. */
  interactive: number;
}

async function timeStart(page: Page, command: string, args: string[], becomeInteractive: (page: Page) => Promise<void>): Promise<Timing> {
  // A new user's start: the run's shared config folder holds whatever the benchmarks before this one left open.
  const start = performance.now();
  const server = await startAsNewUser(command, args, 'bench-startup');
  try {
    const serving = performance.now() - start;
    await page.goto(server.url);
    await becomeInteractive(page);
    return { serving, interactive: performance.now() - start };
  } finally {
    await server.stop();
  }
}

/**
 * Until the status bar says the engine is connected, looked at in the page on every frame. A
 * locator's wait looks again after 0, 20, 50, 100, 100 and then every 500 ms: a status that changed
 * just after a look was seen up to half a second later, time the harness added, not the app.
 */
export async function engineConnected(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const text = document.querySelector('[role="status"][aria-label="Engine connection"]')?.textContent;
      return typeof text === 'string' && !text.includes('Connecting');
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
}

export async function startup(ctx: BenchContext): Promise<Row[]> {
  const rounds = ctx.smoke ? 1 : 5;
  const browser = await launchChromium();
  const ours: Timing[] = [];
  const bare: Timing[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const page = await browser.newPage();
      bare.push(
        await timeStart(page, process.execPath, ['-e', BARE_SERVER], async (p) => {
          await p.getByRole('button', { name: 'Open' }).click();
          await p.getByText('opened').waitFor();
        }),
      );
      await page.close();
      const fresh = await browser.newPage();
      ours.push(
        await timeStart(fresh, process.execPath, [HOST_SCRIPT, 'host', '--port', '0'], async (p) => {
          await engineConnected(p);
          await p.getByRole('button', { name: 'New UDP socket' }).click({ timeout: 30_000 });
          await p.getByRole('dialog').waitFor({ timeout: 30_000 });
        }),
      );
      await fresh.close();
      const last = ours[ours.length - 1];
      ctx.log(
        `startup round ${round}: built host serving after ${(last.serving / 1000).toFixed(2)} s, interactive after ` +
          `${(last.interactive / 1000).toFixed(2)} s; bare page ${(bare[bare.length - 1].interactive / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    await browser.close();
  }
  const build = await timeBuild();
  ctx.log(`startup: electron-vite build ${(build / 1000).toFixed(2)} s`);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const interactive = spreadOf(
    ours.map((t) => t.interactive),
    false,
  );
  const serving = spreadOf(
    ours.map((t) => t.serving),
    false,
  );
  const bareInteractive = spreadOf(
    bare.map((t) => t.interactive),
    false,
  );
  return [
    {
      benchmark: '6 Start-up',
      measure: `built host to a UI that answers a click (${rounds} rounds; serving after ${seconds(serving.median)} median)`,
      sockscope: valueSpread(interactive, seconds),
      reference: `bare node:http page ${seconds(bareInteractive.median)} median`,
      ratio: interactive.median / bareInteractive.median,
      target: '≤ 0.6 s (median)',
      pass: ctx.smoke ? undefined : interactive.median <= 600,
    },
    { benchmark: '6 Start-up', measure: '`npm run build` (electron-vite: main, preload, renderer), once', sockscope: seconds(build) },
  ];
}

/** One build of the app, as `npm run host` does before it starts. */
async function timeBuild(): Promise<number> {
  const start = performance.now();
  const build = startProcess(process.execPath, [resolve(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT });
  const code = await build.exited;
  if (code !== 0) throw new Error(`electron-vite build exited with ${code}`);
  return performance.now() - start;
}
