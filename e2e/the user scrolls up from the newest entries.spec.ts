import { createSocket } from 'node:dgram';
import { expect, test } from './fixtures';

test('the user scrolls up from a followed log and sees the rows above at once, before the list draws again', async ({ app }) => {
  const port = await app.bindUdp('127.0.0.1');
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  try {
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve, reject) => peer.send(`line ${i}`, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    }
    const newest = app.log.getByRole('listitem').filter({ hasText: 'line 299' });
    await expect(newest).toBeInViewport();
    // Scrolled by a block of rows (8, as the list draws them), and looked at in the same task: what
    // the next frame shows before the list has drawn anything for the new position.
    const covered = await app.log.evaluate((view) => {
      const rows = [...view.querySelectorAll('[role="listitem"]')].map((row) => row.getBoundingClientRect());
      const rowHeight = Math.min(...rows.map((row) => row.height));
      view.scrollTop -= 8 * rowHeight;
      const top = view.getBoundingClientRect().top;
      return Math.min(...[...view.querySelectorAll('[role="listitem"]')].map((row) => row.getBoundingClientRect().top)) <= top;
    });
    expect(covered, 'rows drawn from the top of the view down').toBe(true);
  } finally {
    peer.close();
  }
});
