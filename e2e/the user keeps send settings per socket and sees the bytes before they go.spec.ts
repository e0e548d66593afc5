import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { startRedis } from './support/servers';

test('CRLF chosen for redis stays with redis: the UDP socket sends bare bytes, each shows what Enter sends, and a reload keeps both', async ({
  app,
}) => {
  const redis = await startRedis();
  const udpPort = await app.bindUdp('127.0.0.1');
  const socat = startPeer('socat', ['-', `UDP:127.0.0.1:${udpPort}`]);
  try {
    await app.connectTcp('127.0.0.1', redis.port);
    const client = app.socketRow(new RegExp(`:${redis.port}, open$`));
    await client.click();
    await app.lineEnding('CRLF');
    await app.message.fill('PING');
    const preview = app.page.getByRole('status', { name: 'Enter sends' });
    await expect(preview).toHaveText('PING\\r\\n · 6 B');
    await app.message.press('Enter');
    await expect(app.log).toContainText('+PONG\\r\\n');

    // The UDP socket has its own settings: no line ending, Text.
    await app.socketRow(/^UDP socket/).click();
    await expect(app.page.getByRole('combobox', { name: 'Line ending' })).toHaveValue('none');
    // A datagram arrives; the target fields stay empty until the user chooses to answer its sender.
    socat.write('hello from socat\n');
    await expect(app.log).toContainText('hello from socat\\n');
    await expect(app.page.getByRole('textbox', { name: 'Target host' })).toHaveValue('');
    await app.page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: 'The last sender' });
    await expect(app.page.getByLabel('Last sender')).toHaveText(/^127\.0\.0\.1:\d+$/);
    await app.message.fill('pong');
    await expect(preview).toHaveText('pong · 4 B');
    await app.screenshot('send-udp-reply-to-sender');
    await app.message.press('Enter');
    await until(() => socat.received().toString() === 'pong', 'socat to receive exactly "pong", no CRLF');

    // Each socket's choice survives a reload.
    await app.page.reload();
    await app.socketRow(/^UDP socket/).click();
    await expect(app.page.getByRole('combobox', { name: 'Line ending' })).toHaveValue('none');
    await expect(app.page.getByRole('combobox', { name: 'Send to' })).toHaveValue('sender');
    await client.click();
    await expect(app.page.getByRole('combobox', { name: 'Line ending' })).toHaveValue('crlf');
    await app.message.fill('\\x00');
    await expect(preview).toHaveText('\\0\\r\\n · 3 B');
  } finally {
    await socat.stop();
    await redis.stop();
  }
});
