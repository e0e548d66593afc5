import { createSocket } from 'node:dgram';
import { expect, test } from './fixtures';
import { startPeer } from './support/peers';

test('the user searches a busy log for text and bytes, steps through the matches and shows only them', async ({ app }) => {
  const port = await app.bindUdp('127.0.0.1');
  // Datagrams: one log entry each, so the counts below are exact.
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  try {
    for (let i = 0; i < 300; i++) {
      const text = i % 50 === 7 ? `ERROR code=${i}` : `ok ${i}`;
      await new Promise<void>((resolve, reject) => peer.send(text, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    }
    peer.send(Buffer.from([0x00, 0xff, 0xfe, 0x01]), port, '127.0.0.1');
    await expect(app.log).toContainText('\\0\\xff\\xfe\\x01');
    // The reply goes to whoever sent last, chosen as such: one match in the Sent direction.
    await app.page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: 'The last sender' });
    await app.send('Error reply');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'Error reply' })).toBeVisible();

    await app.page.keyboard.press('Control+f');
    const bar = app.page.getByRole('search', { name: 'Search the log' });
    const input = bar.getByRole('textbox', { name: 'Search text' });
    await expect(input).toBeFocused();
    await input.fill('error');
    const status = bar.getByRole('status');
    await expect(status).toHaveText('7 matches');
    await bar.getByRole('button', { name: 'Aa' }).click();
    await expect(status).toHaveText('No matches');
    await bar.getByRole('button', { name: 'Aa' }).click();
    await expect(status).toHaveText('7 matches');

    // Enter goes to the next match from what is on screen, wrapping around; Shift+Enter goes back.
    await input.press('Enter');
    await expect(status).toHaveText(/^[1-7] of 7$/);
    for (let step = 0; step < 7 && (await status.textContent()) !== '1 of 7'; step++) await input.press('Enter');
    await expect(status).toHaveText('1 of 7');
    const first = app.log.getByRole('listitem').filter({ hasText: 'ERROR code=7' });
    await expect(first).toBeInViewport();
    await expect(first.locator('[data-search-mark="current"]')).toHaveCount(1);
    await input.press('Shift+Enter');
    await expect(status).toHaveText('7 of 7');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'Error reply' })).toBeInViewport();
    await expect(first).not.toBeInViewport();

    const direction = bar.getByRole('radiogroup', { name: 'Direction' });
    await direction.getByRole('radio', { name: 'Sent' }).click();
    await expect(status).toHaveText('1 match');
    await direction.getByRole('radio', { name: 'Received' }).click();
    await expect(status).toHaveText('6 matches');
    await bar.getByLabel('Only matches').check();
    await expect(app.log.getByRole('listitem')).toHaveCount(6);
    await expect(app.log.getByRole('listitem').first()).toContainText('ERROR code=7');
    await app.screenshot('search-only-matches');
    await bar.getByLabel('Only matches').uncheck();

    await bar.getByRole('radiogroup', { name: 'Search as' }).getByRole('radio', { name: 'Hex' }).click();
    await input.fill('ff:fe 0x01');
    await expect(status).toHaveText('1 match');
    await input.fill('ff f');
    await expect(status).toHaveText(/^Search bytes: Odd number of hex digits: "f" at position 4/);
    await expect(input).toHaveAttribute('aria-invalid', 'true');

    await input.press('Escape');
    await expect(bar).toBeHidden();
    await expect(app.log.locator('[data-search-mark]')).toHaveCount(0);
  } finally {
    peer.close();
  }
});

test('the user searches a framed log and finds a line that arrived cut in two reads', async ({ app }) => {
  const { page } = app;
  const port = await app.startListener('127.0.0.1');
  // Lines for the listener: its connections are framed the same way.
  await app.frameBy('Delimiter', { select: 'Delimiter', label: 'LF (\\n)' });

  const client = startPeer('python3', [
    '-c',
    `import socket, time\ns = socket.create_connection(("127.0.0.1", ${port}))\ns.sendall(b"login ali")\ntime.sleep(0.3)\ns.sendall(b"ce\\nping\\nlogin bob\\n")\ntime.sleep(30)`,
  ]);
  try {
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.log.getByRole('listitem').filter({ hasText: 'login bob' })).toBeVisible();

    await page.keyboard.press('Control+f');
    const bar = page.getByRole('search', { name: 'Search the log' });
    const input = bar.getByRole('textbox', { name: 'Search text' });
    const status = bar.getByRole('status');
    await input.fill('alice');
    await expect(status).toHaveText('1 match');
    await input.press('Enter');
    await expect(status).toHaveText('1 of 1');
    const alice = app.log.getByRole('listitem').filter({ hasText: 'login alice' });
    await expect(alice.locator('[data-search-mark="current"]')).toHaveCount(1);

    await input.fill('login');
    await expect(status).toHaveText('2 matches');
    await bar.getByLabel('Only matches').check();
    await expect(app.log.getByRole('listitem')).toHaveCount(2);
    await app.screenshot('search-framed');
    await bar.getByLabel('Only matches').uncheck();

    // As raw chunks the name is cut in two reads: the search follows the view.
    await input.fill('alice');
    await expect(status).toHaveText('1 match');
    await app.frameBy('Raw chunks');
    await expect(status).toHaveText('No matches');
  } finally {
    await client.stop();
  }
});
