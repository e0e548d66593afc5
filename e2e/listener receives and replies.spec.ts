import { expect, test } from './fixtures';
import { listenerReceivesAndReplies } from './flows/listener-flow';

test('a listener on port 0 shows its port, receives from ncat and replies byte-exact', async ({ app }) => {
  await listenerReceivesAndReplies(app, 'host');
});

test('the empty state says what to do next', async ({ app }) => {
  await expect(app.page.getByRole('button', { name: 'Start a listener' })).toBeVisible();
  await expect(app.page.getByRole('button', { name: 'Open a connection' })).toBeVisible();
  await expect(app.page.getByRole('button', { name: 'Bind a UDP port' })).toBeVisible();
  await app.screenshot('host-empty');
});
