/**
 * 3. Connections, in the window: 19,000 connections arrive at a listener while the browser host's
 * page (Debian's Chromium) shows the socket list, and stay open. Measured in the page, as in
 * benchmark 5: the gaps between animation frames while they arrive, are held and the list is
 * scrolled (p95 ≤ 33 ms, max ≤ 100 ms); and whether the list scrolls through them (a wheel over
 * it moves it, and the rows it shows change). Judged on the median of three rounds, each with a
 * host and a page of its own.
 */
import type { Locator, Page } from '@playwright/test';
import type { BenchContext } from './lib/context';
import { launchChromium } from './lib/browser';
import { startHost } from './lib/host';
import { FRAME_TARGET, framesPass, gaps, installProbe, record } from './lib/page-probe';
import { sleep } from './lib/proc';
import { msAcross, percentile, spreadOf, type Row } from './lib/report';
import { Clients } from './lib/tcp-clients';

/** How long the page is watched once every connection is in, before the list is scrolled, ms. */
const HELD_MS = 3000;

interface Round {
  gaps: number[];
  scrolls: boolean;
  scrollNote: string;
  /** Seconds from the clients' start until the page's list had every connection. */
  shownAfter: number;
}

/** The socket list's rows ("options"), and the element that scrolls them. */
function socketList(page: Page): { rows: Locator; scroller: () => Promise<{ top: number; height: number }> } {
  const list = page.getByRole('listbox', { name: 'Sockets' });
  return {
    rows: list.getByRole('option'),
    scroller: () => list.evaluate((el) => ({ top: el.parentElement?.scrollTop ?? 0, height: el.parentElement?.scrollHeight ?? 0 })),
  };
}

/** Wheel down over the list: it must move, and show other rows than before. */
async function checkListScrolling(page: Page, count: number): Promise<{ ok: boolean; note: string }> {
  const { rows, scroller } = socketList(page);
  const first = (): Promise<string> =>
    rows
      .first()
      .getAttribute('aria-label')
      .then((label) => label ?? '');
  const before = await scroller();
  const firstBefore = await first();
  await rows.first().hover();
  for (let i = 0; i < 5; i++) {
    await page.mouse.wheel(0, 4000);
    await sleep(100);
  }
  await sleep(300);
  const after = await scroller();
  const firstAfter = await first();
  const moved = after.top - before.top;
  // Each of the connections is a row: the list is as tall as all of them, whatever it draws.
  const rowsTall = before.height >= count * 10;
  const ok = moved > 0 && firstAfter !== firstBefore && rowsTall;
  const note =
    `${count.toLocaleString('en')} connections in a list ${Math.round(before.height).toLocaleString('en')} px tall; ` +
    `wheel down moved it ${Math.round(moved)} px, ${firstAfter !== firstBefore ? 'showing other rows' : 'showing the same rows'}`;
  return { ok, note };
}

async function round(ctx: BenchContext, count: number, processes: number): Promise<Round> {
  const host = await startHost(ctx.hostNodeArgs);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.url);
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    const { rows } = socketList(page);
    await rows.first().waitFor();
    await installProbe(page);
    await record(page, true);
    const clients = new Clients(listener.local?.port ?? 0, count, processes);
    try {
      const started = performance.now();
      await clients.connected();
      // Every connection listed in the page: the listener's row says how many it holds.
      await page.getByText(`${count.toLocaleString('en-US')} connections`, { exact: true }).waitFor({ timeout: 120_000 });
      const shownAfter = (performance.now() - started) / 1000;
      await sleep(HELD_MS);
      const scroll = await checkListScrolling(page, count);
      const probe = await record(page, false);
      const frameGaps = gaps(probe.frames);
      ctx.log(
        `connections in the window: ${count} shown after ${shownAfter.toFixed(1)} s; ${probe.frames.length} frames, ` +
          `gap p50 ${percentile(frameGaps, 50).toFixed(1)} / p95 ${percentile(frameGaps, 95).toFixed(1)} / max ${Math.max(...frameGaps).toFixed(1)} ms; ${scroll.note}`,
      );
      return { gaps: frameGaps, scrolls: scroll.ok, scrollNote: scroll.note, shownAfter };
    } finally {
      await clients.close();
    }
  } finally {
    await browser.close();
    await host.stop();
  }
}

export async function connectionsUi(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.smoke ? 500 : 19_000;
  const processes = ctx.smoke ? 1 : 4;
  const rounds: Round[] = [];
  for (let i = 0; i < (ctx.smoke ? 1 : 3); i++) rounds.push(await round(ctx, count, processes));
  const p50 = msAcross(rounds, (r) => percentile(r.gaps, 50));
  const p95 = msAcross(rounds, (r) => percentile(r.gaps, 95));
  const max = msAcross(rounds, (r) => Math.max(...r.gaps));
  const stuck = rounds.find((r) => !r.scrolls);
  const n = count.toLocaleString('en');
  const shown = spreadOf(
    rounds.map((r) => r.shownAfter),
    false,
  ).median;
  return [
    {
      benchmark: '3 Connections',
      measure: `${n} arriving in the socket list, held, scrolled (all listed ${shown.toFixed(1)} s after the clients started, median)${rounds.length === 1 ? '' : `, median of ${rounds.length} rounds (their spread)`}: frame gap p50 / p95 / max`,
      sockscope: `${p50.text} / ${p95.text} / ${max.text}`,
      target: ctx.smoke ? undefined : FRAME_TARGET,
      pass: ctx.smoke ? undefined : framesPass(p95.median, max.median),
    },
    {
      benchmark: '3 Connections',
      measure: `${n} in the socket list: the list scrolls${rounds.length === 1 ? '' : ' in every round'}`,
      sockscope: stuck ? 'no' : 'yes',
      reference: (stuck ?? rounds[0]).scrollNote,
      target: ctx.smoke ? undefined : 'scrolls',
      pass: ctx.smoke ? undefined : !stuck,
    },
  ];
}
