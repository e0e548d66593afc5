import { expect, test } from './fixtures';
import { startPeer } from './support/peers';

test('the user joins a multicast group on the loopback interface, receives what socat sends to it, and leaves', async ({ app }) => {
  const port = await app.bindUdp('0.0.0.0');
  await app.socketRow(/^UDP socket/).click();
  const options = app.page.getByRole('region', { name: 'UDP options' });
  await options.getByRole('textbox', { name: 'Multicast group' }).fill('239.255.77.1');
  await options.getByRole('combobox', { name: 'Join on interface' }).selectOption('lo');
  await options.getByRole('button', { name: 'Join' }).click();
  const joined = options.getByRole('list', { name: 'Joined groups' });
  await expect(joined).toContainText('239.255.77.1 on lo');
  await expect(app.log).toContainText('Joined multicast group 239.255.77.1 on lo');

  // socat sends to the group from the loopback interface; the kernel loops it back to members.
  const sender = startPeer('socat', ['-u', '-', `UDP4-DATAGRAM:239.255.77.1:${port},ip-multicast-if=127.0.0.1`]);
  try {
    sender.write('to the group\n');
    await expect(app.log).toContainText('to the group\\n');

    await joined.getByRole('button', { name: 'Leave 239.255.77.1 on lo' }).click();
    await expect(joined).toBeHidden();
    await expect(app.log).toContainText('Left multicast group 239.255.77.1');

    // Applied by the engine, then shown: the box is ticked once the socket says broadcast is on.
    const broadcast = options.getByRole('checkbox', { name: 'Broadcast' });
    await broadcast.click();
    await expect(broadcast).toBeChecked();
    await expect(app.log).toContainText('Options: broadcast on');
    await options.getByRole('textbox', { name: 'Multicast TTL' }).fill('0');
    await options.getByRole('textbox', { name: 'Multicast TTL' }).press('Enter');
    await expect(options.getByRole('alert')).toContainText('Multicast TTL must be between 1 and 255');
    await app.screenshot('host-udp-multicast');
  } finally {
    await sender.stop();
  }
});
