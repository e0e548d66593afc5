import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { SockscopeApp } from './support/app';
import { type RunningHost, startBuiltHost } from './support/host';
import { until } from './support/peers';

let configDir: string;
const hosts: RunningHost[] = [];

test.beforeEach(() => {
  configDir = mkdtempSync(join(tmpdir(), 'sockscope-sequences-'));
});

test.afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  rmSync(configDir, { recursive: true, force: true });
});

test('a sequence is saved with the workspace and comes back after a restart (a new host, a new browser origin)', async ({ page }) => {
  const first = await startBuiltHost({ configDir });
  hosts.push(first);
  await page.goto(first.url);
  const app = new SockscopeApp(page);
  await app.startListener('127.0.0.1');
  await page.getByRole('button', { name: 'Sequences', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Sequences' });
  await panel.getByRole('button', { name: 'New' }).click();
  await panel
    .getByRole('textbox', { name: 'Scenario JSON' })
    .fill(JSON.stringify({ name: 'kept mock', steps: [{ expect: { contains: 'hi' } }, { send: 'hello {{counter}}\\n' }] }));
  await panel.getByRole('button', { name: 'Save sequence' }).click();
  await expect(panel.getByRole('button', { name: 'Serve kept mock' })).toBeVisible();
  const session = join(configDir, 'session.json');
  await until(() => existsSync(session) && readFileSync(session, 'utf8').includes('kept mock'), 'the workspace to save the sequence');
  hosts.splice(0, 1);
  await first.stop();

  const second = await startBuiltHost({ configDir });
  hosts.push(second);
  await page.goto(second.url);
  await page.getByRole('region', { name: 'Restore workspace' }).getByRole('button', { name: 'Restore' }).click();
  await page.getByRole('button', { name: 'Sequences', exact: true }).click();
  await expect(page.getByRole('complementary', { name: 'Sequences' }).getByRole('button', { name: 'Serve kept mock' })).toBeVisible();
});
