import { expect, test } from './fixtures';

test('a regex rule with lookaround is refused in the rule editor, with the reason', async ({ app }) => {
  const { page } = app;
  await app.startListener('127.0.0.1');
  const panel = await app.openAutoReply();
  await panel.getByRole('button', { name: 'Add rule' }).click();
  await panel.getByLabel('Match', { exact: true }).selectOption('regex');
  await panel.getByLabel('Pattern').fill('foo(?=bar)');
  await panel.getByLabel('Reply', { exact: true }).fill('x');
  await panel.getByRole('button', { name: 'Save rule' }).click();
  await expect(panel).toContainText(
    'Lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: Sockscope matches in linear time so that no message can freeze it',
  );
  await expect(page.getByRole('button', { name: 'Auto-reply', exact: true })).not.toContainText('1 rule');
});
