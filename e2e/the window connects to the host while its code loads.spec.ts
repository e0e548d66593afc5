import { expect, test } from './fixtures';

test('the window opens one WebSocket to the host, from a script of its own ahead of the main bundle, and works over it', async ({ app }) => {
  const sockets: string[] = [];
  app.page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
  // The fixture opened the window already: open it again, watching what it connects.
  await app.page.reload();
  await expect(app.page.getByRole('status', { name: 'Engine connection' })).toContainText('Connected');
  // The socket early-socket.js opened is the one the app uses: no second one once the bundle runs.
  expect(sockets).toEqual(['/ws']);
  await app.startListener('127.0.0.1');
  await expect(app.socketRow(/^TCP listener/)).toBeVisible();
  expect(sockets).toEqual(['/ws']);
});
