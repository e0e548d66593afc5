import { createSocket } from 'node:dgram';
import { expect, test } from './fixtures';
import { expectNoSeriousViolations } from './support/axe';
import { startPeer, until } from './support/peers';

// socat's UDP echo would need a port picked beforehand; Python's takes port 0 and says which it got.
const ECHO =
  "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('127.0.0.1', 0))\nprint(s.getsockname()[1], flush=True)\nwhile True:\n    d, a = s.recvfrom(65535)\n    s.sendto(d, a)";

test('the user proxies UDP to a Python echo, sees the session, and a loss toxic drops and counts every datagram, said in the log', async ({
  app,
  page,
}) => {
  const echo = startPeer('python3', ['-u', '-c', ECHO]);
  const client = createSocket('udp4');
  const replies: string[] = [];
  client.on('message', (bytes) => replies.push(bytes.toString()));
  try {
    await until(() => /\d+\n/.test(echo.received().toString()), 'the echo server');
    const echoPort = Number(echo.received().toString().trim());
    await page.getByRole('button', { name: /^Start a proxy/ }).click();
    await app.dialog.getByRole('radio', { name: 'UDP' }).click();
    await app.dialog.getByLabel('Upstream port').fill(String(echoPort));
    await app.dialog.getByLabel('Session idle timeout (s)').fill('30');
    await app.screenshot('host-proxy-udp-dialog');
    await expectNoSeriousViolations(page, 'the New proxy dialog with UDP chosen');
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^UDP proxy 127\.0\.0\.1:\d+ to /);
    await expect(proxyRow).toBeVisible();
    const port = Number(/^UDP proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);

    client.send('hello over udp', port, '127.0.0.1');
    await until(() => replies.length === 1, 'the echo');
    await app
      .socketRow(/^Proxied UDP conversation/)
      .first()
      .click();
    await expect(app.log).toContainText('hello over udp');
    await expect(page.getByRole('checkbox', { name: 'Hold client → server' })).toBeVisible();
    // A UDP session has no FIN or RST to send.
    await expect(page.getByRole('button', { name: 'FIN to client' })).toHaveCount(0);
    await app.screenshot('host-proxy-udp-session');

    await proxyRow.click();
    await expect(page.getByText(/over UDP · sessions end after 30 s idle/)).toBeVisible();
    await page.getByLabel('Add toxic').fill('loss:upstream:rate=1');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const toxic = page.getByRole('row', { name: 'Toxic loss_upstream' });
    await expect(toxic).toContainText('rate=1');
    for (let i = 0; i < 5; i++) client.send(`lost ${i}`, port, '127.0.0.1');
    await expect(toxic).toContainText('5 hits · 1 conversation');
    expect(replies).toHaveLength(1);
    // A TCP-only toxic is refused, saying what a UDP proxy takes.
    await page.getByLabel('Add toxic').fill('bandwidth:rate=10');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('a UDP proxy takes latency, loss, duplicate, reorder');
    await app.screenshot('host-proxy-udp-toxics');

    // The session's log shows no datagram as sent, and one note says what the toxic dropped.
    await app
      .socketRow(/^Proxied UDP conversation/)
      .first()
      .click();
    await expect(app.log).toContainText(`loss toxic 'loss_upstream' dropped 5 datagrams (30 bytes) to the server 127.0.0.1:${echoPort}`);
    // The note's row counts the lost bytes, struck through in the sent colour.
    await expect(app.log.getByTitle('30 B lost on the way client → server: in no entry of this log')).toHaveText('30 B lost');
    await expect(app.log).not.toContainText('lost 0');
    await app.screenshot('host-proxy-udp-loss-note');
  } finally {
    client.close();
    await echo.stop();
  }
});
