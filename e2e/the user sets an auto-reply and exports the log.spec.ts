import { scratchDir, tsharkFields } from '../src/main/export/test-support/tshark';
import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';

let files: ReturnType<typeof scratchDir>;

test.beforeEach(() => {
  files = scratchDir();
});

test.afterEach(() => {
  files.remove();
});

test('a rule answers PING with PONG, counts its hit, is switched off live, and the log exports as a capture tshark reads', async ({ app }) => {
  const { page } = app;
  const port = await app.startListener('127.0.0.1');
  const panel = await app.openAutoReply();
  const rule = await app.addRule(panel, { match: 'contains', pattern: 'PING', reply: 'PONG\\n' });
  await expect(page.getByRole('button', { name: 'Auto-reply', exact: true })).toContainText('1 rule');

  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('PING\r\n');
    await until(() => ncat.received().toString() === 'PONG\n', 'ncat to receive the rule’s reply');
    await expect(rule).toContainText('1 hit');
    await app.screenshot('auto-reply-rule-answered');

    // Off, and echo on: the same message now comes back as it was.
    await rule.getByRole('switch', { name: 'Rule 1 enabled' }).click();
    await expect(rule.getByRole('switch', { name: 'Rule 1 enabled' })).toHaveAttribute('aria-checked', 'false');
    await panel.getByRole('switch', { name: 'Echo' }).click();
    await expect(panel.getByRole('switch', { name: 'Echo' })).toHaveAttribute('aria-checked', 'true');
    ncat.write('PING\r\n');
    await until(() => ncat.received().toString() === 'PONG\nPING\r\n', 'ncat to receive the echo');
    await expect(rule).toContainText('1 hit');
    await expect(panel).toContainText('Echo');
    await expect(panel.getByText('1 hit')).toHaveCount(2);
  } finally {
    await ncat.stop();
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: /pcapng/ }).click();
  const capture = files.path('listener.pcapng');
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/^sockscope-lst-1-\d{8}-\d{6}\.pcapng$/);
  await saved.saveAs(capture);
  await expect(page.getByRole('status').filter({ hasText: 'Downloading the pcapng export' })).toBeVisible();

  const packets = await tsharkFields(capture, ['ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.payload'], 'tcp.len > 0');
  const hex = (text: string): string => Buffer.from(text).toString('hex');
  expect(packets.map((p) => [p[1] === String(port) ? 'listener' : 'ncat', Buffer.from(p[4], 'hex').toString()])).toEqual([
    ['ncat', 'PING\r\n'],
    ['listener', 'PONG\n'],
    ['ncat', 'PING\r\n'],
    ['listener', 'PING\r\n'],
  ]);
  expect(packets.every((p) => p[0] === '127.0.0.1' && p[2] === '127.0.0.1')).toBe(true);
  expect(packets[0][4]).toBe(hex('PING\r\n'));
});

test('an exported JSON Lines log opens again as a read-only imported log', async ({ app }) => {
  const { page } = app;
  const port = await app.startListener('127.0.0.1');
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('hello from a file\r\n');
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.log).toContainText('hello from a file\\r\\n');
  } finally {
    await ncat.stop();
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export all' }).click();
  await page.getByRole('menuitem', { name: /JSON Lines/ }).click();
  const exported = files.path('all.jsonl');
  await (await download).saveAs(exported);

  await page.getByLabel('Log file to import').setInputFiles(exported);
  await expect(page.getByRole('status').filter({ hasText: 'Imported 2 socket logs from all.jsonl' })).toBeVisible();
  // The first socket of the file is selected: the listener; its connection is beside it in the list.
  const imported = app.socketRow(/^Imported log 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+, closed$/);
  await imported.click();
  await expect(app.log).toContainText('hello from a file\\r\\n');
  await expect(page.getByText(/Imported from all\.jsonl: the log of an accepted TCP connection, con-2\. Read-only/)).toBeVisible();
  await expect(app.message).toHaveCount(0);
  await app.screenshot('imported-log');

  // A file that is not a log says why, next to the button.
  const bogus = files.write('notes.jsonl', Buffer.from('just some notes\n'));
  await page.getByLabel('Log file to import').setInputFiles(bogus);
  await expect(page.getByRole('alert').filter({ hasText: 'Could not import: notes.jsonl: Line 1: not valid JSON' })).toBeVisible();
});

test('rules matched per line answer every line of a burst, and a line cut across reads once', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  const panel = await app.openAutoReply();
  // Until the user picks another unit, each read is one: the panel says how large a read may be.
  await expect(panel.getByLabel('Messages').locator('option:checked')).toHaveText('Each read (up to 64 KiB), as it arrives');
  await panel.getByLabel('Messages').selectOption({ label: 'Each line (LF)' });
  await expect(panel).toContainText('delimiter included');
  const rule = await app.addRule(panel, { match: 'is exactly', pattern: 'PING\\n', reply: 'PONG\\n' });
  await expect(panel.getByLabel('Messages')).toHaveValue('line');

  const client = startPeer('python3', [
    '-c',
    // Three lines in one send, then a line cut in two sends with a pause between them.
    `import socket, sys, time\ns = socket.create_connection(("127.0.0.1", ${port}))\ns.sendall(b"PING\\nPING\\nPING\\nPI")\ntime.sleep(0.3)\ns.sendall(b"NG\\n")\ngot = b""\nwhile got.count(b"PONG") < 4: got += s.recv(100)\nsys.stdout.write(got.decode())\nsys.stdout.flush()`,
  ]);
  try {
    await until(() => client.received().toString() === 'PONG\n'.repeat(4), 'a reply to each of the four lines');
    await expect(rule).toContainText('4 hits');
    await app.screenshot('auto-reply-per-line');
  } finally {
    await client.stop();
  }
});
