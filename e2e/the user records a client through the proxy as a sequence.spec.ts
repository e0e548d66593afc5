import { execFile } from 'node:child_process';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';
import { startRedis } from './support/servers';

const run = promisify(execFile);

test('redis-cli through a proxy: its conversation becomes a replay against redis (Log → client) and a mock of it (Log → mock)', async ({ app }) => {
  const { page } = app;
  const redis = await startRedis();
  try {
    const { port: proxyPort } = await app.startProxy(redis.port);
    // A real client we did not write, recorded on its way through.
    const { stdout } = await run('redis-cli', ['-p', String(proxyPort), 'PING']);
    expect(stdout.trim()).toBe('PONG');

    await app.socketRow(/^Proxied conversation /).click();
    await expect(app.log).toContainText('+PONG');
    await page.getByRole('button', { name: 'Sequences', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Sequences' });
    const editor = panel.getByRole('textbox', { name: 'Scenario JSON' });

    // The conversation's log reads as its client's: what redis-cli sent is sent, redis's answer expected, at redis.
    await panel.getByRole('button', { name: 'Log → client' }).click();
    await expect(editor).toHaveValue(new RegExp(`"target": "tcp://127\\.0\\.0\\.1:${redis.port}"`));
    await expect(editor).toHaveValue(/"send": "\*1\\\\r\\\\n\$4\\\\r\\\\nPING\\\\r\\\\n"/);
    await expect(editor).toHaveValue(/"exact": "\+PONG\\\\r\\\\n"/);
    await app.screenshot('proxy-conversation-replay');
    await panel.getByRole('button', { name: 'Cancel' }).click();

    // As a mock, the other way round: the client's request is expected, redis's answer sent.
    await panel.getByRole('button', { name: 'Log → mock' }).click();
    await expect(editor).toHaveValue(/"exact": "\*1\\\\r\\\\n\$4\\\\r\\\\nPING\\\\r\\\\n"/);
    await expect(editor).toHaveValue(/"send": "\+PONG\\\\r\\\\n"/);
  } finally {
    await redis.stop();
  }
});

test('a replay made from a conversation a toxic dropped bytes of says so: its steps hold what was delivered', async ({ app }) => {
  const { page } = app;
  const redis = await startRedis();
  const client = new Socket();
  try {
    const { row: proxy, port: proxyPort } = await app.startProxy(redis.port);
    const replies: Buffer[] = [];
    client.on('data', (chunk: Buffer) => replies.push(chunk));
    await new Promise<void>((resolve) => client.connect(proxyPort, '127.0.0.1', resolve));
    client.write('PING\r\n');
    await expect.poll(() => Buffer.concat(replies).toString()).toBe('+PONG\r\n');

    await proxy.click();
    await page.getByLabel('Add toxic').fill('timeout:upstream:timeout=0');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('row', { name: 'Toxic timeout_upstream' })).toBeVisible();
    client.write('ECHO lost\r\n');
    await app.socketRow(/^Proxied conversation /).click();
    await expect(app.log).toContainText(`timeout toxic 'timeout_upstream' dropped 11 bytes to the server 127.0.0.1:${redis.port}`);

    await page.getByRole('button', { name: 'Sequences', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Sequences' });
    await panel.getByRole('button', { name: 'Log → client' }).click();
    await expect(panel.getByRole('textbox', { name: 'Scenario JSON' })).toHaveValue(/"send": "PING\\\\r\\\\n"/);
    await expect(panel.getByRole('status')).toHaveText(
      'The log says 11 bytes were lost on the way (a toxic or a dropped held message): the steps hold what was delivered, not what was sent',
    );
    await app.screenshot('proxy-conversation-replay-lost');
  } finally {
    client.destroy();
    await redis.stop();
  }
});
