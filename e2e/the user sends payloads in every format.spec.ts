import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import type { SockscopeApp } from './support/app';
import { type Collector, startCollector } from './support/collector';
import type { RunningHost } from './support/host';
import { until } from './support/peers';

let peer: Collector;

test.beforeEach(async () => {
  peer = await startCollector();
});

test.afterEach(async () => {
  await peer.stop();
});

async function connect(app: SockscopeApp): Promise<void> {
  await app.connectTcp('127.0.0.1', peer.port);
  await until(() => peer.connections() === 1, 'the peer to accept the connection');
}

/**
 * Connected, in Text mode, runs `meanwhile` with the host held still (SIGSTOP): whatever is sent
 * stays on its way, unanswered, until the host is let go after it.
 */
async function whileHostFrozen(app: SockscopeApp, host: RunningHost, meanwhile: () => Promise<void>): Promise<void> {
  await connect(app);
  await app.sendAs('Text');
  host.freeze();
  try {
    await meanwhile();
  } finally {
    host.resume();
  }
}

test('the user sends text with escapes, hex and base64, and is told exactly what is wrong with a bad input', async ({ app }) => {
  await connect(app);

  await app.sendAs('Text');
  await app.send('PING\\r\\n\\x00\\u{e9}');
  await until(() => peer.received().equals(Buffer.from('PING\r\n\x00\u00c3\u00a9', 'latin1')), 'the escaped bytes at the peer');

  await app.send('bad \\q');
  await expect(app.message).toHaveAccessibleDescription(/^Unknown escape "\\q" at position 5/);
  await app.sendAs('Hex');
  await app.send('de ad be e');
  await expect(app.message).toHaveAccessibleDescription(/Odd number of hex digits: "e" at position 10/);
  await app.sendAs('Base64');
  await app.send('SGVsbG8!');
  await expect(app.message).toHaveAccessibleDescription('"!" is not a base64 character (position 8)');
  // Nothing of the three went out.
  expect(peer.received().length).toBe(9);
  await expect(app.log.getByRole('listitem').filter({ hasText: 'TX' })).toHaveCount(1);

  await app.send('SGVsbG8=');
  await app.sendAs('Hex');
  // Hex shows bytes as bytes: read as UTF-8, de ad would be a combining mark drawn over the space.
  await app.message.fill('0x20:de ad,be ef');
  await expect(app.page.getByRole('status', { name: 'Enter sends' })).toHaveText('\\x20\\xde\\xad\\xbe\\xef · 5 B');
  await app.screenshot('payloads-hex-preview');
  await app.message.press('Enter');
  await until(() => peer.received().subarray(9).equals(Buffer.from('Hello \xde\xad\xbe\xef', 'latin1')), 'base64 and hex bytes at the peer');
  await app.screenshot('payloads-formats');
});

test('the user reads a payload as Latin-1 and copies it as hex and as a C array', async ({ app }) => {
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await connect(app);
  peer.write(Buffer.from('caf\xe9\r\n', 'latin1'));
  const row = app.log.getByRole('listitem').filter({ hasText: 'RX' });
  await expect(row).toContainText('caf\\xe9\\r\\n');
  await app.page.getByRole('combobox', { name: 'Text encoding' }).selectOption('Latin-1');
  await expect(row).toContainText('café\\r\\n');

  await row.hover();
  await row.getByRole('button', { name: /^Copy entry/ }).click();
  await app.page.getByRole('menuitem', { name: 'Hex' }).click();
  await expect(row.getByRole('status')).toHaveText('Copied as Hex');
  expect(await app.page.evaluate(() => navigator.clipboard.readText())).toBe('63 61 66 e9 0d 0a');
  await row.getByRole('button', { name: /^Copy entry/ }).click();
  await app.page.getByRole('menuitem', { name: 'C array' }).click();
  expect(await app.page.evaluate(() => navigator.clipboard.readText())).toBe('unsigned char data[6] = {\n  0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a\n};');
});

test('the user pastes 100 MB by mistake: it is refused next to the box, the window lives and the draft stays', async ({ app }) => {
  // A real paste (the clipboard, Control+V): inserting ~100 MB into a textarea crashes Chromium's renderer.
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await connect(app);
  await app.sendAs('Text');
  await app.message.fill('PING');
  await app.page.evaluate((n) => navigator.clipboard.writeText('x'.repeat(n)), 100_000_000);
  await app.message.press('Control+V');
  await expect(app.message).toHaveAccessibleDescription(
    /^Not pasted: 100,000,000 characters, more than one send can carry \(16 MiB\)\. To send a large payload, choose File/,
  );
  await expect(app.message).toHaveValue('PING');
  await app.screenshot('payloads-paste-refused');
  // The window still answers, and what the user had sends as it was.
  await app.message.press('Enter');
  await until(() => peer.received().toString() === 'PING', 'the draft at the peer');
  // A paste one send can carry goes in as ever.
  await app.page.evaluate(() => navigator.clipboard.writeText('PONG'));
  await app.message.press('Control+V');
  await expect(app.message).toHaveValue('PONG');

  // Every field guards itself the same way: the New connection dialog's Host.
  await app.page.getByRole('button', { name: 'New connection' }).click();
  const host = app.dialog.getByLabel('Host', { exact: true });
  await host.fill('localhost');
  await app.page.evaluate(() => navigator.clipboard.writeText('h'.repeat(2_000_000)));
  await host.press('Control+V');
  await expect(host).toHaveAccessibleDescription('Not pasted: 2,000,000 characters, more than this field takes (1,048,576 at most).');
  await expect(host).toHaveValue('localhost');
});

