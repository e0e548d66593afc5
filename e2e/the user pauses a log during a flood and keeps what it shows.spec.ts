import { createSocket } from 'node:dgram';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import type { SockscopeApp } from './support/app';

/**
 * A ring of a thousand entries: the flood below (about ten thousand datagrams a second) turns it
 * over ten times a second, faster than a paused view's rows could be read again, as 200,000
 * entries turn over under a million lines a second. Deterministic on any machine: the rows the
 * view read are gone from the log after the first thousand datagrams, however fast they come.
 */
test.use({ hostArgs: ['--log-entries', '1000'] });

/** The line numbers of the rows wholly on screen in the log, and how many of them are still loading, or say they fell out. */
async function rowsOnScreen(log: Locator): Promise<{ lines: number[]; loading: number; fellOut: number }> {
  return log.evaluate((view) => {
    const box = view.getBoundingClientRect();
    const rows = [...view.querySelectorAll<HTMLElement>('[role="listitem"]')].filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.top >= box.top && rect.bottom <= box.bottom;
    });
    const lines = rows.flatMap((row) => {
      const match = /line (\d+)(?!\d)/.exec(row.textContent ?? '');
      return match ? [Number(match[1])] : [];
    });
    const saying = (text: string): number => rows.filter((row) => (row.textContent ?? '').includes(text)).length;
    return { lines, loading: saying('Loading…'), fellOut: saying('Fell out of the log before it was read') };
  });
}

/**
 * A UDP peer sending `line <n>` (with `suffix`) to `port`: `send(count)` the next numbers, `startFlood`
 * ten thousand a second until `stopFlood` (at most 20 s).
 */
