/**
 * Where the start-up benchmark's time goes, milestone by milestone, for one or more builds side by
 * side (rounds interleaved, so that the machine's load falls on each alike):
 *
 *   npx tsx bench/tools/startup-timeline.ts [--rounds=5] [--trace=dir] [outDir …]
 *
 * Each outDir is a built `out/` (default: the project's). Times are from starting the host, as in
 * bench/startup.ts; the page's own milestones come from its Performance API and a wrapped WebSocket.
 * With --trace, each round's Chrome trace is written to dir and its long tasks printed, with the
 * page's main-thread CPU in its module scripts and in its first click's task (steadier than wall
 * times on a busy machine). The page's own marks say when it showed "connected" and the dialog
 * (the first frame with each) and when the click reached it: Playwright's own steps lie between.
 */
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { launchChromium } from '../lib/browser';
import { startAsNewUser } from '../lib/new-user';
import { ROOT } from '../lib/proc';
import { longTasks, pageCpu, startTrace } from '../lib/trace';
import { engineConnected } from '../startup';

interface PageMilestones {
  /** performance.timeOrigin: when the navigation started, epoch ms. */
  origin: number;
  responseEnd: number;
  domContentLoaded: number;
  load: number;
  firstPaint: number;
  wsCreated: number;
  wsOpen: number;
  wsFirstMessage: number;
  wsFirstSend: number;
  /** The first frame whose status bar says the engine is connected (what engineConnected waits for). */
  shownConnected: number;
  /** When the page received the click on New UDP socket, and the first frame with the dialog in it. */
  clicked: number;
  shownDialog: number;
  resources: { name: string; start: number; end: number; bytes: number }[];
}

