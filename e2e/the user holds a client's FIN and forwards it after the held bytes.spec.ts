import { createServer, type Server, Socket } from 'node:net';
import { expect, test } from './fixtures';
import { expectAccessibleInBothThemes } from './support/axe';
import { until } from './support/peers';

/** A server that keeps what it reads and notes the client's FIN (it stays open itself). */
async function startRecordingServer(): Promise<{ stop: () => Promise<void>; port: number; received: () => string; ended: () => boolean }> {
  let text = '';
  let ended = false;
  const accepted: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => (ended = true));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The proxy keeps its side open until the host stops: the server's sockets are ended here.
  const stop = async (): Promise<void> => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { stop, port: (server.address() as { port: number }).port, received: () => text, ended: () => ended };
}

test("the user holds client → server, sees the client's FIN wait after the held bytes, and forwards both", async ({ app, page }) => {
  const upstream = await startRecordingServer();
  const client = new Socket({ allowHalfOpen: true });
  client.on('error', () => undefined);
  try {
    await page.getByRole('button', { name: /^Start a proxy/ }).click();
    await app.dialog.getByLabel('Upstream port').fill(String(upstream.port));
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to /);
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);
    await new Promise<void>((resolve) => client.connect({ host: '127.0.0.1', port }, resolve));

    const conversation = app.socketRow(/^Proxied conversation .*, open$/);
    await conversation.click();
    const panel = page.getByRole('region', { name: 'Conversation' });
    const hold = panel.getByRole('checkbox', { name: 'Hold client → server' });
    await hold.click();
    await expect(hold).toBeChecked();
    await expect(panel).toContainText('Nothing held yet');

    client.write('QUIT\r\n');
    const held = panel.getByRole('list', { name: 'Held messages' });
    await expect(held.getByRole('textbox').filter({ hasText: 'QUIT' })).toBeVisible();
    client.end();

    // The FIN shows in its place in the queue, after the bytes held before it.
    const fin = held.getByRole('listitem', { name: 'Held FIN, client → server' });
    await expect(fin).toBeVisible();
    await expect(fin).toContainText('end of stream from the client, after the messages above');
    const order = await held.getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
    expect(order).toEqual([expect.stringMatching(/^Held message \d+, client → server$/), 'Held FIN, client → server']);
    await expect(panel).toContainText('1 held, then a FIN.');
    await expect(panel).not.toContainText('Nothing held yet');
    expect(upstream.received()).toBe('');
    expect(upstream.ended()).toBe(false);
    await app.screenshot('host-proxy-held-fin');
    await expectAccessibleInBothThemes(page, 'a held message and a held FIN');
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('host-proxy-held-fin-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await fin.getByRole('button', { name: 'Forward' }).click();
    await until(() => upstream.ended(), 'the FIN at the server');
    expect(upstream.received()).toBe('QUIT\r\n');
    await expect(fin).toBeHidden();
    await expect(held).toBeHidden();
    await expect(panel).toContainText('Nothing held yet');
    await expect(app.log).toContainText('FIN passed on to the server');
    await app.screenshot('host-proxy-held-fin-forwarded');
  } finally {
    client.destroy();
    await upstream.stop();
  }
});
