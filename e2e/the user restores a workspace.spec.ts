import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { SockscopeApp } from './support/app';
import { type RunningHost, startBuiltHost } from './support/host';
import { until } from './support/peers';

/** One config folder shared by the hosts of a test, as a user's is by every start of the app. */
let configDir: string;
const hosts: RunningHost[] = [];

test.beforeEach(() => {
  configDir = mkdtempSync(join(tmpdir(), 'sockscope-restore-'));
});

test.afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  rmSync(configDir, { recursive: true, force: true });
});

async function open(page: Page): Promise<{ host: RunningHost; app: SockscopeApp }> {
  const host = await startBuiltHost({ configDir });
  hosts.push(host);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'New listener' }).waitFor();
  return { host, app: new SockscopeApp(page) };
}

/** Quits the way a user does (SIGTERM): the workspace is saved as the host stops. */
async function quit(host: RunningHost): Promise<void> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.stop();
}

const sessionFile = (): string => join(configDir, 'session.json');

test('the user gets the listener and its framing back after a restart', async ({ page }) => {
  const first = await open(page);
  const port = await first.app.startListener('127.0.0.1');
  await page.getByRole('button', { name: /^Framing:/ }).click();
  const panel = page.getByRole('dialog', { name: 'Framing' });
  await panel.getByRole('radio', { name: /^Delimiter/ }).check();
  await panel.getByRole('combobox', { name: 'Delimiter' }).selectOption({ label: 'CRLF (\\r\\n)' });
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('button', { name: 'Framing: Delimiter CRLF' })).toBeVisible();
  // Saved shortly after each change: the framing, and the window's layout with the listener selected.
  const saved = (): string => (existsSync(sessionFile()) ? readFileSync(sessionFile(), 'utf8') : '');
  await until(() => saved().includes('"delimiter"') && saved().includes('"selectedId": "lst-1"'), 'the workspace to be saved');
  await quit(first.host);

  const second = await open(page);
  const offer = page.getByRole('region', { name: 'Restore workspace' });
  await expect(offer).toContainText('Restore your last workspace?');
  await expect(offer).toContainText('1 listener');
  await second.app.screenshot('session-offer');
  await offer.getByRole('button', { name: 'Restore' }).click();
  await expect(offer).toBeHidden();

  const listener = second.app.socketRow(`TCP listener on 127.0.0.1:${port}, listening`);
  await expect(listener).toBeVisible();
  await expect(listener).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Framing: Delimiter CRLF' })).toBeVisible();
  await second.app.screenshot('session-restored');

  // Restored, the workspace is saved again as it now is; a third start offers it once more.
  await quit(second.host);
  await open(page);
  await page.getByRole('button', { name: 'Start clean' }).click();
  await expect(page.getByRole('region', { name: 'Restore workspace' })).toBeHidden();
  await expect(page.getByText('No sockets yet.', { exact: true })).toBeVisible();
});

test('a corrupt saved workspace is kept aside with a clear message, and the app starts clean', async ({ page }) => {
  writeFileSync(sessionFile(), '{"version": 1, "sockets": [');
  await open(page);
  const notice = page.getByRole('alert').filter({ hasText: 'Your last workspace could not be restored.' });
  await expect(notice).toContainText('The saved workspace is not valid JSON');
  const keptAs = readdirSync(configDir).find((name) => name.startsWith('session.json.corrupt-'));
  expect(keptAs, 'the corrupt file is kept beside, renamed').toBeTruthy();
  await expect(notice).toContainText(join(configDir, keptAs ?? ''));
  expect(readFileSync(join(configDir, keptAs ?? ''), 'utf8')).toBe('{"version": 1, "sockets": [');
  await expect(page.getByText('No sockets yet.', { exact: true })).toBeVisible();
  await new SockscopeApp(page).screenshot('session-corrupt');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toBeHidden();
});

test('a second Sockscope on the same workspace says it does not save, and leaves the first one’s alone', async ({ page, browser }) => {
  const first = await open(page);
  await first.app.startListener('127.0.0.1');
  const saved = (): string => (existsSync(sessionFile()) ? readFileSync(sessionFile(), 'utf8') : '');
  await until(() => saved().includes('"tcp-listener"'), 'the first host to save its listener');

  const secondPage = await browser.newPage();
  try {
    const second = await open(secondPage);
    const notice = secondPage.getByRole('alert').filter({ hasText: 'What you open here is not saved.' });
    await expect(notice).toContainText(/Another Sockscope \(process \d+\) is running and keeps the workspace/);
    await expect(secondPage.getByRole('region', { name: 'Restore workspace' })).toHaveCount(0);
    await second.app.bindUdp('127.0.0.1');
    await second.app.screenshot('host-second-instance');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(saved(), 'the second host wrote nothing').not.toContain('"udp"');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  } finally {
    await secondPage.close();
  }
  // The first keeps saving as before.
  await first.app.bindUdp('127.0.0.1');
  await until(() => saved().includes('"udp"'), 'the first host to save its UDP socket');
});
