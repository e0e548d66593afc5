import { createSocket } from 'node:dgram';
import { expect, test } from './fixtures';

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
    // The reply goes to whoever sent last: one match in the Sent direction.
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
