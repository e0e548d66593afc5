import { expect, test } from './fixtures';
import { startRedis } from './support/servers';

test('Alt+N, the address, Enter: the new connection takes what is typed next, and redis answers it', async ({ app, page }) => {
  const redis = await startRedis();
  try {
    await page.keyboard.press('Alt+N');
    await expect(app.dialog.getByLabel('Host', { exact: true })).toBeFocused();
    await page.keyboard.type('127.0.0.1');
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(redis.port));
    await page.keyboard.press('Enter');
    await expect(app.dialog).toBeHidden();
    await expect(app.message).toBeFocused();
    await page.keyboard.type('PING\\r\\n');
    await page.keyboard.press('Enter');
    await expect(app.log.getByRole('listitem').filter({ hasText: '+PONG' })).toBeVisible();
  } finally {
    await redis.stop();
  }
});

test('Alt+P, the upstream, Enter: the new proxy takes a toxic typed next', async ({ app, page }) => {
  const redis = await startRedis();
  try {
    await page.keyboard.press('Alt+P');
    await expect(app.dialog.getByLabel('Listen host')).toBeFocused();
    await app.dialog.getByLabel('Upstream port').focus();
    await page.keyboard.type(String(redis.port));
    await page.keyboard.press('Enter');
    await expect(app.dialog).toBeHidden();
    await expect(page.getByLabel('Add toxic')).toBeFocused();
    await page.keyboard.type('latency:downstream:latency=300');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('row').filter({ hasText: 'latency_downstream' })).toBeVisible();
  } finally {
    await redis.stop();
  }
});
