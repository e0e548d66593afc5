import { expect, test } from './fixtures';

test('the New proxy dialog puts each mistake under its field, focuses the first, and starts once they are mended', async ({ app, page }) => {
  await page.getByRole('button', { name: 'New proxy' }).click();
  const dialog = app.dialog;
  const upstreamPort = dialog.getByRole('textbox', { name: 'Upstream port' });
  const listenPort = dialog.getByRole('textbox', { name: 'Listen port' });

  // Enter in the first field with the upstream port still empty.
  await dialog.getByRole('textbox', { name: 'Listen host' }).press('Enter');
  await expect(upstreamPort).toHaveAccessibleDescription('Upstream port is required');
  await expect(upstreamPort).toHaveAttribute('aria-invalid', 'true');
  await expect(upstreamPort).toBeFocused();
  // Not said again at the foot of the form, nor by the schema's name for the field.
  await expect(dialog).not.toContainText('upstreamPort');

  await listenPort.fill('70000');
  await upstreamPort.fill('abc');
  await dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(listenPort).toHaveAccessibleDescription(/65535/);
  await expect(listenPort).toBeFocused();
  await expect(upstreamPort).toHaveAccessibleDescription('Port must be a number');
  await app.screenshot('proxy-dialog-field-errors');

  // Mending a field clears its message at once; the dialog starts the proxy once all are right.
  await listenPort.fill('0');
  await expect(listenPort).toHaveAccessibleDescription('0 picks any free port.');
  await upstreamPort.fill('6379');
  await dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(dialog).toBeHidden();
  await expect(app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to 127\.0\.0\.1:6379, listening$/)).toBeVisible();

  // A second proxy on the port the first took: said under Listen port, which takes the focus.
  const name = (await app.socketRow(/^Proxy /).getAttribute('aria-label')) ?? '';
  const taken = /^Proxy 127\.0\.0\.1:(\d+) /.exec(name)?.[1] ?? '';
  await page.getByRole('button', { name: 'New proxy' }).click();
  await listenPort.fill(taken);
  await upstreamPort.fill('6380');
  await dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(listenPort).toHaveAccessibleDescription(`127.0.0.1:${taken} is already in use`);
  await expect(listenPort).toBeFocused();
  await expect(dialog.getByRole('alert')).toHaveCount(0);
});
