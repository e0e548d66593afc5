import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';
import { startHttpServer } from './support/servers';

const run = promisify(execFile);

test('the user proxies curl to python http.server, adds latency, holds the response and edits its body', async ({ app, page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-proxy-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello from python\n');
  const server = await startHttpServer(dir);
  try {
    // From the empty window's list of first steps (the toolbar's New proxy opens the same dialog).
    await page.getByRole('button', { name: /^Start a proxy/ }).click();
    await app.dialog.getByLabel('Upstream port').fill(String(server.port));
    await app.dialog.getByLabel('Name').fill('web');
    await app.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(app.dialog).toBeHidden();
    const proxyRow = app.socketRow(/^Proxy 127\.0\.0\.1:\d+ to /);
    await expect(proxyRow).toBeVisible();
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await proxyRow.getAttribute('aria-label')) ?? '')?.[1]);
    const url = `http://127.0.0.1:${port}/hello.txt`;

    // Request and response, both in one conversation's log.
    expect((await run('curl', ['-sS', '--max-time', '10', url])).stdout).toBe('hello from python\n');
    await app
      .socketRow(/^Proxied conversation/)
      .first()
      .click();
    await expect(app.log).toContainText('GET /hello.txt HTTP/1.1');
    await expect(app.log).toContainText('hello from python');

    // A latency toxic, and its hit count.
    await proxyRow.click();
    await page.getByLabel('Add toxic').fill('latency:downstream:latency=300');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const toxic = page.getByRole('row', { name: 'Toxic latency_downstream' });
    await expect(toxic).toContainText('latency=300');
    const started = Date.now();
    await run('curl', ['-sS', '--max-time', '10', url]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await expect(toxic).toContainText(/[1-9]\d* hits? · 1 conversation/);
    await app.screenshot('host-proxy-toxics');
    await toxic.getByRole('button', { name: 'Remove' }).click();
    await expect(toxic).toBeHidden();

    // Hold server → client, edit the body, and curl prints the edited body.
    // The box shows the proxy's state as the engine reports it back.
    const hold = page.getByRole('checkbox', { name: 'Hold server → client' });
    await hold.click();
    await expect(hold).toBeChecked();
    const curl = run('curl', ['-sS', '--max-time', '20', url]);
    const third = app.socketRow(/^Proxied conversation/).nth(2);
    await third.click();
    const held = page.getByRole('list', { name: 'Held messages' });
    const body = held.getByRole('textbox').filter({ hasText: 'hello from python' });
    await expect(body).toBeVisible();
    // Named by its number, which editing does not change (its text does).
    const number = /(\d+)$/.exec((await body.getAttribute('aria-label')) ?? '')?.[1];
    const edited = held.getByRole('textbox', { name: `Bytes of held message ${number}` });
    // A paste no edit could hold is refused before it lands (a huge one crashes the page), and said.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const before = await edited.inputValue();
    await page.evaluate(() => navigator.clipboard.writeText('x'.repeat(5_000_000)));
    await edited.focus();
    await edited.press('Control+V');
    await expect(page.getByText(/^Not pasted: 5,000,000 characters, more than a held message's edit takes/)).toBeVisible();
    expect(await edited.inputValue()).toBe(before);
    await edited.fill((await edited.inputValue()).replace('hello from python', 'HELLO FROM PROXY!'));
    await held
      .getByRole('listitem', { name: `Held message ${number}, server → client` })
      .getByRole('button', { name: 'Forward' })
      .click();
    await page.getByRole('button', { name: 'Forward all server → client' }).click();
    const { stdout } = await curl;
    expect(stdout).toBe('HELLO FROM PROXY!\n');
    // Only the body changed: the CR LFs of the headers went through as they were.
    await expect(page.getByText(/^Held message #\d+ edited: (\d+) → \1 bytes$/)).toBeVisible();
    await expect(app.log).toContainText('HELLO FROM PROXY!');
    await app.screenshot('host-proxy-held');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the toolbar's New proxy draws its icon as large as the other new-socket buttons, and so does the first-steps list", async ({ app, page }) => {
  const iconSizes = (buttons: ReturnType<typeof page.locator>) =>
    buttons.evaluateAll((elements) =>
      elements.map((button) => {
        const box = button.querySelector('svg')?.getBoundingClientRect();
        return box ? `${box.width}x${box.height}` : 'no icon';
      }),
    );
  await expect(page.getByRole('button', { name: /^Start a proxy/ })).toBeVisible();
  const toolbar = await iconSizes(page.getByRole('navigation', { name: 'New socket' }).getByRole('button'));
  expect(toolbar).toEqual(['16x16', '16x16', '16x16', '16x16']);
  const firstSteps = await iconSizes(page.getByRole('button', { name: /^(Open a connection|Start a listener|Bind a UDP port|Start a proxy)/ }));
  expect(new Set(firstSteps).size, firstSteps.join(', ')).toBe(1);
  expect(firstSteps).toHaveLength(4);
  await app.screenshot('host-toolbar-icons');
});
