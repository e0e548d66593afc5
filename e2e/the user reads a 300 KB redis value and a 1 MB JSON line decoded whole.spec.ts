import { spawnSync } from 'node:child_process';
import { expect, test } from './fixtures';
import type { SockscopeApp } from './support/app';
import { startPeer } from './support/peers';
import { startRedis } from './support/servers';

const row = (app: SockscopeApp, text: string | RegExp) => app.log.getByRole('listitem').filter({ hasText: text });

test('a 300,000-byte value from redis-server decodes as one complete RESP bulk string, drawn in part and saying so', async ({ app }) => {
  test.slow();
  const redis = await startRedis();
  try {
    // The value goes in with redis-cli; Sockscope only reads it back.
    const value = 'v'.repeat(299_990) + 'END-OF-VAL';
    const set = spawnSync('redis-cli', ['-p', String(redis.port), '-x', 'SET', 'big'], { input: value });
    expect(set.stdout.toString().trim()).toBe('OK');

    await app.connectTcp('127.0.0.1', redis.port);
    await app.socketRow(new RegExp(`:${redis.port}, open$`)).click();
    await app.frameBy('Protocol', { select: 'Protocol', label: 'RESP values (Redis)' });
    await app.logView('Decoded');
    await app.lineEnding('CRLF');
    await app.send('GET big');

    // $300000 CR LF, the value, CR LF: 300,011 bytes in one reply, read in several chunks.
    const reply = row(app, 'RESP').filter({ hasText: 'vvvv' });
    await expect(reply).toContainText('Decoded all 300,011 B; showing the first 16 KiB of what it says.');
    await expect(reply).not.toContainText('ends inside');
    await expect(reply).not.toContainText('END-OF-VAL');
    await app.screenshot('decoded-redis-300k');
    await reply.getByRole('button', { name: 'Show more' }).click();
    await expect(reply).toContainText('showing the first 64 KiB of what it says.');
  } finally {
    await redis.stop();
  }
});

test('a 1 MB JSON line from ncat decodes as JSON, not "Not JSON", and the row says how much it draws', async ({ app }) => {
  test.slow();
  const port = await app.startListener('127.0.0.1');
  await app.frameBy('Delimiter', { select: 'Delimiter', label: 'LF (\\n)' });
  const items = Array.from({ length: 20_000 }, (_, id) => ({ id, name: `item-${id}`, tags: ['alpha', 'beta'] }));
  const line = JSON.stringify({ kind: 'inventory', items, last: 'final-marker' });
  expect(line.length).toBeGreaterThan(1_000_000);
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write(`${line}\n`);
    await app.socketRow(/^Accepted connection/).click();
    await app.logView('Decoded');
    const decoded = row(app, 'JSON').filter({ hasText: '"inventory"' });
    await expect(decoded).toContainText(`Decoded all ${(line.length + 1).toLocaleString('en-US')} B; showing the first 16 KiB of what it says.`, {
      timeout: 15_000,
    });
    await expect(decoded).toContainText('"name": "item-0"');
    await expect(decoded).not.toContainText('Not JSON');
    await app.screenshot('decoded-json-1mb');
  } finally {
    await ncat.stop();
  }
});
