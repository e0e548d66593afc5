import { expect, test } from './fixtures';
import { SockscopeApp } from './support/app';

test('a sequence saved in one browser shows in another on the same engine, and one an old window kept in its storage is handed over', async ({
  app,
  host,
  browser,
}) => {
  await app.startListener('127.0.0.1');
  await app.page.getByRole('button', { name: 'Sequences', exact: true }).click();
  const panel = app.page.getByRole('complementary', { name: 'Sequences' });
  await panel.getByRole('button', { name: 'New' }).click();
  await panel
    .getByRole('textbox', { name: 'Scenario JSON' })
    .fill(JSON.stringify({ name: 'shared mock', steps: [{ expect: { contains: 'hi' } }, { send: 'hello\\n' }] }));
  await panel.getByRole('button', { name: 'Save sequence' }).click();
  await expect(panel.getByRole('button', { name: 'Serve shared mock' })).toBeVisible();

  // Another browser profile (its own storage), where a window of an older Sockscope kept a sequence.
  const other = await browser.newContext();
  try {
    const kept = [{ id: 'seq-old', text: JSON.stringify({ name: 'kept here', steps: [{ send: 'PING\\r\\n' }] }, null, 2) }];
    await other.addInitScript((stored) => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('sockscope.sequences', stored);
        sessionStorage.setItem('seeded', '1');
      }
    }, JSON.stringify(kept));
    const page = await other.newPage();
    await page.goto(host.url);
    const second = new SockscopeApp(page);
    await second.socketRow(/^TCP listener on /).click();
    await page.getByRole('button', { name: 'Sequences', exact: true }).click();
    const secondPanel = page.getByRole('complementary', { name: 'Sequences' });
    await expect(secondPanel.getByRole('button', { name: 'Serve shared mock' })).toBeVisible();
    await expect(secondPanel.getByRole('button', { name: 'Serve kept here' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('sockscope.sequences'))).toBeNull();

    // The first window sees the one handed over, and a deletion in either goes from both.
    await expect(panel.getByRole('button', { name: 'Serve kept here' })).toBeVisible();
    await secondPanel.getByRole('button', { name: 'Delete shared mock' }).click();
    await expect(panel.getByRole('button', { name: 'Serve shared mock' })).toBeHidden();
    await app.screenshot('sequences-shared');
  } finally {
    await other.close();
  }
});
