import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { createCore } from './core';
import { bindIpc } from './ipc';
import { isTrustedRendererUrl, secureWindowOptions } from './window';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const core = createCore();
let mainWindow: BrowserWindow | undefined;

function createWindow(): void {
  const window = new BrowserWindow(secureWindowOptions(join(__dirname, '../preload')));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => (mainWindow = undefined));

  // The app never navigates or opens windows; links to the web go to the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());

  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
}

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  bindIpc(
    ipcMain,
    core,
    () => mainWindow?.webContents,
    (url) => isTrustedRendererUrl(url, devServerUrl),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => void core.dispose());

process.on('uncaughtException', (error) => {
  console.error('Sockscope: unexpected error in the main process (kept running):', error);
});
