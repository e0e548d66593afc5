import { expect, test } from './fixtures';
import { freePort, startPeer, until } from './support/peers';

test('the user opens a TCP client to a socat server and exchanges data', async ({ app }) => {
  const port = await freePort();
  // socat answers each line with a greeting and shows what it received on stdout.
  const server = startPeer('socat', ['-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'STDOUT']);
  try {
    await expect(async () => {
      await app.connectTcp('127.0.0.1', port);
    }).toPass({ timeout: 7000 });
    const row = app.socketRow(new RegExp(`^TCP client .*127\\.0\\.0\\.1:${port}`));
    await expect(row).toBeVisible();
    await expect(row).toHaveAccessibleName(/open$/);

    await app.sendAs('Text');
    await app.lineEnding('LF');
    await app.send('PING from Sockscope');
    await until(() => server.received().toString() === 'PING from Sockscope\n', 'socat to receive the line');
    await expect(app.log).toContainText('PING from Sockscope\\n');
    await app.screenshot('host-client');
  } finally {
    await server.stop();
  }
});

test('a TCP client receives what a node echo peer sends back, and sees the peer close', async ({ app }) => {
  const port = await freePort();
  const echo = startPeer('ncat', ['-l', '127.0.0.1', String(port), '--sh-exec', 'head -c 12']);
  try {
    await expect(async () => {
      await app.connectTcp('127.0.0.1', port);
    }).toPass({ timeout: 7000 });
    await app.send('echo me back');
    await expect(app.log).toContainText('↓');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'RX' })).toContainText('echo me back');
    // `head -c 12` exits after 12 bytes: the peer closes, and the UI says so.
    await expect(app.log).toContainText(/closed/i);
  } finally {
    await echo.stop();
  }
});
