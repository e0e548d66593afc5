import { connect } from 'node:net';
import { expect, test } from './fixtures';

/** A plain client of 127.0.0.1:`port`; `pour` writes that many bytes and resolves once they are handed to the kernel. */
function client(port: number): Promise<{ pour(bytes: number): Promise<void>; end(): void }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () =>
      resolve({
        pour: (bytes) => new Promise((done) => socket.write(Buffer.alloc(bytes, 0x61), () => done())),
        end: () => socket.destroy(),
      }),
    );
    socket.on('error', reject);
  });
}

test('after Clear log, the dropped-entries notice counts only what fell out since, and none before the log drops again', async ({ app }) => {
  const { page } = app;
  // A small budget for all logs, so that a few tens of MB make the log drop entries.
  await page.getByRole('button', { name: /^Log memory / }).click();
  const budget = page.getByRole('dialog', { name: 'Log memory budget' });
  await budget.getByLabel('Budget (MiB)').fill('16');
  await budget.getByRole('button', { name: 'Apply' }).click();
  await expect(budget).toBeHidden();
  try {
    const port = await app.startListener('127.0.0.1');
    const peer = await client(port);
    await peer.pour(40_000_000);
    await app.socketRow(/^Accepted connection /).click();
    // All 40 MB in (38 MiB), so that the count read below no longer moves.
    await expect(page.getByText(/Received 38 MiB/)).toBeVisible();
    const notice = page.getByRole('status').filter({ hasText: /dropped \(log limit/ });
    await expect(notice).toBeVisible();
    const before = Number(/^([\d,]+) entr/.exec((await notice.textContent()) ?? '')?.[1].replace(/,/g, ''));
    expect(before).toBeGreaterThan(0);
    // Search covers what is kept, and says so when it finds nothing.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const bar = page.getByRole('search', { name: 'Search the log' });
    await bar.getByRole('textbox', { name: 'Search text' }).fill('zzz');
    await expect(bar.getByRole('status')).toHaveText(`No matches in the entries kept (${before.toLocaleString('en-US')} fell out of the log)`);

    await page.getByRole('button', { name: 'Clear log', exact: true }).click();
    // Nothing the user sees now is missing: the drops were before the clear.
    await expect(notice).toBeHidden();

    // More on the same connection, within the budget: logged, and still nothing said dropped.
    await peer.pour(1_000_000);
    await expect(page.getByRole('region', { name: 'Message log' }).getByRole('listitem').filter({ hasText: 'RX' }).first()).toBeVisible();
    await expect(notice).toBeHidden();
    await app.screenshot('log-cleared-after-drops');
    peer.end();
  } finally {
    await page.getByRole('button', { name: /^Log memory / }).click();
    await budget.getByLabel('Budget (MiB)').fill('512');
    await budget.getByRole('button', { name: 'Apply' }).click();
  }
});
