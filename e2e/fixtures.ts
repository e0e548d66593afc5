import { test as base } from '@playwright/test';
import { SockscopeApp } from './support/app';
import { type RunningHost, startBuiltHost } from './support/host';

/** Each test gets its own host (a fresh engine) and the UI open in Chromium. */
export const test = base.extend<{ host: RunningHost; app: SockscopeApp }>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startBuiltHost();
    await use(host);
    await host.stop();
  },
  app: async ({ page, host }, use) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'New listener' }).waitFor();
    await use(new SockscopeApp(page));
  },
});

export { expect } from '@playwright/test';
