import { expect, test } from './fixtures';

test('a page opened without its token says the engine turned it away and what to open, and stops trying', async ({ host, page }) => {
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  const withoutToken = new URL(host.url);
  withoutToken.search = '';
  await page.goto(withoutToken.href);

  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The Sockscope engine turned this page away (Missing or wrong token');
  await expect(alert).toContainText('?token=');
  await expect(alert).not.toContainText('Reconnecting');
  await expect(page.getByRole('status', { name: 'Engine connection' })).toHaveText(/^Not connected: Missing or wrong token/);
  await expect(page.getByRole('complementary', { name: 'Socket list' })).toHaveText('Not connected to the engine: no sockets to show.');
  await page.screenshot({ path: 'e2e/artifacts/host-turned-away.png' });

  // Retrying would not help: the page does not knock again.
  const knocks = sockets.length;
  await page.waitForTimeout(1500);
  expect(sockets.length).toBe(knocks);
  expect(knocks).toBeLessThanOrEqual(2);

  // The whole URL connects.
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Engine connection' })).toContainText('Connected');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
