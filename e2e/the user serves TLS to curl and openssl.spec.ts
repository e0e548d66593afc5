import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';
import { startPeer, until } from './support/peers';
import { startTlsListener, tlsDetails } from './support/tls';

const run = promisify(execFile);

test('the user starts a TLS listener with a self-signed certificate and answers curl -k', async ({ app }) => {
  const port = await startTlsListener(app, 'localhost, 127.0.0.1');
  await expect(tlsDetails(app)).toContainText('Presents CN=localhost (self-signed)');
  await expect(tlsDetails(app).getByRole('button', { name: 'Copy PEM' })).toBeVisible();

  const curl = run('curl', ['-sS', '-k', '--max-time', '10', `https://127.0.0.1:${port}/hello`]);
  const connection = app.socketRow(/^Accepted TLS connection/);
  await connection.click();
  await expect(app.log).toContainText('GET /hello HTTP/1.1');
  await expect(tlsDetails(app)).toContainText('TLSv1.3');

  await app.sendAs('Text');
  await app.send('HTTP/1.1 200 OK\\r\\nContent-Length: 12\\r\\nConnection: close\\r\\n\\r\\nhello, curl!');
  const { stdout } = await curl;
  expect(stdout).toBe('hello, curl!');
  await app.screenshot('host-tls-listener');
});

test('openssl s_client reaches a TLS listener; the user sees the SNI it asked for and answers it', async ({ app }) => {
  const port = await startTlsListener(app, 'localhost');
  const client = startPeer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-quiet']);
  try {
    await app.socketRow(/^Accepted TLS connection/).click();
    await expect(tlsDetails(app)).toContainText('SNI localhost');
    client.write('hello from s_client\n');
    await expect(app.log).toContainText('hello from s_client\\n');
    await app.sendAs('Text');
    await app.send('hello from Sockscope\\n');
    await until(() => client.received().toString().includes('hello from Sockscope'), 's_client to print the reply');
  } finally {
    await client.stop();
  }
});
