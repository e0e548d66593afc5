import { expect, test } from './fixtures';

/**
 * The Log memory popover reads the current budget as it opens, and fills the field with it. That
 * answer may come after the user has typed: it must not replace their number (a CI run typed 16,
 * the late 512 took its place, and Apply set 512). The host's answers that carry a budget are held
 * back for a moment here, so that the late answer always comes after the typing.
 */
test('a budget typed before the current one is read stays in the field and is the one applied', async ({ host, page }) => {
  const late = 1_000;
  await page.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const text = typeof message === 'string' ? message : message.toString();
      if (text.includes('"limitBytes"')) setTimeout(() => ws.send(message), late);
      else ws.send(message);
    });
  });
  await page.goto(host.url);
  await page.getByRole('button', { name: 'New listener' }).waitFor();
  await expect(page.getByRole('button', { name: /^Log memory 512 MiB$/ })).toBeVisible();

  await page.getByRole('button', { name: /^Log memory / }).click();
  const popover = page.getByRole('dialog', { name: 'Log memory budget' });
  const field = popover.getByLabel('Budget (MiB)');
  await field.fill('16');
  // The read made as the popover opened has come back by now.
  await page.waitForTimeout(late + 500);
  await expect(field).toHaveValue('16');
  await popover.getByRole('button', { name: 'Apply' }).click();
  await expect(popover).toBeHidden();
  await expect(page.getByRole('button', { name: /^Log memory 16 MiB$/ })).toBeVisible();

  // Opened again and left alone, the field shows the budget as it is now.
  await page.getByRole('button', { name: /^Log memory / }).click();
  await expect(field).toHaveValue('16');
});