async function linePeer(port: number, suffix = '') {
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  let next = 0;
  const send = (count: number): Promise<void> =>
    Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) =>
            peer.send(`line ${next++}${suffix}`, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
          ),
      ),
    ).then(() => undefined);
  let flooding = false;
  let flood = Promise.resolve();
  return {
    peer,
    send,
    next: () => next,
    startFlood(): void {
      flooding = true;
      const ends = Date.now() + 20_000;
      flood = (async () => {
        while (flooding && Date.now() < ends) {
          await send(100);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
    },
    async stopFlood(): Promise<void> {
      flooding = false;
      await flood;
    },
  };
}

/** A hundred lines come, then the user scrolls up to the first: the log is paused there. */
async function pauseAtTheFirstLine(app: SockscopeApp, send: (count: number) => Promise<void>): Promise<void> {
  for (let burst = 0; burst < 5; burst++) await send(20);
  await expect(app.log.getByRole('listitem').filter({ hasText: /line 99(?!\d)/ })).toBeInViewport();
  await app.log.hover();
  await app.page.mouse.wheel(0, -20_000);
  await expect(app.log.getByRole('listitem').filter({ hasText: /line 0(?!\d)/ })).toBeInViewport();
}

/**
 * A flood while paused: the log says the rows shown have fallen out of it, and half a second later
 * they are still the rows read, with their text (none loading, none said to have fallen out).
 */
async function floodKeepsTheRows(app: SockscopeApp, lines: { startFlood(): void }, shown: { lines: number[] }): Promise<Locator> {
  lines.startFlood();
  const notice = app.page.getByRole('status').filter({ hasText: /^Paused ·/ });
  await expect(notice).toContainText('the rows shown have fallen out of the log');
  await app.page.waitForTimeout(500);
  const kept = await rowsOnScreen(app.log);
  expect(kept.loading).toBe(0);
  expect(kept.fellOut).toBe(0);
  expect(kept.lines.slice(0, 5), 'the same rows, with their text').toEqual(shown.lines.slice(0, 5));
  return notice;
}

test('the user pauses a log during a flood: the rows shown keep their text, the log says it moved on, and Jump to latest follows again', async ({
  app,
}) => {
  const { page } = app;
  const port = await app.bindUdp('127.0.0.1');
  const lines = await linePeer(port);
  const { send, startFlood, stopFlood } = lines;
  try {
    await pauseAtTheFirstLine(app, send);
    await expect(page.getByRole('button', { name: /^Jump to latest/ })).toBeVisible();

    // 400 more while paused, which the ring (a thousand) still holds; then straight to near the end
    // (one scroll, so the rows between are never drawn, nor read).
    for (let burst = 0; burst < 4; burst++) await send(100);
    await expect(page.getByRole('button', { name: /^Jump to latest \(400 new\)$/ })).toBeVisible();
    await app.log.evaluate((view) => {
      view.scrollTop = view.scrollHeight - 3 * view.clientHeight;
    });
    // Drawn at the new place (a screenful of lines), and read.
    await expect
      .poll(
        async () => {
          const { lines, loading } = await rowsOnScreen(app.log);
          return lines.length > 5 && loading === 0;
        },
        { message: 'rows near the end drawn and read' },
      )
      .toBe(true);
    const shown = (await rowsOnScreen(app.log)).lines;
    // The log holds them: nothing to say beyond the usual way back.
    const notice = page.getByRole('status').filter({ hasText: /^Paused ·/ });
    await expect(notice).toBeHidden();

    startFlood();

    await expect(notice).toHaveText(/^Paused · [\d,]+ newer entries since · the rows shown have fallen out of the log\s*Jump to latest$/);
    // The rows shown are the ones read, with their text, however often the ring has turned over
    // since: the same from the top (the notice takes a line at the foot of the view).
    const kept = await rowsOnScreen(app.log);
    expect(kept.lines.length).toBeGreaterThan(shown.length - 4);
    expect(kept).toEqual({ lines: shown.slice(0, kept.lines.length), loading: 0, fellOut: 0 });
    await page.waitForTimeout(500);
    expect(await rowsOnScreen(app.log), 'the same rows, half a second of flood later').toEqual(kept);
    await app.screenshot('log-paused-in-flood-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('log-paused-in-flood-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // A few screens up: rows that fell out of the log before the view read them say so.
    await page.mouse.wheel(0, -3 * ((await app.log.boundingBox())?.height ?? 600));
    await expect.poll(async () => (await rowsOnScreen(app.log)).fellOut).toBeGreaterThan(0);
    expect((await rowsOnScreen(app.log)).loading).toBe(0);
    await app.screenshot('log-paused-rows-fell-out');
    // The first lines, read while paused at the top, are still there to scroll back to.
    await app.log.press('Home');
    await expect(app.log.getByRole('listitem').filter({ hasText: /line 0(?!\d)/ })).toBeInViewport();
    expect((await rowsOnScreen(app.log)).loading).toBe(0);

    await notice.getByRole('button', { name: 'Jump to latest' }).click();
    await expect(notice).toBeHidden();
    await stopFlood();
    const last = lines.next();
    await send(1);
    await expect(app.log.getByRole('listitem').filter({ hasText: new RegExp(`line ${last}(?!\\d)`) })).toBeInViewport();

    // Paused again until the log has moved past the rows shown; then a search finds a match in
    // the entries the log holds now, past the rows kept: the view lets them go and goes to it.
    await page.mouse.wheel(0, -600);
    await expect(page.getByRole('button', { name: /^Jump to latest/ })).toBeVisible();
    startFlood();
    await expect(notice).toBeVisible();
    await stopFlood();
    await new Promise<void>((resolve, reject) => lines.peer.send('needle', port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    await page.keyboard.press('Control+f');
    const bar = page.getByRole('search', { name: 'Search the log' });
    await bar.getByRole('textbox', { name: 'Search text' }).fill('needle');
    await expect(bar.getByRole('status')).toHaveText('1 match');
    await bar.getByRole('textbox', { name: 'Search text' }).press('Enter');
    await expect(bar.getByRole('status')).toHaveText('1 of 1');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'needle' })).toBeInViewport();
    await expect(notice).toBeHidden();
  } finally {
    await stopFlood();
    lines.peer.close();
  }
});

test('a framed log paused in a flood keeps its frames the same way, and Jump to latest follows again', async ({ app }) => {
  const { page } = app;
  const port = await app.bindUdp('127.0.0.1');
  // Line framing: each datagram "frame <n>\n" is a frame, read from main's frames of the log.
  await page.getByRole('button', { name: /^Framing:/ }).click();
  const framing = page.getByRole('dialog', { name: 'Framing' });
  await framing.getByRole('radio', { name: /^Delimiter/ }).check();
  await framing.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('button', { name: 'Framing: Delimiter LF' })).toBeVisible();
  const lines = await linePeer(port, '\n');
  const { send } = lines;
  try {
    await pauseAtTheFirstLine(app, send);
    const shown = await rowsOnScreen(app.log);
    expect(shown.lines.length).toBeGreaterThan(5);

    const notice = await floodKeepsTheRows(app, lines, shown);
    await app.screenshot('log-paused-framed');

    await notice.getByRole('button', { name: 'Jump to latest' }).click();
    await expect(notice).toBeHidden();
    await lines.stopFlood();
    const last = lines.next();
    await send(1);
    await expect(app.log.getByRole('listitem').filter({ hasText: new RegExp(`line ${last}(?!\\d)`) })).toBeInViewport();
  } finally {
    await lines.stopFlood();
    lines.peer.close();
  }
});

test('a log showing only its search matches, paused in a flood, keeps those matches and their text', async ({ app }) => {
  const { page } = app;
  const port = await app.bindUdp('127.0.0.1');
  const lines = await linePeer(port);
  try {
    for (let burst = 0; burst < 10; burst++) await lines.send(20);
    await expect(app.log.getByRole('listitem').filter({ hasText: /line 199(?!\d)/ })).toBeInViewport();
    await page.keyboard.press('Control+f');
    const bar = page.getByRole('search', { name: 'Search the log' });
    await bar.getByRole('textbox', { name: 'Search text' }).fill('line 1');
    await bar.getByRole('checkbox', { name: 'Only matches' }).check();
    // line 1, line 10 … 19, line 100 … 199: more than a screenful.
    await expect(bar.getByRole('status')).toHaveText('111 matches');
    await app.log.hover();
    await page.mouse.wheel(0, -20_000);
    await expect(app.log.getByRole('listitem').filter({ hasText: /line 1(?!\d)/ })).toBeInViewport();
    await expect(page.getByRole('button', { name: /^Jump to latest/ })).toBeVisible();
    const shown = await rowsOnScreen(app.log);
    expect(shown.lines.slice(0, 4)).toEqual([1, 10, 11, 12]);
    expect(shown.lines.length).toBeGreaterThan(5);

    const notice = await floodKeepsTheRows(app, lines, shown);
    expect(await bar.getByRole('status').textContent()).toMatch(/^[\d,]+ matches$/);
    await app.screenshot('log-paused-only-matches');

    await notice.getByRole('button', { name: 'Jump to latest' }).click();
    await expect(notice).toBeHidden();
    await lines.stopFlood();
    // Following again: the matches kept went with the rows that fell out, and the newest come.
    await lines.send(1);
    const last = lines.next() - 1;
    const newest = await rowsOnScreen(app.log);
    await expect.poll(async () => (await rowsOnScreen(app.log)).lines.includes(10)).toBe(false);
    expect(newest.loading).toBe(0);
    if (String(last).startsWith('1'))
      await expect(app.log.getByRole('listitem').filter({ hasText: new RegExp(`line ${last}(?!\\d)`) })).toBeInViewport();
  } finally {
    await lines.stopFlood();
    lines.peer.close();
  }
});
