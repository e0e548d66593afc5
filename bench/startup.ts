/**
 * 6. Start-up: from `npm run host` (build included, as a user runs it) to a UI that answers a
 * click, in an already running Chromium. The reference is the same browser loading one page with
 * one button from a bare node:http server started the same way.
 */
import type { Page } from '@playwright/test';
import type { BenchContext } from './lib/context';
import { launchChromium } from './lib/browser';
import { startProcess } from './lib/proc';
import type { Row } from './lib/report';

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
  const start = performance.now();
  const server = startProcess(command, args, { detached: true });
  try {
    const url = (await server.waitForLine(/Open: (\S+)/, 60_000))[1];
    const serving = performance.now() - start;
    await page.goto(url);
    await becomeInteractive(page);
    return { serving, interactive: performance.now() - start };
  } finally {
    // Started detached: `npm run host` runs node under npm and a shell, and the whole group stops.
    await server.stop();
  }
}

export async function startup(ctx: BenchContext): Promise<Row[]> {
  const rounds = ctx.smoke ? 1 : 3;
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
        await timeStart(fresh, 'npm', ['run', '--silent', 'host'], async (p) => {
          await p.getByRole('status', { name: 'Engine connection' }).filter({ hasNotText: 'Connecting' }).waitFor({ timeout: 30_000 });
          await p.getByRole('button', { name: 'New UDP socket' }).click({ timeout: 30_000 });
          await p.getByRole('dialog').waitFor({ timeout: 30_000 });
        }),
      );
      await fresh.close();
      const last = ours[ours.length - 1];
      ctx.log(
        `startup round ${round}: npm run host serving after ${(last.serving / 1000).toFixed(2)} s, interactive after ` +
          `${(last.interactive / 1000).toFixed(2)} s; bare page ${(bare[bare.length - 1].interactive / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    await browser.close();
  }
  const best = (timings: Timing[], key: keyof Timing): number => Math.min(...timings.map((t) => t[key]));
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  return [
    {
      benchmark: '6 Start-up',
      measure: `\`npm run host\` (build included) to a UI that answers a click (best of ${rounds}; serving after ${seconds(best(ours, 'serving'))})`,
      sockscope: seconds(best(ours, 'interactive')),
      reference: `bare node:http page ${seconds(best(bare, 'interactive'))}`,
      ratio: best(ours, 'interactive') / best(bare, 'interactive'),
    },
  ];
}
