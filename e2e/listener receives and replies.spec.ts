import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { listenerReceivesAndReplies } from './flows/listener-flow';

test('a listener on port 0 shows its port, receives from ncat and replies byte-exact', async ({ app }) => {
  await listenerReceivesAndReplies(app, 'host');
});

test('the empty state says what to do next', async ({ app }) => {
  await expect(app.page.getByRole('button', { name: 'Start a listener' })).toBeVisible();
  await expect(app.page.getByRole('button', { name: 'Open a connection' })).toBeVisible();
  await expect(app.page.getByRole('button', { name: 'Bind a UDP port' })).toBeVisible();
  await app.screenshot('host-empty');
});

test('a listener that stays open after the peer’s FIN can answer ncat after its request ends', async ({ app }) => {
  const port = await app.startListener('127.0.0.1', '0', { keepHalfOpen: true });
  // ncat half-closes when its input ends (shutdown of its sending side) and keeps reading.
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('GET / HTTP/1.0\r\n\r\n');
    ncat.process.stdin.end();
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.log).toContainText('this side stays open');
    await app.send('HTTP/1.0 204 No Content');
    await until(() => ncat.received().toString().startsWith('HTTP/1.0 204 No Content'), 'ncat to receive the answer after its FIN');
  } finally {
    await ncat.stop();
  }
});
