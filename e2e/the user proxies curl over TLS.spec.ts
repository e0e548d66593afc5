import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';
import { startOpensslServer } from './flows/openssl-server';
import { startHttpServer } from './support/servers';

const run = promisify(execFile);

test('the user terminates TLS in a proxy, runs curl through it and reads the request and response in clear text', async ({ app, page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-proxy-tls-'));
  writeFileSync(join(dir, 'secret.txt'), 'read in clear text\n');
  const server = await startHttpServer(dir);
  try {
    await page.getByRole('button', { name: /^Start a proxy/ }).click();
    await app.dialog.getByRole('checkbox', { name: 'Clients connect with TLS' }).check();
    await app.dialog.getByRole('checkbox', { name: 'Connect to the upstream with TLS' }).check();
    await expect(app.dialog.getByRole('checkbox', { name: 'Verify certificate' })).toBeChecked();
    await app.screenshot('host-proxy-tls-dialog');
    // The web server speaks plain HTTP: TLS towards clients only.
    await app.dialog.getByRole('checkbox', { name: 'Connect to the upstream with TLS' }).uncheck();
    await app.dialog.getByLabel('Upstream port').fill(String(server.port));
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to /);
    await expect(proxyRow).toBeVisible();
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);
    await proxyRow.click();
    await expect(page.getByRole('group', { name: 'TLS' })).toContainText('Presents CN=localhost (self-signed)');

    expect((await run('curl', ['-sS', '-k', '--max-time', '10', `https://127.0.0.1:${port}/secret.txt`])).stdout).toBe('read in clear text\n');
    await app
      .socketRow(/^Proxied conversation/)
      .first()
      .click();
    await expect(app.log).toContainText('GET /secret.txt HTTP/1.1');
    await expect(app.log).toContainText('read in clear text');
    await expect(page.getByRole('group', { name: 'TLS' })).toContainText(/TLS client ⇄ proxy\s*TLSv1\.3/);
    await app.screenshot('host-proxy-tls-conversation');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the user points a plain client at a proxy that speaks TLS to the server, and sees why its certificate is not trusted', async ({
  app,
  page,
}) => {
  const server = await startOpensslServer(['-www']);
  try {
    await page.getByRole('button', { name: /^Start a proxy/ }).click();
    await app.dialog.getByLabel('Upstream port').fill(String(server.port));
    await app.dialog.getByRole('checkbox', { name: 'Connect to the upstream with TLS' }).check();
    await app.dialog.getByRole('checkbox', { name: 'Verify certificate' }).uncheck();
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to /);
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);
    await proxyRow.click();
    await expect(page.getByRole('region', { name: 'Proxy' })).toContainText('over TLS (certificate not verified)');

    // Plain HTTP in, TLS out: openssl s_server -www answers with its status page.
    const { stdout } = await run('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${port}/`]);
    expect(stdout).toContain('s_server');
    await app
      .socketRow(/^Proxied conversation/)
      .first()
      .click();
    await expect(app.log).toContainText('GET / HTTP/1.1');
    const tls = page.getByRole('group', { name: 'TLS' });
    await expect(tls).toContainText(/TLS proxy ⇄ server\s*TLSv1\.3/);
    await expect(tls).toContainText('not verified: The certificate is self-signed, so nothing vouches for it.');
    await app.screenshot('host-proxy-tls-upstream');
  } finally {
    await server.stop();
  }
});
