import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { startRedis } from './support/servers';

const MICROS = /\d\d:\d\d:\d\d\.\d{6}/;

test('a PING to redis-server shows microsecond times, the Δ since the previous entry and the round trip on +PONG', async ({ app }) => {
  const redis = await startRedis();
  try {
    await app.connectTcp('127.0.0.1', redis.port);
    await app.socketRow(new RegExp(`:${redis.port}, open$`)).click();
    await app.lineEnding('CRLF');
    await app.send('PING');
    const pong = app.log.getByRole('listitem').filter({ hasText: '+PONG' });
    await expect(pong).toContainText(MICROS);
    await expect(pong).toContainText(/RTT \d+(\.\d+)? (µs|ms)/);
    await expect(pong).toContainText(/\+\d+(\.\d+)? (µs|ms)/);
    // The request itself is no reply: no round trip on it.
    await expect(app.log.getByRole('listitem').filter({ hasText: 'PING\\r\\n' })).not.toContainText('RTT');
    await app.screenshot('time-rtt-redis');

    // The copy button a hover shows sits beside the round trip, not over it.
    await pong.hover();
    const copy = pong.getByRole('button', { name: /^Copy entry/ });
    await expect(copy).toBeVisible();
    const [rtt, button] = await Promise.all([pong.getByText(/^RTT /).boundingBox(), copy.boundingBox()]);
    if (!rtt || !button) throw new Error('the round trip or the copy button has no box');
    expect(rtt.x + rtt.width).toBeLessThanOrEqual(button.x);

    // The Δ column goes away and comes back.
    await app.page.getByRole('checkbox', { name: 'Δ time' }).uncheck();
    await expect(pong).not.toContainText(/\+\d+(\.\d+)? (µs|ms)/);
    await expect(pong).toContainText('RTT');
    await app.page.getByRole('checkbox', { name: 'Δ time' }).check();
    await expect(pong).toContainText(/\+\d+(\.\d+)? (µs|ms)/);
  } finally {
    await redis.stop();
  }
});

test("a browser's next request on a connection the listener accepted shows its Δ, not a round trip", async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  const browser = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    const accepted = app.socketRow(/^Accepted connection/);
    await expect(accepted).toBeVisible();
    browser.write('GET / HTTP/1.1\r\n\r\n');
    await accepted.click();
    await expect(app.log).toContainText('GET / HTTP/1.1');
    await app.lineEnding('CRLF');
    await app.send('HTTP/1.1 200 OK');
    await until(() => browser.received().toString() === 'HTTP/1.1 200 OK\r\n', 'ncat to receive the page');
    browser.write('GET /favicon.ico HTTP/1.1\r\n\r\n');
    const favicon = app.log.getByRole('listitem').filter({ hasText: 'GET /favicon.ico' });
    await expect(favicon).toContainText(/\+\d+(\.\d+)? (µs|ms|s)/);
    // What follows the reply is the peer's next request: the time since is not a round trip.
    await expect(favicon).not.toContainText('RTT');
  } finally {
    await browser.stop();
  }
});

test('a burst of datagrams from python3 gets times to the microsecond, in order', async ({ app }) => {
  const port = await app.bindUdp('127.0.0.1');
  await app.socketRow(/^UDP socket/).click();
  const burst = startPeer('python3', [
    '-c',
    `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(5): s.sendto(b"burst %d" % i, ("127.0.0.1", ${port}))\nprint("sent")`,
  ]);
  try {
    await until(() => burst.received().toString().includes('sent'), 'python3 to send its burst');
    const rows = app.log.getByRole('listitem').filter({ hasText: 'burst' });
    await expect(rows).toHaveCount(5);
    const times = (await rows.allTextContents()).map((text) => MICROS.exec(text)?.[0] ?? '');
    expect(times.every((time) => time !== '')).toBe(true);
    expect([...times].sort()).toEqual(times);
  } finally {
    await burst.stop();
  }
});
