import { createServer, type AddressInfo, type Socket } from 'node:net';
import { expect, test } from './fixtures';

test('a peer that does not read: the queued bytes show, and a reset drops them', async ({ app, page }) => {
  // A server that accepts and never reads: what the user sends piles up.
  const peers: Socket[] = [];
  const server = createServer((socket) => {
    socket.pause();
    peers.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await app.connectTcp('127.0.0.1', (server.address() as AddressInfo).port);
    await expect(app.socketRow(/^TCP client .*, open$/)).toBeVisible();

    const queued = page.getByText(/^Queued \d+(\.\d)? MiB$/);
    // Until the kernel's buffers are full (a few MiB), nothing waits on Sockscope's side.
    const twoMegabytes = 'x'.repeat(2 * 1024 * 1024);
    const sendButton = page.getByRole('button', { name: 'Send', exact: true });
    for (let sent = 1; sent <= 6 && !(await queued.isVisible()); sent++) {
      await app.send(twoMegabytes);
      // Each send finishes once the kernel has taken it, unless it has to wait: then it shows as queued.
      await expect.poll(async () => (await queued.isVisible()) || (await sendButton.isEnabled())).toBe(true);
    }
    await expect(queued).toBeVisible();
    await app.screenshot('host-queued-bytes');

    await page.getByRole('group', { name: 'Socket actions' }).getByRole('button', { name: 'Reset' }).click();
    await expect(queued).toBeHidden();
    await expect(app.log.getByText(/Up to \d+(\.\d)? MiB waiting to be sent never reached the peer/)).toBeVisible();
    await app.screenshot('host-queued-bytes-reset');
  } finally {
    for (const peer of peers) peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
