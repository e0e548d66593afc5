import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { startRedis } from './support/servers';

test('the user previews macro bytes, builds a sequence against redis, runs it and sees each step pass, then makes a mock from the log', async ({
  app,
}) => {
  const { page } = app;
  const redis = await startRedis();
  try {
    await app.connectTcp('127.0.0.1', redis.port);
    await app.sendAs('Text');
    await app.lineEnding('None');

    // The send bar shows the exact bytes a macro payload makes before it is sent.
    await app.message.fill('{{hex:01 03 00 00 00 0a}}{{crc16-modbus}}');
    await expect(page.getByRole('status', { name: 'Enter sends' })).toHaveText('\\x01\\x03\\0\\0\\0\\n\\xc5\\xcd · 8 B');
    await app.message.fill('GET {{nope}}');
    await expect(page.getByText(/"nope" is not a macro/)).toBeVisible();
    await app.message.fill('');

    await page.getByRole('button', { name: 'Sequences', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Sequences' });
    await expect(panel.getByText(/No sequences yet/)).toBeVisible();
    await panel.getByRole('button', { name: 'New' }).click();
    const editor = panel.getByRole('textbox', { name: 'Scenario JSON' });
    await editor.fill('{ "steps": [ { "send": 4 } ] }');
    await expect(panel.getByRole('alert')).toContainText('steps.0.send: send must be a string');
    await editor.fill(
      JSON.stringify({
        name: 'redis smoke',
        steps: [
          { send: 'PING\\r\\n' },
          { expect: { exact: '+PONG\\r\\n' } },
          { send: 'SET k {{uuid}}\\r\\n' },
          { expect: { contains: '+OK' }, timeoutMs: 2000 },
          { send: 'GET k\\r\\n' },
          { expect: { regex: '\\$36\\r\\n(?<v>[0-9a-f-]{36})' } },
          { repeat: 2, steps: [{ send: 'INCR n\\r\\n' }, { expect: { regex: ':\\d+' } }] },
          { send: 'GET k\\r\\n' },
          { expect: { contains: '{{var:v}}' } },
        ],
      }),
    );
    await panel.getByRole('button', { name: 'Save sequence' }).click();
    await panel.getByRole('button', { name: 'Run redis smoke' }).click();

    const run = panel.getByRole('region', { name: 'Sequence run' });
    await expect(run.getByText('passed', { exact: true })).toBeVisible({ timeout: 10_000 });
    const steps = run.getByRole('list', { name: 'Steps' }).getByRole('listitem');
    // 8 steps, the repeat, and its two steps twice.
    await expect(steps).toHaveCount(13);
    await expect(run.getByRole('listitem', { name: /: passed$/ })).toHaveCount(13);
    await expect(run).toContainText(/v="[0-9a-f-]{36}"/);
    // What the sequence sent and received is in the socket's log like any other message.
    await expect(app.log).toContainText('+PONG');
    await app.screenshot('sequence-passed');

    // The log turned into a mock server's steps: requests become expects, replies sends.
    await panel.getByRole('button', { name: 'Log → mock' }).click();
    await expect(editor).toHaveValue(/"expect": \{\s*"exact": "PING\\\\r\\\\n"/);
    await expect(editor).toHaveValue(/"send": "\+PONG\\\\r\\\\n"/);
    await expect(panel.getByText(/^Valid\./)).toBeVisible();
    await panel.getByRole('button', { name: 'Save sequence' }).click();

    // Served on a listener, the mock answers ncat as redis did.
    const port = await app.startListener('127.0.0.1');
    await panel.getByRole('button', { name: /^Serve Mock of / }).click();
    await expect(panel.getByRole('region', { name: 'Sequence run' }).getByText('running', { exact: true })).toBeVisible();
    const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
    try {
      ncat.write('PING\r\n');
      await until(() => ncat.received().toString() === '+PONG\r\n', 'ncat to get the recorded reply');
    } finally {
      await ncat.stop();
    }
    await expect(panel.getByRole('listitem', { name: /send "\+PONG\\r\\n": passed$/ })).toBeVisible();
    await app.screenshot('sequence-mock-serving');
    await panel.getByRole('button', { name: 'Stop' }).click();
    await expect(panel.getByRole('region', { name: 'Sequence run' }).getByText('stopped', { exact: true })).toBeVisible();
  } finally {
    await redis.stop();
  }
});
