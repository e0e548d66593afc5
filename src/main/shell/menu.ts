/**
 * The application menu: the app's own commands beside the standard roles every desktop app has.
 * Commands the window carries out go to it as one `ui.command` event; the rest (zoom, reload,
 * theme, import, docs) main does itself.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { UiCommand } from '@shared/ui-command';
import type { ThemeSource } from './window-state';

export interface MenuActions {
  send(command: UiCommand): void;
  /** File › Import Log…: a native open dialog, then `log.import`. */
  importLog(): void;
  setTheme(theme: ThemeSource): void;
  /** Opens a page of the documentation shipped with the app (README.md, docs/guide/*.md). */
  openDocs(page: string): void;
  showErrorLog(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  theme: ThemeSource;
  /** Developer tools in development only. */
  devTools: boolean;
}

/** The renderer's own Alt/⌥ shortcuts (src/renderer/src/features/shell/shortcuts.ts), shown but left to it. */
const newSocketItems: ReadonlyArray<{ label: string; kind: 'tcp-client' | 'tcp-listener' | 'udp'; key: string }> = [
  { label: 'New Connection…', kind: 'tcp-client', key: 'N' },
  { label: 'New Listener…', kind: 'tcp-listener', key: 'L' },
  { label: 'New UDP Socket…', kind: 'udp', key: 'U' },
];

const themes: ReadonlyArray<{ label: string; theme: ThemeSource }> = [
  { label: 'System', theme: 'system' },
  { label: 'Light', theme: 'light' },
  { label: 'Dark', theme: 'dark' },
];

export function menuTemplate(options: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      ...newSocketItems.map(({ label, kind, key }): MenuItemConstructorOptions => ({
        label,
        accelerator: `Alt+${key}`,
        // The page handles the key itself (and knows when a dialog is already open).
        registerAccelerator: false,
        click: () => actions.send({ action: 'new-socket', kind }),
      })),
      separator,
      { label: 'Import Log…', click: () => actions.importLog() },
      {
        label: 'Export All Logs',
        submenu: [
          { label: 'JSON Lines…', click: () => actions.send({ action: 'export-all', format: 'jsonl' }) },
          { label: 'pcapng…', click: () => actions.send({ action: 'export-all', format: 'pcapng' }) },
        ],
      },
      separator,
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Sockets', click: () => actions.send({ action: 'show-view', view: 'sockets' }) },
      { label: 'Ports', click: () => actions.send({ action: 'show-view', view: 'ports' }) },
      separator,
      {
        label: 'Theme',
        submenu: themes.map(({ label, theme }): MenuItemConstructorOptions => ({
          label,
          type: 'radio',
          checked: options.theme === theme,
          click: () => actions.setTheme(theme),
        })),
      },
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      // Sockets and logs live in main: a reload redraws the window from a snapshot.
      { role: 'reload' },
      ...(options.devTools ? [{ role: 'toggleDevTools' } as const] : []),
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Sockscope Documentation', click: () => actions.openDocs('README.md') },
      { label: 'Security and Robustness', click: () => actions.openDocs('docs/guide/security.md') },
      separator,
      { label: 'Show Error Log', click: () => actions.showErrorLog() },
      ...(mac ? [] : [separator, { role: 'about' } as const]),
    ],
  };

  return [...(mac ? [appMenu] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }, help];
}
