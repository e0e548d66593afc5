import { expect, test } from './fixtures';
import { startOpensslServer } from './flows/openssl-server';
import { tlsDetails, useTls } from './support/tls';

test('the user connects with TLS to openssl s_server: refused while verifying a self-signed certificate, then talks with verification off', async ({
  app,
}) => {
  // s_server -rev answers every line reversed, so a reply proves both directions of the TLS layer.
  const server = await startOpensslServer(['-rev', '-alpn', 'h2,http/1.1']);
  const port = server.port;
  try {
    await app.page.getByRole('button', { name: 'New connection' }).click();
    await app.dialog.getByLabel('Host', { exact: true }).fill('localhost');
    await app.dialog.getByLabel('Port', { exact: true }).fill(String(port));
    await useTls(app, { verify: true, alpn: 'h2' });
    await expect(async () => {
      await app.dialog.getByRole('button', { name: 'Connect' }).click();
      await expect(app.dialog.getByRole('alert')).toContainText('the certificate is self-signed, so nothing vouches for it', { timeout: 1000 });
    }).toPass({ timeout: 7000 });
    await expect(app.dialog.getByRole('alert')).toContainText('Turn off “Verify certificate” to connect anyway.');

    await app.dialog.getByLabel('Verify certificate').uncheck();
    await app.dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(app.dialog).toBeHidden();

    const row = app.socketRow(new RegExp(`^TLS client .*127\\.0\\.0\\.1:${port}`));
    await expect(row).toHaveAccessibleName(/open$/);
    await expect(row.getByText('TLS', { exact: true })).toBeVisible();
    const details = tlsDetails(app);
    await expect(details).toContainText('TLSv1.3');
    await expect(details).toContainText('ALPN h2');
    await expect(details).toContainText('CN=localhost (self-signed)');
    await expect(details).toContainText('Not verified (verification is off). The certificate is self-signed');
    await details.getByRole('button', { name: 'Certificate details' }).click();
    await expect(details.getByRole('region', { name: 'Server certificate' })).toContainText('DNS:localhost');
    await expect(app.log).toContainText('TLS handshake done: TLSv1.3');

    await app.sendAs('Text');
    await app.lineEnding('LF');
    await app.send('ping over TLS');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'RX' })).toContainText('SLT revo gnip');
    await app.screenshot('host-tls-client');
  } finally {
    await server.stop();
  }
});
