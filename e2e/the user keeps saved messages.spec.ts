import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { startCollector } from './support/collector';
import { until } from './support/peers';

function library(page: Page) {
  return page.getByRole('dialog', { name: 'Saved messages' });
}

async function openLibrary(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Saved/ }).click();
  await expect(library(page)).toBeVisible();
}

async function saveAs(page: Page, name: string): Promise<void> {
  await openLibrary(page);
  await library(page).getByRole('textbox', { name: 'Save what the send bar holds as' }).fill(name);
  await library(page).getByRole('button', { name: 'Save', exact: true }).click();
  await expect(library(page).getByRole('status')).toHaveText(`Saved “${name}”`);
  await page.keyboard.press('Escape');
}

test('the user saves messages, sends them with a click or Ctrl+digit, and moves the library through a JSON file', async ({ app, host }) => {
  const peer = await startCollector();
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-library-'));
  try {
    await app.connectTcp('127.0.0.1', peer.port);
    await until(() => peer.connections() === 1, 'the peer to accept the connection');
    const { page } = app;

    await openLibrary(page);
    await expect(library(page)).toContainText('No saved messages yet');
    await page.keyboard.press('Escape');

    await app.message.fill('LOGIN admin\\r\\n');
    await saveAs(page, 'Login');
    await app.sendAs('Hex');
    await app.message.fill('50 49 4e 47 0a');
    await saveAs(page, 'Ping');
    await app.message.fill('');

    // One click sends; Ctrl+2 sends the second from anywhere in the window.
    await openLibrary(page);
    await expect(library(page).getByRole('button', { name: 'Send Login' })).toHaveAttribute('aria-keyshortcuts', 'Control+1');
    await library(page).getByRole('button', { name: 'Send Login' }).click();
    await expect(library(page)).toBeHidden();
    await until(() => peer.received().toString() === 'LOGIN admin\r\n', 'the saved login at the peer');
    await app.log.click();
    await page.keyboard.press('Control+2');
    await until(() => peer.received().toString() === 'LOGIN admin\r\nPING\n', 'the saved ping at the peer');

    await openLibrary(page);
    const downloading = page.waitForEvent('download');
    await library(page).getByRole('button', { name: 'Export' }).click();
    const exported = join(dir, 'library.json');
    await (await downloading).saveAs(exported);
    const file = JSON.parse(readFileSync(exported, 'utf8')) as { format: string; messages: { name: string; format: string; payload: string }[] };
    expect(file.format).toBe('sockscope.saved-messages');
    expect(file.messages.map(({ name, format, payload }) => ({ name, format, payload }))).toEqual([
      { name: 'Login', format: 'text', payload: 'LOGIN admin\\r\\n' },
      { name: 'Ping', format: 'hex', payload: '50 49 4e 47 0a' },
    ]);

    // The library lives in main: another tab shows it, and follows changes as they happen.
    const other = await page.context().newPage();
    await other.goto(host.url);
    await expect(other.getByRole('button', { name: /^Saved/ })).toHaveText('Saved(2)');
    // Deleting asks once more.
    await library(page).getByRole('button', { name: 'Delete Login' }).click();
    await library(page).getByRole('button', { name: 'Confirm deleting Login' }).click();
    await expect(library(page).getByRole('list', { name: 'Saved messages' }).getByRole('listitem')).toHaveCount(1);
    await expect(other.getByRole('button', { name: /^Saved/ })).toHaveText('Saved(1)');
    await openLibrary(other);
    await expect(library(other).getByRole('button', { name: /^Send / })).toHaveText([/Ping/]);
    await other.close();

    await library(page).getByLabel('Saved messages file to import').setInputFiles(exported);
    await expect(library(page).getByRole('status')).toHaveText('Imported 2 messages from library.json');
    await expect(library(page).getByRole('button', { name: /^Send / })).toHaveCount(2);
    await app.screenshot('saved-messages');

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "format": "sockscope.saved-messages", "version": 1, "messages": [{ "name": "x" ');
    await library(page).getByLabel('Saved messages file to import').setInputFiles(broken);
    await expect(library(page).getByRole('alert')).toHaveText(/^This is not a saved-messages file: it is not valid JSON/);
    await expect(library(page).getByRole('button', { name: /^Send / })).toHaveCount(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await peer.stop();
  }
});
