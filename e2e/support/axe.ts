import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export type ColorScheme = 'light' | 'dark';

/**
 * Runs axe (WCAG 2 A and AA) on the page as it is now and fails with every serious or critical
 * violation named: rule, element and axe's summary of what to fix.
 */
export async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
  // Let transitions (popover fade, activity pulses) settle: axe reads computed colours.
  await page.waitForTimeout(150);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const described = serious.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
  );
  expect(described, `axe found serious or critical violations in: ${state}`).toEqual([]);
}

/** Audits the current state in both themes (the app follows the system scheme by default). */
export async function expectAccessibleInBothThemes(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousViolations(page, `${state} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
