import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';

test('the user binds a UDP port, receives a datagram from socat and answers it', async ({ app }) => {
  const port = await app.bindUdp('127.0.0.1');
  // socat sends one datagram from its own port and prints whatever comes back.
  const peer = startPeer('socat', ['-', `UDP:127.0.0.1:${port}`]);
  try {
    peer.write('datagram from socat\n');
    await app.socketRow(/^UDP socket/).click();
    await expect(app.log).toContainText('datagram from socat\\n');
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
