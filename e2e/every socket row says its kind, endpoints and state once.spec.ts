import { expect, test } from './fixtures';

const STATE = /\b(connecting|open|listening|half-closed|closed|error)\b/g;

test('a screen reader hears each row once: kind, endpoints, state — listener, client, accepted connection, UDP, proxy and conversation', async ({
  app,
  page,
}) => {
  const port = await app.startListener('127.0.0.1');
  const listener = app.socketRow(`TCP listener on 127.0.0.1:${port}, listening`);
  await expect(listener).toBeVisible();

  await app.connectTcp('127.0.0.1', port);
  const client = app.socketRow(new RegExp(`^TCP client 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:${port}, open$`));
  await expect(client).toBeVisible();
  const clientPort = Number(/^TCP client 127\.0\.0\.1:(\d+)/.exec((await client.getAttribute('aria-label')) ?? '')?.[1]);
  await expect(app.socketRow(`Accepted connection 127.0.0.1:${port} to 127.0.0.1:${clientPort}, open`)).toBeVisible();

  const udpPort = await app.bindUdp('127.0.0.1');
  await expect(app.socketRow(`UDP socket 127.0.0.1:${udpPort}, open`)).toBeVisible();

  await page.getByRole('button', { name: 'New proxy' }).click();
  await app.dialog.getByLabel('Upstream port').fill(String(port));
  await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(app.dialog).toBeHidden();
  const proxy = app.socketRow(new RegExp(`^Proxy 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:${port}, listening$`));
  await expect(proxy).toBeVisible();
  const proxyPort = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxy.getAttribute('aria-label')) ?? '')?.[1]);
  await app.connectTcp('127.0.0.1', proxyPort);
  await expect(
    app.socketRow(new RegExp(`^Proxied conversation from 127\\.0\\.0\\.1:\\d+ via 127\\.0\\.0\\.1:${proxyPort} to 127\\.0\\.0\\.1:${port}, open$`)),
  ).toBeVisible();

  // Every row, whatever its kind: its state is said once, at the end.
  const rows = app.sockets.getByRole('option');
  // Two accepted connections: the TCP client's, and the proxy's own to its upstream.
  await expect(rows).toHaveCount(8);
  for (const row of await rows.all()) {
    const name = (await row.getAttribute('aria-label')) ?? '';
    await expect(row).toHaveAccessibleName(name);
    expect(name.match(STATE), name).toHaveLength(1);
    expect(name, name).toMatch(/, (open|listening)$/);
  }

  await app.screenshot('host-socket-rows-every-kind');

  // A stopped listener is not "listening on" anything.
  await listener.click();
  await page.getByRole('button', { name: 'Stop listening', exact: true }).click();
  const stopped = app.socketRow(`TCP listener on 127.0.0.1:${port}, closed`);
  await expect(stopped).toBeVisible();
  // Nor does it show as one: the row and the header give its address, and its state says closed.
  await expect(stopped).toContainText(`127.0.0.1:${port}`);
  await expect(stopped).not.toContainText('listening');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`127.0.0.1:${port}`);
});
