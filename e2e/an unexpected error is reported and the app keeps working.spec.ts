import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { SockscopeApp } from './support/app';
import { startBuiltHost } from './support/host';

test('an unexpected error in the host is reported where the user sees it, and the app keeps working', async ({ page }) => {
  // The built host, with a module beside it whose socket handler has a bug (test support only).
  const host = await startBuiltHost({
    nodeArgs: [
      '--import',
      'tsx',
      '--import',
      resolve(__dirname, '../test/faults/support/buggy-server.ts'),
      resolve(__dirname, '../out/main/cli.js'),
      'host',
    ],
  });
  try {
    await page.goto(host.url);
    const app = new SockscopeApp(page);
    const port = await app.startListener('127.0.0.1');

    const buggyPort = Number(/Buggy server: (\d+)/.exec(host.output())?.[1]);
    const victim = createConnection({ host: '127.0.0.1', port: buggyPort });
    victim.on('error', () => undefined);
    victim.end('throw boom');

    const report = page.getByText(
      /Sockscope hit an unexpected error and kept running: bug while handling "throw boom"\. Details are in .*errors\.log\./,
    );
    await expect(report).toBeVisible();
    await app.screenshot('host-unexpected-error');
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('host-unexpected-error-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Everything still works: a connection to the listener, and a message through it.
    await app.connectTcp('127.0.0.1', port);
    await app.send('still here');
    await expect(app.log.getByText('still here')).toBeVisible();
    await expect(app.socketRow(/^TCP listener .*listening/)).toBeVisible();
  } finally {
    await host.stop();
  }
});
