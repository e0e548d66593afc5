import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { freePort, startPeer, until } from './support/peers';

test('each accepted connection from ncat on this machine names ncat and its pid, in the list and the header', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  // Three at once: each is named, however the listing and the accepts interleave.
  const peers = [0, 1, 2].map(() => startPeer('ncat', ['127.0.0.1', String(port)]));
  try {
    const connections = app.sockets.getByRole('option', { name: /^Accepted connection/ });
    await expect(connections).toHaveCount(3);
    for (const peer of peers) await expect(connections.filter({ hasText: `ncat · pid ${peer.process.pid}` })).toHaveCount(1);
    const pid = String(peers[0].process.pid);
    await connections.filter({ hasText: `pid ${pid}` }).click();
    await expect(app.page.getByText(`Peer process ncat (pid ${pid})`)).toBeVisible();
    await app.screenshot('peer-process-ncat');
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
  // Closed, they stay in the list: the listener says so.
  await expect(app.socketRow(/^TCP listener/)).toContainText('0 open · 3 closed');
});

test('a closed connection keeps the name of its process when another one comes in', async ({ app }) => {
  const port = await app.startListener('127.0.0.1');
  const connections = app.sockets.getByRole('option', { name: /^Accepted connection/ });
  const first = startPeer('ncat', ['127.0.0.1', String(port)]);
  const firstName = `ncat · pid ${first.process.pid}`;
  await expect(connections.filter({ hasText: firstName })).toHaveCount(1);
  await first.stop();
  await expect(connections.filter({ hasText: firstName })).toContainText('closed');
  const second = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    await expect(connections.filter({ hasText: `ncat · pid ${second.process.pid}` })).toHaveCount(1);
    await expect(connections.filter({ hasText: firstName })).toHaveCount(1);
  } finally {
    await second.stop();
  }
});

test('the Ports view names a node server by its script, shows the command line on hover, and Connect / Copy without hovering', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-node-'));
  const script = join(dir, 'server.js');
  writeFileSync(
    script,
    "require('node:net').createServer((s) => s.end('hi\\n')).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));\n",
  );
  const port = await freePort();
  const server = startPeer(process.execPath, [script, String(port)]);
  try {
    await until(() => server.received().toString().includes('listening'), 'the node server to listen');
    await app.showView('Ports');
    await app.page.getByRole('searchbox', { name: 'Filter ports' }).fill(String(port));
    const row = app.listeningPort(`127.0.0.1:${port}`);
    await expect(row).toHaveCount(1);
    const name = row.getByText('node server.js', { exact: true });
    await expect(name).toBeVisible();
    await expect(name).toHaveAttribute('title', `${process.execPath} ${script} ${port}`);
    // Not hovered: the actions are there for the eye and the keyboard alike.
    await app.page.mouse.move(0, 0);
    for (const action of [`Connect to 127.0.0.1:${port}`, `Copy 127.0.0.1:${port}`]) {
      const button = row.getByRole('button', { name: action });
      await expect(button).toBeVisible();
      expect(await button.evaluate((element) => getComputedStyle(element).opacity)).toBe('1');
    }
    await app.screenshot('ports-node-server');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