test('the user repeats a message five times and sees the count', async ({ app }) => {
  await connect(app);
  await app.message.fill('tick\\n');
  await app.page.getByRole('button', { name: 'Repeat…' }).click();
  const popover = app.page.getByRole('dialog', { name: 'Repeat the message' });
  await popover.getByLabel('Times').fill('5');
  await popover.getByLabel('Every (ms)').fill('20');
  await popover.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(app.page.getByRole('status', { name: /^Repeat: Repeated 5 of 5 in [\d.]+ m?s$/ })).toBeVisible();
  await until(() => peer.received().toString() === 'tick\n'.repeat(5), 'five ticks at the peer');
  await expect(app.log.getByRole('listitem').filter({ hasText: 'TX' })).toHaveCount(5);

  // Until stopped: it runs until the user stops it, and the count stops with it.
  await app.page.getByRole('button', { name: 'Repeat…' }).click();
  await popover.getByLabel('Times').fill('');
  await popover.getByLabel('Every (ms)').fill('30');
  await popover.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(app.page.getByRole('status', { name: /^Repeat: Sent \d+ · every 30 ms$/ })).toBeVisible();
  await app.page.getByRole('button', { name: 'Stop', exact: true }).click();
  const stopped = app.page.getByRole('status', { name: /^Repeat: Stopped after \d+ in [\d.]+ m?s$/ });
  await expect(stopped).toBeVisible();
  const count = Number(/after (\d+)/.exec((await stopped.getAttribute('aria-label')) ?? '')?.[1]);
  await until(() => peer.received().length === 5 * 5 + count * 5, 'the stopped repeat to have landed');
});

test('the user streams a 40 MB file with progress, and the peer gets every byte; a second send is cancelled', async ({ app }) => {
  // 40 MB through the browser (File.slice, base64 over the WebSocket): allow for a busy machine.
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-file-'));
  // Larger than one send may be (16 MiB), so it must go in chunks.
  const file = join(dir, 'firmware.bin');
  const content = randomBytes(40_000_000);
  writeFileSync(file, content);
  try {
    await connect(app);
    await app.sendAs('File');
    await app.page.getByLabel('File to send').setInputFiles(file);
    await expect(app.page.getByText('firmware.bin · 38 MiB')).toBeVisible();
    await app.page.getByRole('button', { name: 'Send file' }).click();
    await expect(app.page.getByRole('progressbar', { name: 'Sending firmware.bin' })).toBeVisible();
    // Watched from the peer's side: polling the page's text while megabytes of log render would slow it.
    await until(() => peer.received().length >= content.length, 'the whole file at the peer', 40_000);
    expect(createHash('sha256').update(peer.received()).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
    await expect(app.page.getByRole('status').filter({ hasText: /^Sent firmware\.bin \(38 MiB\) in/ })).toBeVisible();
    await app.screenshot('payloads-file-sent');

    await app.page.getByRole('button', { name: 'Send file' }).click();
    await app.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(app.page.getByRole('status').filter({ hasText: /^Cancelled after .* of 38 MiB$/ })).toBeVisible();
    const afterCancel = peer.received().length;
    expect(afterCancel).toBeLessThan(2 * content.length);
    // Bytes received are a prefix of the file: chunks went in order and stopped cleanly.
    expect(
      peer
        .received()
        .subarray(content.length)
        .equals(content.subarray(0, afterCancel - content.length)),
    ).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what the user types while a message is on its way stays in the send bar', async ({ app, host }) => {
  await whileHostFrozen(app, host, async () => {
    await app.send('first');
    await app.message.fill('second');
  });
  await until(() => peer.received().toString() === 'first', 'the first message at the peer');
  await expect(app.log).toContainText('first');
  await expect(app.message).toHaveValue('second');
});

test('a message on its way says so until it is answered, then says it was sent', async ({ app, host }) => {
  const status = app.page.getByRole('status').filter({ hasText: /^(Sending…|Sent 5 B)$/ });
  await whileHostFrozen(app, host, async () => {
    await app.send('first');
    await expect(status).toHaveText('Sending…');
    await app.screenshot('send-on-its-way');
  });
  await until(() => peer.received().toString() === 'first', 'the message at the peer');
  await expect(status).toHaveText('Sent 5 B');
  await expect(app.message).toHaveValue('');
  await app.screenshot('send-answered');
});

test('a message on its way that the connection can no longer take says why, next to it, and is kept', async ({ app, host }) => {
  await whileHostFrozen(app, host, async () => {
    // The peer resets before the host, held still, has read a thing: the send meets a dead connection.
    peer.reset();
    await app.send('first');
    await expect(app.page.getByRole('status').filter({ hasText: /^Sending…$/ })).toBeVisible();
  });
  // Whichever the host met first, the reset or the send, the send is refused with the reason.
  await expect(app.message).toHaveAccessibleDescription(/reset|closed/i);
  await expect(app.message).toHaveValue('first');
  await expect(app.log).toContainText('Connection reset by peer');
  await app.screenshot('send-failed-on-its-way');
  expect(peer.received().length).toBe(0);
});

test('a message sent while another is on its way goes after it, in order', async ({ app, host }) => {
  await whileHostFrozen(app, host, async () => {
    await app.send('first');
    // Enter again before the first is answered: the second waits its turn instead of being ignored.
    await app.send('second');
    await expect(app.page.getByText('Sending… 1 more message waiting')).toBeVisible();
    await app.message.fill('third');
  });
  await until(() => peer.received().toString() === 'firstsecond', 'both messages at the peer, in order');
  await expect(app.log.getByRole('listitem').filter({ hasText: 'TX' })).toHaveCount(2);
  // What was typed after the second stays.
  await expect(app.message).toHaveValue('third');
});
