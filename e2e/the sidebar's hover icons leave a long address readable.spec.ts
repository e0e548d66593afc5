import { resolve } from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

// Twice the pixels: the screenshots are for looking at an ellipsis beside 14 px icons.
test.use({ deviceScaleFactor: 2 });

/** Where a row's address may be drawn, and where its hover icons are (when they show). */
function layoutOf(row: Locator): Promise<{ textRight: number; iconsLeft: number | null; height: number }> {
  return row.evaluate((option) => {
    // The first text that truncates with an ellipsis: the address (its full text is its tooltip).
    const text = [...option.querySelectorAll('span[title]')].find((span) => getComputedStyle(span).textOverflow === 'ellipsis');
    const icons = option.parentElement?.querySelector(':scope > span[aria-hidden="true"]');
    if (!text || !icons) throw new Error('the row has no address or no icons');
    const iconBox = icons.getBoundingClientRect();
    return {
      textRight: text.getBoundingClientRect().right,
      iconsLeft: iconBox.width > 0 ? iconBox.left : null,
      height: option.getBoundingClientRect().height,
    };
  });
}

test("the sidebar's hover icons never sit on a long address: it ends before them, in both themes, and the row keeps its height", async ({
  app,
  page,
}) => {
  // The brief's IPv6 pair; then, through a proxy to it, an IPv4 pair, which is longer still.
  const v6 = await app.startListener('::1');
  await app.connectTcp('::1', v6);
  await page.getByRole('button', { name: 'New proxy' }).click();
  await app.dialog.getByLabel('Upstream host').fill('::1');
  await app.dialog.getByLabel('Upstream port').fill(String(v6));
  await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(app.dialog).toBeHidden();
  const proxy = app.socketRow(new RegExp(`^Proxy 127\\.0\\.0\\.1:\\d+ to \\[::1\\]:${v6}, listening$`));
  const proxyPort = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxy.getAttribute('aria-label')) ?? '')?.[1]);
  await app.connectTcp('127.0.0.1', proxyPort);
  const rows = [
    app.socketRow(new RegExp(`^TCP client \\[::1\\]:\\d+ to \\[::1\\]:${v6}, open$`)),
    app.socketRow(new RegExp(`^TCP client 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:${proxyPort}, open$`)),
    proxy,
    app.socketRow(`TCP listener on [::1]:${v6}, listening`),
  ];
  const sidebar = page.getByRole('complementary', { name: 'Socket list' });
  const shot = (name: string): Promise<Buffer> => sidebar.screenshot({ path: resolve(__dirname, 'artifacts', `${name}.png`) });

  for (const theme of ['Light', 'Dark'] as const) {
    await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: theme }).click();
    for (const row of rows) {
      await page.mouse.move(900, 600);
      const still = await layoutOf(row);
      expect(still.iconsLeft).toBeNull();
      await row.hover();
      const hovered = await layoutOf(row);
      expect(hovered.iconsLeft).not.toBeNull();
      // Truncated (with its ellipsis) before the icons, with a little room between.
      expect(hovered.textRight, (await row.getAttribute('aria-label')) ?? '').toBeLessThanOrEqual((hovered.iconsLeft ?? 0) - 2);
      expect(hovered.height).toBe(still.height);
    }
    // Keyboard focus shows the icons too, and the address makes room for them the same way.
    await rows[1].click();
    await page.mouse.move(900, 600);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await expect(rows[1]).toBeFocused();
    const focused = await layoutOf(rows[1]);
    expect(focused.iconsLeft).not.toBeNull();
    expect(focused.textRight).toBeLessThanOrEqual((focused.iconsLeft ?? 0) - 2);
    await rows[1].hover();
    await shot(`host-sidebar-hover-${theme.toLowerCase()}`);
    await page.mouse.move(900, 600);
    await shot(`host-sidebar-still-${theme.toLowerCase()}`);
  }
});
