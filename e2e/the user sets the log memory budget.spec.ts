import { expect, test } from './fixtures';

test('the status bar shows the memory budget all logs share; a value too small is refused under the field, a good one applies', async ({ app }) => {
  const { page } = app;
  const button = page.getByRole('button', { name: /^Log memory / });
  await expect(button).toHaveText('Log memory 512 MiB');
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Log memory budget' });
  await expect(dialog).toContainText(/in use · 0 entries dropped/);
  const field = dialog.getByLabel('Budget (MiB)');
  await expect(field).toHaveValue('512');
  await field.fill('4');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The memory budget is at least 16 MiB');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await app.screenshot('log-budget-refused');
  await field.fill('256');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  await expect(button).toHaveText('Log memory 256 MiB');
});
