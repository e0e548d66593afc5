import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createCore } from './core';
import { configDir } from './session';
import { faultLogFile, installFaultReporter } from './fault-report';
import { bindIpc } from './ipc';
import { createSecureWindow, isTrustedRendererUrl, lockDownContents, lockDownSession, type RendererSource } from './window';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const renderer: RendererSource = { rendererDir: join(__dirname, '../renderer'), devServerUrl };
// The workspace is saved beside the browser host's: <appData>/Sockscope, or $SOCKSCOPE_CONFIG_DIR.
const appConfigDir = configDir({ appData: app.getPath('appData') });
const core = createCore({ sessionDir: appConfigDir });
let mainWindow: BrowserWindow | undefined;

function createWindow(): void {
  const window = createSecureWindow(BrowserWindow, join(__dirname, '../preload'));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => (mainWindow = undefined));

  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(join(renderer.rendererDir, 'index.html'));
}

app.whenReady().then(() => {
  lockDownSession(session.defaultSession, renderer);
  bindIpc(
    ipcMain,
    core,
    () => mainWindow?.webContents,
    (url) => isTrustedRendererUrl(url, renderer),
  );
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

app.on('will-quit', () => void core.dispose());

installFaultReporter({
  logFile: faultLogFile(appConfigDir),
  notify: (error) => core.batcher.push({ type: 'engine.error', error, time: Date.now() }),
});
