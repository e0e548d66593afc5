import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { SockscopeApp } from './support/app';
import { startBuiltHost } from './support/host';
import { freePort, until } from './support/peers';

const run = promisify(execFile);

test('the user turns the Toxiproxy API on from the status bar, curl lists the proxies, and a taken port is explained', async ({ app, page }) => {
  await page.getByRole('button', { name: 'New proxy' }).click();
  await app.dialog.getByLabel('Upstream port').fill('6379');
  await app.dialog.getByLabel('Name').fill('redis');
  await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
  await expect(app.dialog).toBeHidden();

  const status = page.getByRole('button', { name: /^Toxiproxy API/ });
  await expect(status).toHaveText('Toxiproxy API off');
  const port = await freePort();
  await status.click();
  const panel = page.getByRole('dialog', { name: 'Toxiproxy API' });
  await expect(panel.getByLabel('Toxiproxy API port')).toHaveValue('8474');
  await panel.getByLabel('Toxiproxy API port').fill(String(port));
  const toggle = panel.getByRole('switch', { name: 'Serve the Toxiproxy API' });
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect(panel).toContainText(`Serving on http://127.0.0.1:${port}`);
  await expect(status).toHaveText(`Toxiproxy API 127.0.0.1:${port}`);
  const { stdout } = await run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/proxies`]);
  expect(JSON.parse(stdout)).toMatchObject({ redis: { name: 'redis', upstream: '127.0.0.1:6379', enabled: true } });
  await app.screenshot('host-toxiproxy-api-on');

  // Off, then on again at a port another program holds: the reason is shown.
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(status).toHaveText('Toxiproxy API off');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  try {
    await panel.getByLabel('Toxiproxy API port').fill(String(taken));
    await toggle.click();
    await expect(panel.getByRole('alert')).toHaveText(`127.0.0.1:${taken} is already in use: is Toxiproxy (or another Sockscope) running?`);
    await expect(toggle).not.toBeChecked();
    await expect(status).toHaveText('Toxiproxy API failed');
    await app.screenshot('host-toxiproxy-api-taken');
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('sockscope host --toxiproxy-api shows the API on in the status bar, the switch turns it off, and another window sees it go', async ({
  page,
}) => {
  const port = await freePort();
  const host = await startBuiltHost({ nodeArgs: [resolve(__dirname, '../out/main/cli.js'), 'host', '--toxiproxy-api', `127.0.0.1:${port}`] });
  try {
    await expect.poll(() => host.output()).toContain(`Toxiproxy API on http://127.0.0.1:${port}`);
    await page.goto(host.url);
    const status = page.getByRole('button', { name: /^Toxiproxy API/ });
    await expect(status).toHaveText(`Toxiproxy API 127.0.0.1:${port}`);
    // A second window, whose user is typing another port when the first turns the API off.
    const other = await page.context().newPage();
    await other.goto(host.url);
    const otherStatus = other.getByRole('button', { name: /^Toxiproxy API/ });
    await expect(otherStatus).toHaveText(`Toxiproxy API 127.0.0.1:${port}`);
    await otherStatus.click();
    await other.getByLabel('Toxiproxy API port').fill('9999');
    await status.click();
    await page.getByRole('switch', { name: 'Serve the Toxiproxy API' }).click();
    await expect(status).toHaveText('Toxiproxy API off');
    await expect(otherStatus).toHaveText('Toxiproxy API off');
    await expect(other.getByRole('switch', { name: 'Serve the Toxiproxy API' })).not.toBeChecked();
    await expect(other.getByLabel('Toxiproxy API port')).toHaveValue('9999');
    await expect(run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/version`])).rejects.toThrow();
  } finally {
    await host.stop();
  }
});

test('the API the user turned on comes back on, at the same port, with the restored workspace', async ({ browser }) => {
  const configDir = mkdtempSync(join(tmpdir(), 'sockscope-api-session-'));
  const port = await freePort();
  const sessionFile = join(configDir, 'session.json');
  try {
    const first = await startBuiltHost({ configDir });
    const firstPage = await browser.newPage();
    try {
      await firstPage.goto(first.url);
      await firstPage.getByRole('button', { name: /^Toxiproxy API/ }).click();
      const panel = firstPage.getByRole('dialog', { name: 'Toxiproxy API' });
      await panel.getByLabel('Toxiproxy API port').fill(String(port));
      await panel.getByRole('switch', { name: 'Serve the Toxiproxy API' }).click();
      await expect(panel).toContainText(`Serving on http://127.0.0.1:${port}`);
      await until(
        () => existsSync(sessionFile) && readFileSync(sessionFile, 'utf8').includes('"toxiproxyApi"'),
        'the API to be saved with the workspace',
      );
    } finally {
      await firstPage.close();
      await first.stop();
    }
    await expect(run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/version`])).rejects.toThrow();

    const second = await startBuiltHost({ configDir });
    const page = await browser.newPage();
    try {
      await page.goto(second.url);
      const offer = page.getByRole('region', { name: 'Restore workspace' });
      await expect(offer).toContainText(`Toxiproxy API on 127.0.0.1:${port}`);
      const status = page.getByRole('button', { name: /^Toxiproxy API/ });
      await expect(status).toHaveText('Toxiproxy API off');
      await offer.getByRole('button', { name: 'Restore' }).click();
      await expect(status).toHaveText(`Toxiproxy API 127.0.0.1:${port}`);
      const { stdout } = await run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/version`]);
      expect(JSON.parse(stdout)).toEqual({ version: '2.12.0' });
      await new SockscopeApp(page).screenshot('host-toxiproxy-api-restored');
    } finally {
      await page.close();
      await second.stop();
    }
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
});
