import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';

test('a reload and a second tab show every socket and log entry again', async ({ app, context, host }) => {
  const port = await app.startListener('127.0.0.1');
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    await expect(app.socketRow(/^Accepted connection/)).toBeVisible();
    for (let i = 0; i < 3; i++) {
      ncat.write(`line ${i}\n`);
      await expect(app.sockets).toContainText(`${(i + 1) * 7} B`);
    }
    await app.page.reload();
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.log).toContainText('line 0\\n');
    await expect(app.log).toContainText('line 2\\n');

    const second = await context.newPage();
    await second.goto(host.url);
    await second
      .getByRole('listbox', { name: 'Sockets' })
      .getByRole('option', { name: /^Accepted connection/ })
      .click();
    await expect(second.getByRole('region', { name: 'Message log' })).toContainText('line 1\\n');

    // What one window sends, the other sees.
    await second.getByRole('textbox', { name: 'Message' }).fill('from tab two');
    await second.getByRole('textbox', { name: 'Message' }).press('Enter');
    await until(() => ncat.received().toString().startsWith('from tab two'), 'ncat to receive from the second tab');
    await expect(app.log).toContainText('from tab two');
  } finally {
    await ncat.stop();
  }
});
