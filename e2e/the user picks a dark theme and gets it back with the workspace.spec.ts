import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { SockscopeApp } from './support/app';
import { expectNoSeriousViolations } from './support/axe';
import { startBuiltHost, type RunningHost } from './support/host';
import { until } from './support/peers';

const background = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const DARK = 'rgb(24, 24, 27)';
const LIGHT = 'rgb(255, 255, 255)';

test('the theme switch overrides the system scheme, passes axe, and comes back with the workspace (with the listener’s line ending) in a fresh browser', async ({
  browser,
}) => {
  test.slow();
  const configDir = mkdtempSync(join(tmpdir(), 'sockscope-theme-'));
  const hosts: RunningHost[] = [];
  const open = async (): Promise<SockscopeApp> => {
    const host = await startBuiltHost({ configDir });
    hosts.push(host);
    // A fresh browser context each time: nothing carried over in the browser's own storage.
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'New listener' }).waitFor();
    return new SockscopeApp(page);
  };
  try {
    const first = await open();
    const theme = first.page.getByRole('radiogroup', { name: 'Theme' });
    await expect(theme.getByRole('radio', { name: 'System' })).toHaveAttribute('aria-checked', 'true');
    expect(await background(first.page)).toBe(LIGHT);
    // System follows the OS…
    await first.page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => background(first.page)).toBe(DARK);
    // …Light and Dark do not.
    await theme.getByRole('radio', { name: 'Light' }).click();
    await expect.poll(() => background(first.page)).toBe(LIGHT);
    await first.page.emulateMedia({ colorScheme: 'light' });
    await theme.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(() => background(first.page)).toBe(DARK);
    await first.startListener('127.0.0.1');
    // The listener's send settings are part of the workspace too.
    await first.lineEnding('CRLF');
    await expectNoSeriousViolations(first.page, 'listener, Dark chosen in the theme switch');
    await first.screenshot('theme-dark-chosen');

    const sessionFile = join(configDir, 'session.json');
    const saved = (): string => (existsSync(sessionFile) ? readFileSync(sessionFile, 'utf8') : '');
    await until(
      () => /"theme":\s*"dark"/.test(saved()) && /"lineEnding":\s*"crlf"/.test(saved()) && saved().includes('"tcp-listener"'),
      'the workspace to be saved with the theme and the send settings',
    );
    const firstHost = hosts.shift();
    await firstHost?.stop();
    await first.page.context().close();

    const second = await open();
    expect(await background(second.page), 'a fresh browser on a light system starts light').toBe(LIGHT);
    await second.page.getByRole('region', { name: 'Restore workspace' }).getByRole('button', { name: 'Restore' }).click();
    await expect(second.page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true');
    await expect.poll(() => background(second.page)).toBe(DARK);
    await second.socketRow(/^TCP listener/).click();
    await expect(second.page.getByRole('combobox', { name: 'Line ending' })).toHaveValue('crlf');
    await second.page.context().close();
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
    rmSync(configDir, { recursive: true, force: true });
  }
});
