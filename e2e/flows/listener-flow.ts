import { expect } from '@playwright/test';
import type { SockscopeApp } from '../support/app';
import { startPeer, until } from '../support/peers';

/**
 * The main flow, shared by the browser-host and Electron projects: the user starts a listener,
 * `ncat` connects and sends bytes, the user reads them as text and hex and replies, and `ncat`
 * receives exactly those bytes.
 */
export async function listenerReceivesAndReplies(app: SockscopeApp, screenshotPrefix: string): Promise<void> {
  const port = await app.startListener('127.0.0.1');
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    await expect(app.socketRow(/^Accepted connection/)).toBeVisible();
    ncat.write(Buffer.concat([Buffer.from('hello from ncat\r\n'), Buffer.from([0x00, 0x01, 0xfe, 0xff])]));
    await app.socketRow(/^Accepted connection/).click();

    await app.logView('Text');
    await expect(app.log).toContainText('hello from ncat\\r\\n');
    await expect(app.log).toContainText('\\0\\x01\\xfe\\xff');
    await app.screenshot(`${screenshotPrefix}-listener-text`);

    await app.logView('Hex');
    await expect(app.log).toContainText('68 65 6c 6c 6f 20 66 72');
    await expect(app.log).toContainText('00 01 fe ff');
    await app.screenshot(`${screenshotPrefix}-listener-hex`);

    await app.sendAs('Text');
    await app.lineEnding('CRLF');
    await app.send('HTTP/1.1 200 OK');
    await until(() => ncat.received().toString() === 'HTTP/1.1 200 OK\r\n', 'ncat to receive the text reply');

    await app.sendAs('Hex');
    await app.send('de ad be ef 0a');
    const expected = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a])]);
    await until(() => ncat.received().equals(expected), 'ncat to receive the hex reply');
    // Both replies are in the log as sent entries, in the hex view still selected.
    await expect(app.log).toContainText('48 54 54 50 2f 31 2e 31');
    await expect(app.log).toContainText('de ad be ef 0a');
    await app.screenshot(`${screenshotPrefix}-listener-replied`);
  } finally {
    await ncat.stop();
  }
}
