import { expect, test } from './fixtures';

const NEW_SOCKET = ['New connection', 'New listener', 'New UDP socket', 'New proxy'];

test('the toolbar keeps every button on one line from the smallest window up, named in full', async ({ app, page }) => {
  const header = page.getByRole('banner');
  const visibleText: Record<number, string[]> = {};
  for (const width of [820, 1100, 1400]) {
    await page.setViewportSize({ width, height: 600 });
    for (const name of [...NEW_SOCKET, 'Import log…', 'Export all']) {
      const button = header.getByRole('button', { name, exact: true });
      await expect(button).toBeVisible();
      const box = await button.boundingBox();
      // One line of text: the 28 px row the toolbar's buttons are, not two lines of label.
      expect(box?.height, `${name} at ${width} px`).toBeLessThanOrEqual(28);
    }
    // Nothing runs out of the window.
    expect(await header.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    visibleText[width] = await Promise.all(NEW_SOCKET.map((name) => header.getByRole('button', { name, exact: true }).innerText()));
  }
  expect(visibleText[1400]).toEqual(NEW_SOCKET);
  expect(visibleText[1100]).toEqual(['Connection', 'Listener', 'UDP socket', 'Proxy']);
  expect(visibleText[820]).toEqual(['', '', '', '']);
  await app.screenshot('toolbar-narrow');
  // The shortcut still opens what the icon does.
  await header.getByRole('button', { name: 'New listener', exact: true }).click();
  await expect(app.dialog).toBeVisible();
});

test("a socket's header on the smallest window shows its endpoints, with its actions as named icons", async ({ app, page }) => {
  const port = await app.startListener('127.0.0.1');
  await app.socketRow(/^TCP listener on /).click();
  const header = page.getByRole('heading', { level: 1 });
  const actions = page.getByRole('group', { name: 'Socket actions' });
  await expect(header).toHaveText(`127.0.0.1:${port}`);
  await expect(actions.getByRole('button', { name: 'Stop listening', exact: true })).toContainText('Stop listening');

  await page.setViewportSize({ width: 820, height: 600 });
  // The whole address fits: the actions gave up their words and the kind its label.
  await expect(header).toHaveText(`127.0.0.1:${port}`);
  expect(await header.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  const stop = actions.getByRole('button', { name: 'Stop listening', exact: true });
  await expect(stop).toBeVisible();
  expect((await stop.boundingBox())?.width).toBeLessThan(32);
  await app.screenshot('header-narrow');
});
