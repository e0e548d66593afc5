import { expect, test } from './fixtures';
import { expectAccessibleInBothThemes } from './support/axe';
import { startPeer } from './support/peers';
import { udpSocketWithDatagramFromSocat } from './flows/udp-datagram';

// axe (WCAG 2 A + AA) over every main state, light and dark: none serious or critical.
// Each audit takes a second or two on a busy machine: these tests get four times the usual time.
test.describe.configure({ timeout: 120_000 });

test('the empty window and the three New dialogs pass an axe audit in light and dark', async ({ app }) => {
  await expectAccessibleInBothThemes(app.page, 'empty window');
  for (const name of ['New connection', 'New listener', 'New UDP socket']) {
    await app.page.getByRole('button', { name, exact: true }).click();
    await expect(app.dialog).toBeVisible();
    await expectAccessibleInBothThemes(app.page, `${name} dialog`);
    await app.page.keyboard.press('Escape');
    await expect(app.dialog).toBeHidden();
  }
});

test('a listener with an accepted connection from ncat passes in Text, Hex and Decoded, with the framing popover open', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n{"status":"ok","items":[1,2,3]}\n');
    await app.socketRow(/^Accepted connection/).click();
    await expect(app.log).toContainText('GET /health');
    await app.lineEnding('CRLF');
    await app.send('HTTP/1.1 200 OK');
    await expect(app.log).toContainText('HTTP/1.1 200 OK\\r\\n');
    // An entry hovered, as a mouse user sees it (copy button shown).
    await app.log.getByRole('listitem').first().hover();
    for (const view of ['Text', 'Hex', 'Decoded'] as const) {
      await app.logView(view);
      await expectAccessibleInBothThemes(app.page, `accepted connection, ${view} view`);
    }
    await app.logView('Text');
    await app.screenshot('a11y-connection-light');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('a11y-connection-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });
    // The listener row too, selected, and hovered (its quick actions shown).
    const listener = app.socketRow(/^TCP listener/);
    await listener.click();
    await listener.hover();
    await expectAccessibleInBothThemes(app.page, 'listener selected');

    await app.socketRow(/^Accepted connection/).click();
    await app.page.getByRole('button', { name: /^Framing:/ }).click();
    await expect(app.page.getByRole('dialog', { name: 'Framing' })).toBeVisible();
    await expectAccessibleInBothThemes(app.page, 'framing popover');
    await app.page.keyboard.press('Escape');
  } finally {
    await ncat.stop();
  }
});

test('a UDP socket with a datagram from socat and the Ports view pass an axe audit', async ({ app }) => {
  const peer = await udpSocketWithDatagramFromSocat(app);
  try {
    await expectAccessibleInBothThemes(app.page, 'UDP socket');
  } finally {
    await peer.stop();
  }
  await app.showView('Ports');
  await expect(app.page.getByRole('table', { name: 'Ports on this machine' })).toBeVisible();
  await expect(app.page.getByRole('table', { name: 'Ports on this machine' }).getByRole('row').nth(2)).toBeVisible();
  await expectAccessibleInBothThemes(app.page, 'Ports view');
});
