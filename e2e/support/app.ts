import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** What a user does in Sockscope, in the words of its UI (roles and accessible names). */
export class SockscopeApp {
  constructor(readonly page: Page) {}

  get sockets(): Locator {
    return this.page.getByRole('listbox', { name: 'Sockets' });
  }

  get log(): Locator {
    return this.page.getByRole('region', { name: 'Message log' });
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  get message(): Locator {
    return this.page.getByRole('textbox', { name: 'Message' });
  }

  socketRow(name: string | RegExp): Locator {
    return this.sockets.getByRole('option', { name });
  }

  /** Opens a listener from the toolbar and returns the port the UI says it listens on. */
  async startListener(bindAddress: string, port: number | '0' = '0', options: { keepHalfOpen?: boolean } = {}): Promise<number> {
    await this.page.getByRole('button', { name: 'New listener' }).click();
    await this.dialog.getByLabel('Host', { exact: true }).fill(bindAddress);
    await this.dialog.getByLabel('Port', { exact: true }).fill(String(port));
    if (options.keepHalfOpen) await this.dialog.getByRole('checkbox', { name: /Stay open after the peer/ }).check();
    const name = await this.newRowName(/^TCP listener on /, () => this.dialog.getByRole('button', { name: 'Listen' }).click());
    const match = /:(\d+), listening/.exec(name);
    if (!match) throw new Error(`listener row does not show its port: ${name}`);
    return Number(match[1]);
  }

  /**
   * The name of the row that `open` adds among those named like `kind`, once it says where it is
   * bound: the rows there were before are left out, so a spec may open a second listener or socket.
   */
  private async newRowName(kind: RegExp, open: () => Promise<void>): Promise<string> {
    const rows = this.socketRow(kind);
    const before = new Set(await rows.evaluateAll((found) => found.map((row) => row.getAttribute('aria-label') ?? '')));
    await open();
    await expect(this.dialog).toBeHidden();
    let name = '';
    await expect(async () => {
      const names = await rows.evaluateAll((found) => found.map((row) => row.getAttribute('aria-label') ?? ''));
      name = names.find((candidate) => !before.has(candidate) && /:\d+,/.test(candidate)) ?? '';
      expect(name, `a new row named like ${kind}`).not.toBe('');
    }).toPass();
    return name;
  }

  /** Starts a TCP proxy to 127.0.0.1:`upstreamPort` from the toolbar; returns its row and the port it listens on. */
  async startProxy(upstreamPort: number): Promise<{ row: Locator; port: number }> {
    await this.page.getByRole('button', { name: 'New proxy' }).click();
    await this.dialog.getByLabel('Upstream port').fill(String(upstreamPort));
    await this.dialog.getByRole('button', { name: 'Start proxy' }).click();
    await expect(this.dialog).toBeHidden();
    const row = this.socketRow(new RegExp(`^Proxy 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:${upstreamPort}, listening$`));
    const port = Number(/^Proxy 127\.0\.0\.1:(\d+)/.exec((await row.getAttribute('aria-label')) ?? '')?.[1]);
    return { row, port };
  }

  async connectTcp(host: string, port: number): Promise<void> {
    await this.page.getByRole('button', { name: 'New connection' }).click();
    await this.dialog.getByLabel('Host', { exact: true }).fill(host);
    await this.dialog.getByLabel('Port', { exact: true }).fill(String(port));
    await this.dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(this.dialog).toBeHidden();
  }

  async bindUdp(host: string, port: number | '0' = '0'): Promise<number> {
    await this.page.getByRole('button', { name: 'New UDP socket' }).click();
    await this.dialog.getByLabel('Host', { exact: true }).fill(host);
    await this.dialog.getByLabel('Port', { exact: true }).fill(String(port));
    const name = await this.newRowName(/^UDP socket/, () => this.dialog.getByRole('button', { name: 'Bind' }).click());
    const match = /:(\d+)/.exec(name);
    if (!match) throw new Error(`UDP row does not show its port: ${name}`);
    return Number(match[1]);
  }

  /** The toolbar's switch between Sockscope's sockets and every port of the machine. */
  async showView(view: 'Sockets' | 'Ports'): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'View' }).getByRole('radio', { name: view }).click();
  }

  /** The Ports view's table row of a socket listening (or bound) at `endpoint`, e.g. `127.0.0.1:8000`. */
  listeningPort(endpoint: string): Locator {
    return this.page
      .getByRole('table', { name: 'Ports on this machine' })
      .getByRole('row')
      .filter({ hasText: endpoint })
      .filter({ hasText: /LISTEN|BOUND/ });
  }

  async logView(view: 'Text' | 'Hex' | 'Decoded'): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'Log view' }).getByRole('radio', { name: view }).click();
  }

  async sendAs(mode: 'Text' | 'Hex' | 'Base64' | 'File'): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'Send as' }).getByRole('radio', { name: mode }).click();
  }

  /** Picks the send bar's line ending by the label the user sees. */
  async lineEnding(ending: 'None' | 'LF' | 'CRLF'): Promise<void> {
    const label = { None: 'None', LF: 'LF (\\n)', CRLF: 'CRLF (\\r\\n)' }[ending];
    await this.page.getByRole('combobox', { name: 'Line ending' }).selectOption({ label });
  }

  async send(text: string): Promise<void> {
    await this.message.fill(text);
    await this.message.press('Enter');
  }

  /** Opens the Framing panel of the selected socket, picks a framing and applies it. */
  async frameBy(mode: 'Raw chunks' | 'Delimiter' | 'Protocol', option?: { select: string; label: string }): Promise<void> {
    await this.page.getByRole('button', { name: /^Framing:/ }).click();
    const panel = this.page.getByRole('dialog', { name: 'Framing' });
    await panel.getByRole('radio', { name: new RegExp(`^${mode}`) }).check();
    if (option) await panel.getByRole('combobox', { name: option.select }).selectOption({ label: option.label });
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(panel).toBeHidden();
  }

  /** The auto-reply panel of the selected listener or UDP socket, opened from its header. */
  async openAutoReply(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Auto-reply', exact: true }).click();
    return this.page.getByRole('complementary', { name: 'Auto-reply' });
  }

  /** Adds a rule in the open auto-reply panel; returns its row, `Rule <n>: <match> <pattern>`. */
  async addRule(panel: Locator, rule: { match: string; pattern: string; reply: string }): Promise<Locator> {
    const number = (await panel.getByRole('list', { name: 'Rules' }).getByRole('listitem').count()) + 1;
    await panel.getByRole('button', { name: 'Add rule' }).click();
    await panel.getByLabel('Match', { exact: true }).selectOption({ label: rule.match });
    await panel.getByLabel('Pattern').fill(rule.pattern);
    await panel.getByLabel('Reply', { exact: true }).fill(rule.reply);
    await panel.getByRole('button', { name: 'Save rule' }).click();
    const row = panel.getByRole('listitem', { name: `Rule ${number}: ${rule.match} ${rule.pattern}` });
    await expect(row).toContainText('0 hits');
    return row;
  }

  /** Saves a screenshot of the current view under e2e/artifacts/ (git-ignored). */
  async screenshot(name: string): Promise<void> {
    const dir = resolve(__dirname, '../artifacts');
    mkdirSync(dir, { recursive: true });
    await this.page.screenshot({ path: resolve(dir, `${name}.png`) });
  }
}
