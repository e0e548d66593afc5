import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import type { SockscopeApp } from './support/app';
import { startPeer } from './support/peers';
import { startHttpServer, startRedis } from './support/servers';

/** A client connection from the toolbar, open and selected. */
async function connectAndSelect(app: SockscopeApp, port: number): Promise<void> {
  await app.connectTcp('127.0.0.1', port);
  const client = app.socketRow(new RegExp(`^TCP client .*:${port}, open$`));
  await client.click();
  await expect(client).toHaveAttribute('aria-selected', 'true');
}

const row = (app: SockscopeApp, text: string | RegExp) => app.log.getByRole('listitem').filter({ hasText: text });

test('the user frames a listener by lines, sees an unfinished line as pending, then decoded as JSON', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  // Set on the listener, before anyone connects: its connections speak the same protocol.
  await app.frameBy('Delimiter', { select: 'Delimiter', label: 'LF (\\n)' });
  await expect(app.page.getByRole('button', { name: 'Framing: Delimiter LF' })).toBeVisible();
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.page.getByRole('button', { name: 'Framing: Delimiter LF' })).toBeVisible();
    ncat.write('{"event":"login","user":"ada"}\n{"event":"order",');
    await expect(row(app, '{"event":"login","user":"ada"}\\n')).toBeVisible();
    const pending = row(app, 'Pending');
    await expect(pending).toContainText('{"event":"order",');
    await expect(pending).toContainText('waiting for LF');

    ncat.write('"id":1042}\n');
    const completed = row(app, '{"event":"order","id":1042}\\n');
    await expect(completed).toContainText('from 2 reads');
    await expect(row(app, 'Pending')).toHaveCount(0);

    await app.logView('Decoded');
    const decoded = row(app, 'from 2 reads');
    await expect(decoded).toContainText('JSON');
    await expect(decoded).toContainText('"id": 1042');
    await app.screenshot('frames-json-decoded');

    // Back to raw chunks: the log as it arrived, two reads.
    await app.logView('Text');
    await app.frameBy('Raw chunks');
    await expect(row(app, '"user":"ada"').filter({ hasText: '{"event":"order",' })).toBeVisible();
  } finally {
    await ncat.stop();
  }
});

test('the user reads a response from python3 -m http.server decoded as HTTP with a JSON body', async ({ app }) => {
  const www = mkdtempSync(join(tmpdir(), 'sockscope-www-'));
  writeFileSync(join(www, 'status.json'), JSON.stringify({ service: 'inventory', items: [{ sku: 'A-100', qty: 12 }] }));
  const server = await startHttpServer(www);
  try {
    await connectAndSelect(app, server.port);
    // python's server writes the head and the body separately: framed by protocol they are one message.
    await app.frameBy('Protocol', { select: 'Protocol', label: 'HTTP/1.x requests and responses' });
    await app.logView('Decoded');
    await app.send('GET /status.json HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n');
    const request = row(app, 'GET /status.json HTTP/1.0');
    await expect(request).toContainText('HTTP');
    await expect(request).toContainText('Host: 127.0.0.1');
    const response = row(app, /HTTP\/1\.0 200 OK/);
    await expect(response).toContainText(/Content-type: application\/json/i);
    await expect(response).toContainText('"sku": "A-100"');
    await expect(response).toContainText('"qty": 12');
    await app.screenshot('frames-http-decoded');
  } finally {
    await server.stop();
    rmSync(www, { recursive: true, force: true });
  }
});

test('the user talks to redis-server and reads its replies decoded as RESP', async ({ app }) => {
  const redis = await startRedis();
  try {
    await connectAndSelect(app, redis.port);
    await app.lineEnding('CRLF');
    await app.logView('Decoded');
    await app.page.getByRole('combobox', { name: 'Decoder' }).selectOption({ label: 'RESP (Redis)' });
    for (const command of ['SET greeting hello', 'GET greeting', 'RPUSH fruits apple banana', 'LRANGE fruits 0 -1', 'GET missing']) {
      await app.send(command);
      await expect(row(app, command)).toContainText('inline command');
    }
    await expect(row(app, 'RESP').filter({ hasText: '"hello"' })).toBeVisible();
    await expect(row(app, '(integer) 2')).toBeVisible();
    await expect(row(app, /1\)\s*"apple"\s*2\)\s*"banana"/)).toBeVisible();
    await expect(row(app, '(nil)')).toBeVisible();
    await app.screenshot('frames-resp-decoded');
  } finally {
    await redis.stop();
  }
});
