import { createServer, type AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

test('a wrong port is explained under the field and nothing is created', async ({ app }) => {
  await app.page.getByRole('button', { name: 'New connection' }).click();
  await app.dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await app.dialog.getByLabel('Port', { exact: true }).fill('70000');
  await expect(app.dialog).toContainText('Port must be between 1 and 65535');
  await app.dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(app.dialog).toBeVisible();
  await app.page.keyboard.press('Escape');
  await expect(app.dialog).toBeHidden();
  await expect(app.sockets.getByRole('option')).toHaveCount(0);
});

test('a host that does not resolve is said under Host, a refused connection at the foot of the dialog', async ({ app }) => {
  await app.page.getByRole('button', { name: 'New connection' }).click();
  // An empty label: the resolver refuses the name itself, so no DNS server (slow, or dropping queries) is waited on.
  await app.dialog.getByLabel('Host', { exact: true }).fill('nosuch..invalid');
  await app.dialog.getByLabel('Port', { exact: true }).fill('80');
  await app.dialog.getByRole('button', { name: 'Connect' }).click();
  const host = app.dialog.getByLabel('Host', { exact: true });
  await expect(host).toHaveAccessibleDescription('Host not found: nosuch..invalid');
  await expect(host).toHaveAttribute('aria-invalid', 'true');
  await expect(host).toBeFocused();
  await expect(app.dialog.getByRole('alert')).toHaveCount(0);

  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await app.dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await app.dialog.getByLabel('Port', { exact: true }).fill(String(port));
  await app.dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(app.dialog.getByRole('alert')).toContainText(/Connection refused/);
  // Mended, the host says nothing any more: the refusal is the server's, not a field's.
  await expect(host).not.toHaveAttribute('aria-invalid', 'true');
  await app.screenshot('host-error-refused');
});

test('a port in use is said under Port, which takes the focus; the app keeps working', async ({ app }) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as AddressInfo;
  try {
    await app.page.getByRole('button', { name: 'New listener' }).click();
    await app.dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await app.dialog.getByLabel('Port', { exact: true }).fill(String(port));
    await app.dialog.getByRole('button', { name: 'Listen' }).click();
    const portField = app.dialog.getByLabel('Port', { exact: true });
    await expect(portField).toHaveAccessibleDescription(`127.0.0.1:${port} is already in use`);
    await expect(portField).toBeFocused();
    await app.screenshot('host-error-port-in-use');
    // Typing a free port clears it.
    await portField.fill('0');
    await expect(portField).toHaveAccessibleDescription('0 picks any free port.');
    await app.page.keyboard.press('Escape');
    const listening = await app.startListener('127.0.0.1');
    expect(listening).toBeGreaterThan(0);
  } finally {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  }
});

test('odd-length hex is pointed at and nothing is sent', async ({ app }) => {
  await app.startListener('127.0.0.1');
  await app.socketRow(/^TCP listener/).click();
  await app.bindUdp('127.0.0.1');
  await app.socketRow(/^UDP socket/).click();
  await app.page.getByRole('textbox', { name: 'Target host' }).fill('127.0.0.1');
  await app.page.getByRole('textbox', { name: 'Target port' }).fill('9');
  await app.sendAs('Hex');
  await app.send('01 02 0');
  await expect(app.page.getByRole('alert')).toContainText('Odd number of hex digits');
  await expect(app.page.getByRole('alert')).toContainText('position 7');
  await expect(app.log.getByRole('listitem').filter({ hasText: 'TX' })).toHaveCount(0);
  await app.screenshot('host-error-hex');
});
