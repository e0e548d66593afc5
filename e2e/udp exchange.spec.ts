import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { udpSocketWithDatagramFromSocat } from './flows/udp-datagram';

test('the user binds a UDP port, receives a datagram from socat and answers it', async ({ app }) => {
  const peer = await udpSocketWithDatagramFromSocat(app);
  try {
    const entry = app.log.getByRole('listitem').filter({ hasText: 'datagram from socat' });
    const peerPort = /127\.0\.0\.1:(\d+)/.exec((await entry.textContent()) ?? '')?.[1];
    expect(peerPort, 'the log entry shows the sender').toBeTruthy();

    await app.page.getByRole('textbox', { name: 'Target host' }).fill('127.0.0.1');
    await app.page.getByRole('textbox', { name: 'Target port' }).fill(String(peerPort));
    await app.sendAs('Text');
    await app.lineEnding('LF');
    await app.send('reply over UDP');
    await until(() => peer.received().toString() === 'reply over UDP\n', 'socat to receive the datagram');
    await expect(app.log).toContainText('reply over UDP\\n');
    await app.screenshot('host-udp');
  } finally {
    await peer.stop();
  }
});

test('a flood the app could not keep up with says how many datagrams the kernel dropped', async ({ app, host }) => {
  test.skip(process.platform !== 'linux', 'the kernel reports per-socket drops on Linux only');
  const port = await app.bindUdp('127.0.0.1');
  await app.socketRow(/^UDP socket/).click();
  const count = 20_000;
  // While the host is frozen the socket's 4 MiB receive buffer fills with 1 KiB datagrams; the rest is dropped.
  host.freeze();
  const flood = startPeer('python3', [
    '-c',
    `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor _ in range(${count}): s.sendto(b"x" * 1024, ("127.0.0.1", ${port}))\nprint("sent")`,
  ]);
  try {
    await until(() => flood.received().toString().includes('sent'), 'the flood to be sent');
  } finally {
    host.resume();
    await flood.stop();
  }
  const dropped = app.page.getByText(/^[\d,]+ datagrams dropped by the kernel$/);
  await expect(dropped).toBeVisible({ timeout: 10_000 });
  const drops = Number((await dropped.textContent())?.replace(/\D/g, ''));
  const received = app.page.getByText(/Received/).filter({ hasText: 'datagram' });
  await expect(received).toContainText(`${(count - drops).toLocaleString('en-US')} datagrams`);
  // The notice sits where the drops were seen: among the 4,000 datagrams read after the thaw, off
  // screen when the check ran before the last of them was read. The log's search shows it alone.
  await app.page.keyboard.press('Control+f');
  const search = app.page.getByRole('search', { name: 'Search the log' });
  await search.getByRole('textbox', { name: 'Search text' }).fill('The kernel dropped');
  await expect(search.getByRole('status')).toHaveText(/^[\d,]+ match(es)?$/);
  await search.getByLabel('Only matches').check();
  await expect(app.log.getByRole('listitem').first()).toContainText('The kernel dropped');
  await app.screenshot('host-udp-kernel-drops');
});
