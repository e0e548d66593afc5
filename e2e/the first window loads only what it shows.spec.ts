import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { startPeer } from './support/peers';

test('the Ports view and the decoders are not part of the first paint: each loads once, after it; the New dialog opens from the first chunk', async ({
  app,
}) => {
  // The window the fixture opened loads its parts in the background: let it finish, or a request
  // of that page still on its way during the reload below would be counted as this page's.
  const fetched = (): Promise<number> =>
    app.page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => /\/DecodedPayload-/.test(entry.name)).length);
  await expect.poll(fetched).toBe(1);
  const loaded: string[] = [];
  app.page.on('request', (request) => {
    if (request.resourceType() === 'script') loaded.push(new URL(request.url()).pathname);
  });
  // The fixture opened the window already: open it again, counting every script it asks for.
  await app.page.reload();
  await app.page.getByRole('button', { name: 'New listener' }).waitFor();
  const scripts = (name: string): string[] => loaded.filter((path) => path.includes(`/${name}-`));
  // What the page loads before it can paint: the entry and what index.html preloads.
  const html = await (await app.page.request.get(app.page.url())).text();
  for (const name of ['PortsView', 'DecodedPayload']) expect(html).not.toContain(`/${name}-`);
  // Nor the sequences panel and the rule editor, with the scenario and rule schemas and the regex engine.
  for (const name of ['SequencesPanel', 'RuleEditor', 're2js']) expect(html).not.toContain(`/${name}-`);
  // Nor the selected socket's view and the socket list: a new user's first window has no socket.
  expect(html).not.toContain('/socketViews-');
  // Then, with the window up, the parts load in the background: opening one does not wait for them.
  await expect.poll(() => ['PortsView', 'DecodedPayload'].map((name) => scripts(name).length)).toEqual([1, 1]);
  // The New… dialog is what the first click opens: it comes with the first chunk, and fetches nothing.
  const beforeDialog = loaded.length;
  await app.page.getByRole('button', { name: 'New UDP socket' }).click();
  await expect(app.page.getByRole('dialog')).toBeVisible();
  await app.page.keyboard.press('Escape');
  await expect(app.page.getByRole('dialog')).toBeHidden();
  expect(loaded.slice(beforeDialog)).toEqual([]);

  const port = await app.startListener('127.0.0.1');
  const ncat = startPeer('ncat', ['127.0.0.1', String(port)]);
  try {
    ncat.write('{"decoded":true}\n');
    await app.socketRow(/^Accepted connection/).click();
    await app.logView('Decoded');
    await expect(app.log.getByRole('listitem').filter({ hasText: 'JSON' })).toContainText('"decoded": true');
  } finally {
    await ncat.stop();
  }
  await app.showView('Ports');
  await expect(app.page.getByRole('table', { name: 'Ports on this machine' })).toBeVisible();
  // Each part was fetched once, however often it was shown.
  expect(['PortsView', 'DecodedPayload'].map((name) => scripts(name).length)).toEqual([1, 1]);

  const assets = resolve(__dirname, '../out/renderer/assets');
  const large = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, size: statSync(join(assets, name)).size }))
    .filter(({ size }) => size > 500 * 1000);
  expect(large, 'renderer chunks past the 500 kB the build warns at').toEqual([]);
});
