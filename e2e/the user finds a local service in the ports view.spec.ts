import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { expect, test } from './fixtures';
import { freePort, startPeer, until } from './support/peers';

test('the user finds python3 http.server in the Ports view, connects to it with one click and gets a page', async ({ app }) => {
  const port = await freePort();
  // -u: unbuffered, so "Serving HTTP" reaches us as soon as the server listens.
  const server = startPeer('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', String(port)]);
  try {
    await until(() => server.received().toString().includes('Serving HTTP'), 'python3 to serve HTTP');
    await app.showView('Ports');
    await app.page.getByRole('searchbox', { name: 'Filter ports' }).fill(String(port));

    const row = app.listeningPort(`127.0.0.1:${port}`);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('python3');
    await expect(row).toContainText(String(server.process.pid));
    await expect(row.getByRole('cell').nth(1)).toHaveText(`127.0.0.1:${port}`);
    await row.hover();
    await app.screenshot('host-ports');

    await row.getByRole('button', { name: `Connect to 127.0.0.1:${port}` }).click();
    // The new client, selected in the Sockets view.
    const client = app.socketRow(new RegExp(`^TCP client .*127\\.0\\.0\\.1:${port}`));
    await expect(client).toHaveAttribute('aria-selected', 'true');
    await expect(client).toHaveAccessibleName(/open$/);

    // GET / HTTP/1.0 CR LF CR LF, exactly: hex leaves no doubt about the line endings.
    await app.sendAs('Hex');
    await app.send(Buffer.from('GET / HTTP/1.0\r\n\r\n').toString('hex'));
    await expect(app.log).toContainText('HTTP/1.0 200');
  } finally {
    await server.stop();
  }
});

test('the Ports view marks Sockscope’s own listener and leads back to it', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  await app.showView('Ports');
  const row = app.listeningPort(`127.0.0.1:${port}`);
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: /^Sockscope/ }).click();
  await expect(app.socketRow(/^TCP listener on /)).toHaveAttribute('aria-selected', 'true');
  await expect(app.page.getByRole('radio', { name: 'Sockets' })).toBeChecked();
});

test('the user connects a UDP socket to a bound socat receiver from its row, and copies its endpoint', async ({ app }) => {
  const port = await freePort();
  const receiver = startPeer('socat', ['-u', `UDP-RECV:${port},bind=127.0.0.1`, 'STDOUT']);
  try {
    await app.showView('Ports');
    await app.page.getByRole('searchbox', { name: 'Filter ports' }).fill(`udp ${port}`);
    const row = app.listeningPort(`127.0.0.1:${port}`);
    await expect(row).toContainText('socat');
    await expect(row).toContainText('BOUND');

    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await row.getByRole('button', { name: `Copy 127.0.0.1:${port}` }).click();
    await expect(row.getByRole('button', { name: `Copy 127.0.0.1:${port}` })).toHaveText('Copied');
    expect(await app.page.evaluate(() => navigator.clipboard.readText())).toBe(`127.0.0.1:${port}`);

    await row.getByRole('button', { name: `Connect to 127.0.0.1:${port}` }).click();
    await expect(app.socketRow(/^UDP socket/)).toHaveAttribute('aria-selected', 'true');
    await app.sendAs('Text');
    await app.send('hello from the ports view');
    await until(() => receiver.received().toString() === 'hello from the ports view', 'socat to receive the datagram');
  } finally {
    await receiver.stop();
  }
});

test('the list refreshes on its own at the chosen interval, and not while hidden or set to Off', async ({ app }) => {
  const servers: Server[] = [];
  const listen = async (): Promise<number> => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  // A listing already under way may still see what the test opens next: wait for it to end.
  const settled = (): Promise<void> => expect(app.page.getByRole('table', { name: 'Ports on this machine' })).toHaveAttribute('aria-busy', 'false');
  const setHidden = (hidden: boolean): Promise<void> =>
    app.page.evaluate((value) => {
      // What the browser does when the window is minimised or its tab left.
      Object.defineProperty(document, 'hidden', { value, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  try {
    await app.showView('Ports');
    await app.page.getByRole('combobox', { name: 'Refresh interval' }).selectOption({ label: 'Every 1 s' });
    await expect(app.listeningPort('127.0.0.1:')).not.toHaveCount(0);

    // Any refresh proves it, for the view lists only on its timer (or on coming back into view): no
    // bound of our own, since one listing of a busy machine's sockets can take longer than a second.
    const live = await listen();
    await expect(app.listeningPort(`127.0.0.1:${live}`)).toHaveCount(1);

    await setHidden(true);
    await settled();
    const whileHidden = await listen();
    await app.page.waitForTimeout(1500);
    await expect(app.listeningPort(`127.0.0.1:${whileHidden}`)).toHaveCount(0);
    await setHidden(false);
    // While hidden no timer was left: only the listing on coming back can show it.
    await expect(app.listeningPort(`127.0.0.1:${whileHidden}`)).toHaveCount(1);

    await app.page.getByRole('combobox', { name: 'Refresh interval' }).selectOption({ label: 'Off' });
    await settled();
    const whileOff = await listen();
    await app.page.waitForTimeout(1500);
    await expect(app.listeningPort(`127.0.0.1:${whileOff}`)).toHaveCount(0);
    await app.page.getByRole('button', { name: 'Refresh now' }).click();
    await expect(app.listeningPort(`127.0.0.1:${whileOff}`)).toHaveCount(1);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
});

test('on a machine with more sockets than the view lists, it says how many it left out, and the filter finds one of those', async ({ app }) => {
  // 5,100 loopback connections: 10,200 sockets at least, past the 10,000 rows the view asks for.
  const server = createServer();
  const clients: Socket[] = [];
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    for (let wave = 0; wave < 51; wave++) {
      await Promise.all(
        Array.from({ length: 100 }, () => {
          const client = connect({ port, host: '127.0.0.1' });
          clients.push(client);
          return new Promise((resolve) => client.once('connect', resolve));
        }),
      );
    }
    await app.showView('Ports');
    await app.page.getByRole('radio', { name: /^All/ }).click();
    await expect(app.page.getByRole('note', { name: 'Not all shown' })).toContainText(/Showing the first 10,000 of [\d,]+ matching sockets/);
    await expect(app.page.getByRole('note', { name: 'Not all shown' })).toContainText('Type a port, process, address or state in the filter');

    // The highest local port comes last in the host's order: beyond the first 10,000.
    const last = Math.max(...clients.map((client) => client.localPort ?? 0));
    await app.page.getByRole('searchbox', { name: 'Filter ports' }).fill(String(last));
    const row = app.page
      .getByRole('table', { name: 'Ports on this machine' })
      .getByRole('row')
      .filter({ hasText: `127.0.0.1:${last}` })
      .filter({ hasText: 'ESTABLISHED' });
    await expect(row.first()).toBeVisible();
    await expect(app.page.getByRole('note', { name: 'Not all shown' })).toHaveCount(0);
  } finally {
    for (const client of clients) client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
