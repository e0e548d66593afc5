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
    // All 40 MB in (38 MiB).
    await expect(page.getByText(/Received 38 MiB/)).toBeVisible();
    const notice = page.getByRole('status').filter({ hasText: /dropped \(log limit/ });
    await expect(notice).toBeVisible();
    // Search covers what is kept, and says so when it finds nothing: as many as the notice says.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const bar = page.getByRole('search', { name: 'Search the log' });
    await bar.getByRole('textbox', { name: 'Search text' }).fill('zzz');
    const countIn = async (text: Promise<string | null>, pattern: RegExp): Promise<number> =>
      Number(pattern.exec((await text) ?? '')?.[1].replace(/,/g, '') ?? NaN);
    // Both follow the log's head, each in its own render: compared once they agree.
    await expect
      .poll(async () => {
        const said = await countIn(notice.textContent(), /^([\d,]+) entr/);
        const searched = await countIn(bar.getByRole('status').textContent(), /^No matches in the entries kept \(([\d,]+) fell out of the log\)$/);
        return said > 0 && said === searched;
      })
      .toBe(true);

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
