import { statSync } from 'node:fs';
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

test('a listener is recorded to a typed path as traffic arrives, the size shows live, and Stop leaves a capture tshark reads', async ({ app }) => {
  const { page } = app;
  const port = await app.startListener('127.0.0.1');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: /Record to file/ }).click();
  const form = page.getByRole('dialog', { name: 'Record to file' });
  const path = form.getByLabel('File on this machine');
  // Suggested in the folder Sockscope runs in, named after the socket.
  await expect(path).toHaveValue(/sockscope-lst-1-\d{8}-\d{6}\.pcapng$/);
  await app.screenshot('record-to-file-form');
  const capture = files.path('listener.pcapng');
  await path.fill(capture);
  await form.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.getByText('Recording', { exact: true })).toBeVisible();

  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('x'.repeat(200_000));
    await until(() => statSync(capture).size > 200_000, 'the file to grow while recording');
    await expect(page.getByRole('status', { name: 'File size' })).toHaveText(/^(19\d|2\d\d) KiB$/);
    await app.screenshot('recording-in-toolbar');
  } finally {
    await ncat.stop();
  }
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved .*listener\.pcapng \(\d+/ })).toBeVisible();
  const rows = await tsharkFields(capture, ['tcp.len']);
  expect(rows.reduce((total, row) => total + Number(row[0]), 0)).toBe(200_000);
});

test('a path that cannot be written is refused in the form, with the reason', async ({ app }) => {
  const { page } = app;
  await app.startListener('127.0.0.1');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: /Record to file/ }).click();
  const form = page.getByRole('dialog', { name: 'Record to file' });
  await form.getByLabel('File on this machine').fill(files.path('missing/x.pcapng'));
  await form.getByRole('button', { name: 'Start recording' }).click();
  await expect(form.getByText(/Cannot write .*x\.pcapng: there is no folder/)).toBeVisible();
});
