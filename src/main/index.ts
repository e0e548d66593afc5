import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, screen, session, shell, type OpenDialogOptions } from 'electron';
import type { UiCommand } from '@shared/ui-command';
import { createCore } from './core';
import { configDir } from './session';
import { FAULT_LOG_MAX_BYTES, faultLogFile, installFaultReporter, writeLine } from './fault-report';
import { bindIpc } from './ipc';
import { createFileDialogs } from './shell/file-dialogs';
import { IMPORT_DIALOG, importLogFromMenu } from './shell/import-log';
import { menuTemplate } from './shell/menu';
import { awaitShutdownOnQuit } from './shell/quit';
import { watchRendererHealth } from './shell/renderer-health';
import { bringToFront, claimSingleInstance } from './shell/single-instance';
import { loadWindowState, placeWindow, trackWindowState, windowStateFile, type ThemeSource } from './shell/window-state';
import { createSecureWindow, isTrustedRendererUrl, lockDownContents, lockDownSession, type RendererSource } from './window';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const renderer: RendererSource = { rendererDir: join(__dirname, '../renderer'), devServerUrl };
// Packaged: README, docs and the icon are copied into resources (electron-builder.yml).
const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
const resourcePath = (name: string): string => (app.isPackaged ? join(resources, name) : join(resources, 'build', name));
let mainWindow: BrowserWindow | undefined;

// A second launch only brings the first one forward: it opens no window and no workspace.
if (claimSingleInstance(app, () => bringToFront(mainWindow))) startApp();

function startApp(): void {
  // The workspace is saved beside the browser host's: <appData>/Sockscope, or $SOCKSCOPE_CONFIG_DIR.
  const appConfigDir = configDir({ appData: app.getPath('appData') });
  // Recordings go to Documents unless the user types a full path: a packaged app's working folder is `/`.
  const core = createCore({ sessionDir: appConfigDir, recordingFolder: app.getPath('documents') });
  const errorLog = faultLogFile(appConfigDir);
  const record = (kind: string, message: string): unknown =>
    writeLine(errorLog, FAULT_LOG_MAX_BYTES, { time: new Date().toISOString(), kind, message });
  const stateFile = windowStateFile(appConfigDir);
  nativeTheme.themeSource = loadWindowState(stateFile)?.theme ?? 'system';
  const send = (command: UiCommand): void => core.batcher.push({ type: 'ui.command', command });
  const showOpenDialog = (options: OpenDialogOptions) => (mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options));
  // Export and Import in the desktop app: the dialog on the app's window, then streamed by main.
  const fileDialogs = createFileDialogs({
    engine: core.engine,
    showSaveDialog: (options) => (mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options)),
    showOpenDialog,
    defaultFolder: downloadsFolder(),
    progress: (event) => core.batcher.push(event),
  });

  function createWindow(): void {
    // Read each time: on macOS the window can be closed and opened again while the app runs.
    const saved = loadWindowState(stateFile);
    const primary = screen.getPrimaryDisplay().workArea;
    const bounds = placeWindow(
      saved?.bounds,
      screen.getAllDisplays().map((display) => display.workArea),
      primary,
    );
    const window = createSecureWindow(BrowserWindow, join(__dirname, '../preload'), { bounds, icon: resourcePath('icon.png') });
    mainWindow = window;
    if (saved?.maximized) window.maximize();
    trackWindowState(
      window,
      stateFile,
      () => nativeTheme.themeSource,
      (message) => record('window-state', message),
    );
    watchRendererHealth(window, {
      ask: (options) => dialog.showMessageBox(window, options),
      record,
      quit: () => app.quit(),
    });
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => (mainWindow = undefined));

    if (devServerUrl) void window.loadURL(devServerUrl);
    else void window.loadFile(join(renderer.rendererDir, 'index.html'));
  }

  function setMenu(): void {
    const template = menuTemplate(
      { platform: process.platform, appName: app.name, theme: nativeTheme.themeSource, devTools: !app.isPackaged },
      {
        send,
        setTheme: (theme: ThemeSource) => {
          // Native parts (dialogs, title bar) follow the OS setting; the page follows its own
          // theme switch, which the menu sets too so that there is one choice, not two.
          nativeTheme.themeSource = theme;
          send({ action: 'set-theme', theme });
        },
        importLog: () =>
          void importLogFromMenu({
            pickFile: async () => {
              const picked = await showOpenDialog(IMPORT_DIALOG);
              return picked.canceled ? undefined : picked.filePaths[0];
            },
            importFile: (path) => fileDialogs.importFile(path),
            send,
            showError: (message, detail) => void dialog.showMessageBox({ type: 'error', title: 'Sockscope', message, detail }),
          }),
        openDocs: (page) => void shell.openPath(join(resources, app.isPackaged ? 'docs' : '', page)),
        showErrorLog: () => shell.showItemInFolder(errorLog),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  void app.whenReady().then(() => {
    lockDownSession(session.defaultSession, renderer);
    bindIpc(
      ipcMain,
      core,
      () => mainWindow?.webContents,
      (url) => isTrustedRendererUrl(url, renderer),
      fileDialogs.handlers,
    );
    setMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  // Every web contents, ours or any a bug might create, gets the same guards.
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The last save, the session lock's release and every socket's close happen before the process ends.
  awaitShutdownOnQuit(app, () => (fileDialogs.dispose(), core.dispose()), { onProblem: (message) => record('shutdown', message) });

  installFaultReporter({
    logFile: errorLog,
    notify: (error) => core.batcher.push({ type: 'engine.error', error, time: Date.now() }),
  });
}

/** Where the save dialog starts; the dialog's own choice when the system names no Downloads folder. */
function downloadsFolder(): string | undefined {
  try {
    return app.getPath('downloads');
  } catch {
    return undefined;
  }
}
