import { connect, createServer, type Socket } from 'node:net';
import { expect, test } from './fixtures';
import { until } from './support/peers';

test('the user injects a macro text to the server and hex bytes to the client of a proxied conversation', async ({ app, page }) => {
  // A server that keeps what it reads, and a client that stays connected through the proxy.
  let serverGot = '';
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('data', (chunk) => (serverGot += chunk.toString('latin1')));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (server.address() as { port: number }).port;
  let client: Socket | undefined;
  try {
    await page.getByRole('button', { name: 'New proxy' }).click();
    await app.dialog.getByLabel('Upstream port').fill(String(upstreamPort));
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to /);
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);

    let clientGot = '';
    client = connect(port, '127.0.0.1');
    client.on('data', (chunk) => (clientGot += chunk.toString('latin1')));
    client.write('hello\n');
    await until(() => serverGot === 'hello\n', 'the server to get hello through the proxy');

    await app.socketRow(/^Proxied conversation/).click();
    const direction = page.getByRole('radiogroup', { name: 'Inject' });
    await expect(direction.getByRole('radio', { name: 'to server' })).toBeChecked();

    // To the server, as if from the client: text with a macro, logged as ↑ TX.
    await page.getByRole('radiogroup', { name: 'Send as' }).getByRole('radio', { name: 'Text' }).click();
    await app.message.fill('PING {{counter}}\\n');
    await app.message.press('Enter');
    await until(() => serverGot === 'hello\nPING 1\n', 'the server to get the injected PING 1');
    await expect(page.getByText('Injected 7 B to the server')).toBeVisible();

    // To the client, as if from the server: hex bytes, logged as ↓ RX.
    await direction.getByRole('radio', { name: 'to client' }).click();
    await page.getByRole('radiogroup', { name: 'Send as' }).getByRole('radio', { name: 'Hex' }).click();
    await app.message.fill('2b 4f 4b 0d 0a');
    await app.message.press('Enter');
    await until(() => clientGot === '+OK\r\n', 'the client to get the injected +OK');
    await expect(page.getByText('Injected 5 B to the client')).toBeVisible();
    expect(serverGot).toBe('hello\nPING 1\n');

    // Repeated to the client too, the way the send bar points: three more +OK, none to the server.
    await app.message.fill('2b 4f 4b 0d 0a');
    await page.getByRole('button', { name: 'Repeat…' }).click();
    const repeat = page.getByRole('dialog', { name: 'Repeat the message' });
    await repeat.getByLabel('Times').fill('3');
    await repeat.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByRole('status', { name: /^Repeat: Repeated 3 of 3 in [\d.]+ (µs|ms|s) · [\d,]+\/s$/ })).toBeVisible();
    await until(() => clientGot === '+OK\r\n'.repeat(4), 'the client to get three repeated +OK');
    expect(serverGot).toBe('hello\nPING 1\n');

    await expect(app.log).toContainText('PING 1');
    await expect(app.log).toContainText('+OK');
    const rows = app.log.getByText(/^[↑↓] (TX|RX)/);
    await expect(rows).toHaveCount(6);
    await expect(app.log.getByText(/^↓ RX/)).toHaveCount(4);
    await app.screenshot('host-proxy-inject');
  } finally {
    client?.destroy();
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
