import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { UiCommand } from '@shared/ui-command';
import { clickMenu, menuItem } from './test-support/fake-electron';
import { menuTemplate, type MenuActions } from './menu';

function build(platform: NodeJS.Platform, devTools = false) {
  const actions = { send: vi.fn(), importLog: vi.fn(), setTheme: vi.fn(), openDocs: vi.fn(), showErrorLog: vi.fn() } satisfies MenuActions;
  const template = menuTemplate({ platform, appName: 'Sockscope', theme: 'dark', devTools }, actions);
  return { template, actions };
}

const labels = (items: MenuItemConstructorOptions[]) => items.map((item) => (item.label ?? item.role ?? item.type)?.replace('&', ''));
const submenu = (item: MenuItemConstructorOptions) => item.submenu as MenuItemConstructorOptions[];

describe('application menu', () => {
  it('has File, Edit, View, Window and Help; on macOS the app menu first', () => {
    expect(labels(build('linux').template)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
    const mac = build('darwin').template;
    expect(labels(mac)).toEqual(['Sockscope', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(submenu(mac[0]).map((item) => item.role ?? item.type)).toEqual([
      'about',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    expect(menuItem(mac, ['File', 'close']).role).toBe('close');
    expect(menuItem(build('win32').template, ['File', 'quit']).role).toBe('quit');
  });

  it('sends each window command as a valid ui.command', () => {
    const { template, actions } = build('linux');
    const paths = [
      ['File', 'New Connection…'],
      ['File', 'New Listener…'],
      ['File', 'New UDP Socket…'],
      ['File', 'Export All Logs', 'JSON Lines…'],
      ['File', 'Export All Logs', 'pcapng…'],
      ['View', 'Sockets'],
      ['View', 'Ports'],
    ];
    for (const path of paths) clickMenu(template, path);
    const sent = actions.send.mock.calls.map(([command]) => command);
    expect(sent.map((command) => UiCommand.safeParse(command).success)).toEqual(paths.map(() => true));
    expect(sent.slice(0, 3)).toEqual(['tcp-client', 'tcp-listener', 'udp'].map((kind) => ({ action: 'new-socket', kind })));
  });

  it('shows the page’s own Alt shortcuts without taking them', () => {
    const item = menuItem(build('linux').template, ['File', 'New Listener…']);
    expect(item).toMatchObject({ accelerator: 'Alt+L', registerAccelerator: false });
  });

  it('does import, theme, docs and the error log itself', () => {
    const { template, actions } = build('linux');
    clickMenu(template, ['File', 'Import Log…']);
    expect(actions.importLog).toHaveBeenCalled();
    expect(menuItem(template, ['View', 'Theme', 'Dark']).checked).toBe(true);
    clickMenu(template, ['View', 'Theme', 'Light']);
    expect(actions.setTheme).toHaveBeenCalledWith('light');
    clickMenu(template, ['help', 'Sockscope Documentation']);
    clickMenu(template, ['help', 'Security and Robustness']);
    expect(actions.openDocs.mock.calls).toEqual([['README.md'], ['docs/guide/security.md']]);
    clickMenu(template, ['help', 'Show Error Log']);
    expect(actions.showErrorLog).toHaveBeenCalled();
  });

  it('has zoom and reload, and developer tools only in development', () => {
    const roles = (devTools: boolean) =>
      submenu(menuItem(build('linux', devTools).template, ['View']))
        .map((item) => item.role)
        .filter(Boolean);
    expect(roles(false)).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'reload', 'togglefullscreen']);
    expect(roles(true)).toContain('toggleDevTools');
  });
});
