import { test as base } from '@playwright/test';
import { SockscopeApp } from './support/app';
import { type RunningHost, startBuiltHost } from './support/host';

/** Each test gets its own host (a fresh engine) and the UI open in Chromium. */
export const test = base.extend<{ hostArgs: string[]; host: RunningHost; app: SockscopeApp }>({
  /** Options for `sockscope host` beyond its defaults (test.use), e.g. a small log ring. */
  hostArgs: [[], { option: true }],
  host: async ({ hostArgs }, use) => {
    const host = await startBuiltHost({ args: hostArgs });
    await use(host);
    await host.stop();
  },
  // The host first, so that it is stopped last: Playwright snapshots a failed test's page for
  // error-context.md as the page's context closes, and a host stopped before that made every
  // failure's snapshot say "Lost the connection to the Sockscope host", whatever had failed.
  app: async ({ host, page }, use) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'New listener' }).waitFor();
    await use(new SockscopeApp(page));
  },
});

export { expect } from '@playwright/test';