// Runs in the page before its own scripts: notes when the host's WebSocket was made, opened and first spoke.
const WRAP_WEBSOCKET = `(() => {
  const marks = (window.__startupMarks = {});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      marks.wsCreated ??= performance.now();
      this.addEventListener('open', () => (marks.wsOpen ??= performance.now()));
      this.addEventListener('message', () => (marks.wsFirstMessage ??= performance.now()));
    }
    send(data) {
      marks.wsFirstSend ??= performance.now();
      return super.send(data);
    }
  };
  addEventListener('click', () => (marks.clicked ??= performance.now()), true);
  const look = () => {
    const text = document.querySelector('[role="status"][aria-label="Engine connection"]')?.textContent;
    if (marks.shownConnected === undefined && typeof text === 'string' && !text.includes('Connecting')) marks.shownConnected = performance.now();
    if (document.querySelector('[role="dialog"][aria-modal="true"]')) marks.shownDialog = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;

async function pageMilestones(page: Page): Promise<PageMilestones> {
  return page.evaluate(() => {
    const marks = (window as unknown as { __startupMarks: Record<string, number> }).__startupMarks;
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const paint = performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint');
    return {
      origin: performance.timeOrigin,
      responseEnd: navigation.responseEnd,
      domContentLoaded: navigation.domContentLoadedEventEnd,
      load: navigation.loadEventEnd,
      firstPaint: paint?.startTime ?? NaN,
      wsCreated: marks.wsCreated ?? NaN,
      wsOpen: marks.wsOpen ?? NaN,
      wsFirstMessage: marks.wsFirstMessage ?? NaN,
      wsFirstSend: marks.wsFirstSend ?? NaN,
      shownConnected: marks.shownConnected ?? NaN,
      clicked: marks.clicked ?? NaN,
      shownDialog: marks.shownDialog ?? NaN,
      resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((entry) => ({
        name: entry.name.split('/').pop() ?? entry.name,
        start: entry.startTime,
        end: entry.responseEnd,
        bytes: entry.encodedBodySize,
      })),
    };
  });
}

interface Round {
  serving: number;
  navigationStart: number;
  connected: number;
  interactive: number;
  page: PageMilestones;
  longTasks: string[];
  /** With a trace: the page's main-thread CPU (ms) in its module scripts and its first click's task. */
  cpu?: ReturnType<typeof pageCpu>;
}

async function oneRound(page: Page, outDir: string, traceFile: string | undefined): Promise<Round> {
  const stopTrace = traceFile ? await startTrace(page) : undefined;
  const startEpoch = Date.now();
  const start = performance.now();
  // As the benchmark starts it: a new user's config folder, and the status bar looked at every frame.
  const host = await startAsNewUser(process.execPath, [resolve(outDir, 'main/cli.js'), 'host', '--port', '0'], 'startup-timeline');
  try {
    const serving = performance.now() - start;
    await page.goto(host.url);
    await engineConnected(page);
    const connected = performance.now() - start;
    await page.getByRole('button', { name: 'New UDP socket' }).click({ timeout: 30_000 });
    await page.getByRole('dialog').waitFor({ timeout: 30_000 });
    const interactive = performance.now() - start;
    const milestones = await pageMilestones(page);
    const events = stopTrace && traceFile ? await stopTrace(traceFile) : undefined;
    return {
      serving,
      navigationStart: milestones.origin - startEpoch,
      connected,
      interactive,
      page: milestones,
      longTasks: events ? longTasks(events, 5) : [],
      cpu: events ? pageCpu(events) : undefined,
    };
  } finally {
    await host.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 5);
  const traceDir = args.find((arg) => arg.startsWith('--trace='))?.slice('--trace='.length);
  const builds = args.filter((arg) => !arg.startsWith('--'));
  if (builds.length === 0) builds.push(resolve(ROOT, 'out'));
  if (traceDir) mkdirSync(traceDir, { recursive: true });
  const browser = await launchChromium();
  const results = new Map<string, Round[]>(builds.map((build) => [build, []]));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [index, build] of builds.entries()) {
        const context = await browser.newContext();
        await context.addInitScript(WRAP_WEBSOCKET);
        const page = await context.newPage();
        const traceFile = traceDir ? resolve(traceDir, `build${index}-round${round}.json`) : undefined;
        const result = await oneRound(page, build, traceFile);
        await context.close();
        results.get(build)?.push(result);
        const at = (ms: number): string => (result.navigationStart + ms).toFixed(0);
        const p = result.page;
        console.log(
          `build ${index} round ${round}: serving ${result.serving.toFixed(0)} · navigation ${result.navigationStart.toFixed(0)} · html ${at(p.responseEnd)} · ` +
            `ws made ${at(p.wsCreated)} open ${at(p.wsOpen)} first send ${at(p.wsFirstSend)} first message ${at(p.wsFirstMessage)} · ` +
            `DCL ${at(p.domContentLoaded)} · FCP ${at(p.firstPaint)} · load ${at(p.load)} · shown connected ${at(p.shownConnected)} · ` +
            `connected ${result.connected.toFixed(0)} · click ${at(p.clicked)} · shown dialog ${at(p.shownDialog)} · interactive ${result.interactive.toFixed(0)} ms`,
        );
        console.log(`  files: ${p.resources.map((r) => `${r.name} ${at(r.start)}→${at(r.end)}`).join(', ')}`);
        for (const line of result.longTasks) console.log(`  long task ${line}`);
      }
    }
  } finally {
    await browser.close();
  }
  for (const [index, build] of builds.entries()) {
    const all = results.get(build) ?? [];
    const column = (pick: (r: Round) => number, digits = 0): string => median(all.map(pick)).toFixed(digits);
    console.log(
      `build ${index} (${build}) medians: serving ${column((r) => r.serving)} · FCP ${column((r) => r.navigationStart + r.page.firstPaint)} · ` +
        `load ${column((r) => r.navigationStart + r.page.load)} · first message ${column((r) => r.navigationStart + r.page.wsFirstMessage)} · ` +
        `shown connected ${column((r) => r.navigationStart + r.page.shownConnected)} · connected ${column((r) => r.connected)} · ` +
        `click ${column((r) => r.navigationStart + r.page.clicked)} · shown dialog ${column((r) => r.navigationStart + r.page.shownDialog)} · ` +
        `interactive ${column((r) => r.interactive)} ms`,
    );
    if (all.some((r) => r.cpu)) {
      console.log(
        `build ${index} page CPU medians: module scripts (first render inside) ${column((r) => r.cpu?.evaluateModule ?? NaN, 1)} · ` +
          `first click's task ${column((r) => r.cpu?.firstClickTask ?? NaN, 1)} ms`,
      );
    }
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
