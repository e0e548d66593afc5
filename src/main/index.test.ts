/**
 * The desktop app's main process, run whole against a fake `electron` (shell/test-support): the
 * real core, real sockets and real files in a temporary settings folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels } from '@shared/channels';
import { commandNames, type EventBatch, type Result, type SocketInfo } from '@shared/contract';
import { LOCK_FILE } from './session/lock';
import { SESSION_FILE } from './session/schema';
import { clickMenu, createFakeElectron, preventable, type FakeElectron } from './shell/test-support/fake-electron';
import { WINDOW_STATE_FILE } from './shell/window-state';

let mockElectron: FakeElectron;

let dir: string;
let faultListeners: { exception: unknown[]; rejection: unknown[] };

/** Starts the app as Electron would: the module runs, then the app becomes ready. */
async function launch(options: Parameters<typeof createFakeElectron>[0] = {}): Promise<FakeElectron> {
  mockElectron = createFakeElectron({ paths: { appData: dir, userData: dir, documents: dir, downloads: dir }, ...options });
  vi.resetModules();
  // Each launch is a new process: a fresh module graph over a fresh fake.
  const electron = mockElectron;
  vi.doMock('electron', () => electron.module);
  await import('./index');
  await mockElectron.app.becomeReady();
  return mockElectron;
}

const mainWindow = (electron: FakeElectron) => electron.BrowserWindow.getAllWindows()[0];
const appUrl = (electron: FakeElectron): string => mainWindow(electron).webContents.getURL();

function invoke(
  electron: FakeElectron,
  payload: unknown,
  sender: object = mainWindow(electron).webContents,
  url = appUrl(electron),
): Promise<Result<unknown>> {
  return electron.ipcMain.invoke(channels.command, sender, url, payload) as Promise<Result<unknown>>;
}

/** Quits and resolves once the process would have ended. */
async function quit(electron: FakeElectron): Promise<void> {
  if (electron.app.exitCode !== undefined) return;
  const exited = new Promise((done) => electron.app.once('fake:exit', done));
  electron.app.quit();
  await exited;
}

const sentBatches = (electron: FakeElectron): EventBatch[] =>
  mainWindow(electron)
    .webContents.sent.filter((message) => message.channel === channels.events)
    .map((message) => message.args[0] as EventBatch);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-shell-'));
  vi.stubEnv('SOCKSCOPE_CONFIG_DIR', dir);
  vi.stubEnv('ELECTRON_RENDERER_URL', '');
  faultListeners = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
});

afterEach(async () => {
  vi.restoreAllMocks();
  if (mockElectron.app.gotLock) await quit(mockElectron);
  // The app installs its fault reporter on the real process: take it off again.
  for (const listener of process.listeners('uncaughtException'))
    if (!faultListeners.exception.includes(listener)) process.off('uncaughtException', listener);
  for (const listener of process.listeners('unhandledRejection'))
    if (!faultListeners.rejection.includes(listener)) process.off('unhandledRejection', listener);
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('the desktop app', () => {
  it('opens one isolated, sandboxed window on its own page, with the preload and the icon', async () => {
    const electron = await launch();
    const windows = electron.BrowserWindow.getAllWindows();
    expect(windows).toHaveLength(1);
    const { options, loaded } = windows[0];
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(options.webPreferences?.preload).toBe(resolve(__dirname, '../preload/index.js'));
    expect(options.icon).toBe(resolve('/app/build/icon.png'));
    expect(loaded).toBe(resolve(__dirname, '../renderer/index.html'));
    windows[0].emit('ready-to-show');
    expect(windows[0].visible).toBe(true);
  });

  it('denies new windows, navigation and every permission', async () => {
    const electron = await launch();
    const contents = mainWindow(electron).webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = preventable();
      contents.emit(name, event, 'https://example.com/');
      expect(event.defaultPrevented, name).toBe(true);
    }
    const granted = vi.fn();
    electron.session.defaultSession.permissionRequestHandler?.(contents, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(electron.session.defaultSession.permissionCheckHandler?.(contents, 'clipboard-read')).toBe(false);
    const cancel = vi.fn();
    electron.session.defaultSession.beforeRequest?.({ url: 'https://example.com/x.js' }, cancel);
    expect(cancel).toHaveBeenCalledWith({ cancel: true });
  });

  it('answers every command only from its own window, and validates every input', async () => {
    const electron = await launch();
    const stranger = new electron.BrowserWindow({}).webContents;
    for (const command of commandNames) {
      const request = { command, input: {} };
      expect(await invoke(electron, request, stranger), command).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await invoke(electron, request, undefined, 'https://evil.example/index.html'), command).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      // Every command takes an object: a string is a validation error, never a crash.
      expect(await invoke(electron, { command, input: 'not an object' }), command).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await invoke(electron, { command: 'fs.readFile', input: {} })).toMatchObject({ error: { code: 'MALFORMED_MESSAGE' } });
    expect(await invoke(electron, 'nonsense')).toMatchObject({ error: { code: 'MALFORMED_MESSAGE' } });
    expect(await invoke(electron, { command: 'app.snapshot', input: {} })).toMatchObject({ ok: true });
    // Nothing the stranger asked for was done.
    expect(electron.BrowserWindow.getAllWindows()).toHaveLength(2);
  });

  it('quits only after the last save, the session lock release and every socket closed', async () => {
    const electron = await launch();
    const opened = (await invoke(electron, { command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } })) as Result<SocketInfo>;
    if (!opened.ok) throw new Error(opened.error.message);
    const port = opened.value.local?.port;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    const atExit = new Promise<{ lock: boolean; session: string }>((done) =>
      electron.app.once('fake:exit', () => done({ lock: existsSync(join(dir, LOCK_FILE)), session: readFileSync(join(dir, SESSION_FILE), 'utf8') })),
    );
    electron.app.quit();
    // Electron does not wait for a will-quit listener: the app holds the quit back itself.
    expect(electron.app.exitCode).toBeUndefined();
    const { lock, session } = await atExit;
    expect(lock).toBe(false);
    expect(session).toMatch(new RegExp(`"port":\\s*${port}\\b`));
    const refused = await new Promise<boolean>((done) => {
      const probe = connect(port ?? 0, '127.0.0.1');
      probe.once('connect', () => (probe.destroy(), done(false)));
      probe.once('error', () => done(true));
    });
    expect(refused).toBe(true);
    expect(electron.app.exitCode).toBe(0);
  });

  it('a second launch quits at once and brings the first window forward', async () => {
    const first = await launch();
    const window = mainWindow(first);
    window.minimize();
    first.app.emit('second-instance', preventable(), ['sockscope'], dir);
    expect(window.isMinimized()).toBe(false);
    expect(window.visible && window.focused).toBe(true);
    await quit(first);

    // The second process: no window, no workspace, no IPC.
    const second = await launch({ gotLock: false });
    expect(second.log).toEqual(['requestSingleInstanceLock', 'quit', 'exit 0']);
    expect(second.BrowserWindow.getAllWindows()).toHaveLength(0);
    expect(second.ipcMain.handlers.size).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('reopens the window where it was closed, with its theme', async () => {
    const first = await launch({
      displays: [
        { x: 0, y: 0, width: 1920, height: 1080 },
        { x: 1920, y: 0, width: 1280, height: 1024 },
      ],
    });
    mainWindow(first).setBounds({ x: 2000, y: 100, width: 1000, height: 700 });
    clickMenu(first.Menu.getApplicationMenu()?.items, ['View', 'Theme', 'Dark']);
    await quit(first);
    expect(JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8'))).toEqual({
      bounds: { x: 2000, y: 100, width: 1000, height: 700 },
      maximized: false,
      theme: 'dark',
    });

    const again = await launch({
      displays: [
        { x: 0, y: 0, width: 1920, height: 1080 },
        { x: 1920, y: 0, width: 1280, height: 1024 },
      ],
    });
    expect(mainWindow(again).options).toMatchObject({ x: 2000, y: 100, width: 1000, height: 700 });
    expect(again.nativeTheme.themeSource).toBe('dark');
    await quit(again);

    // That second display is gone now: the window comes back in the middle of the one there is.
    const single = await launch();
    expect(mainWindow(single).options).toMatchObject({ x: 460, y: 190, width: 1000, height: 700 });
  });

  it('on macOS, a window opened again after closing comes back where it was closed', async () => {
    vi.spyOn(process, 'platform', 'get').mockReturnValue('darwin');
    const electron = await launch();
    mainWindow(electron).setBounds({ x: 300, y: 200, width: 900, height: 600 });
    mainWindow(electron).close();
    // The app stays (no windows, as on macOS); the Dock icon opens a window again.
    expect(electron.app.quitRequests).toBe(0);
    electron.app.emit('activate');
    expect(mainWindow(electron).options).toMatchObject({ x: 300, y: 200, width: 900, height: 600 });
    expect(electron.Menu.getApplicationMenu()?.items[0].label).toBe('Sockscope');
  });

  it('ignores a window state file that is not what it writes', async () => {
    writeFileSync(join(dir, WINDOW_STATE_FILE), '{"bounds":{"x":"0"},"theme":"neon"}');
    const electron = await launch();
    expect(mainWindow(electron).options).toMatchObject({ width: 1280, height: 820 });
    expect(electron.nativeTheme.themeSource).toBe('system');
  });

  it('sends menu commands to the window as one ui.command event', async () => {
    const electron = await launch();
    const menu = electron.Menu.getApplicationMenu()?.items;
    clickMenu(menu, ['File', 'New Listener…']);
    clickMenu(menu, ['File', 'Export All Logs', 'pcapng…']);
    clickMenu(menu, ['View', 'Ports']);
    await expect
      .poll(() =>
        sentBatches(electron)
          .flatMap((batch) => batch.events)
          .filter((event) => event.type === 'ui.command'),
      )
      .toEqual([
        { type: 'ui.command', command: { action: 'new-socket', kind: 'tcp-listener' } },
        { type: 'ui.command', command: { action: 'export-all', format: 'pcapng' } },
        { type: 'ui.command', command: { action: 'show-view', view: 'ports' } },
      ]);
  });

  it('imports a log chosen from File › Import Log… and shows its socket', async () => {
    const electron = await launch();
    const file = join(dir, 'capture.jsonl');
    writeFileSync(file, 'this is not a Sockscope log\n');
    electron.dialog.openAnswers.push(file);
    clickMenu(electron.Menu.getApplicationMenu()?.items, ['File', 'Import Log…']);
    await expect.poll(() => electron.dialog.shown.at(-1)?.message).toBe('Could not import capture.jsonl');

    const exported = (await invoke(electron, { command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } })) as Result<SocketInfo>;
    const log = (await invoke(electron, { command: 'log.export', input: { format: 'jsonl' } })) as Result<{ data: Uint8Array }>;
    if (!exported.ok || !log.ok) throw new Error('could not export a log to import');
    writeFileSync(file, log.value.data);
    electron.dialog.openAnswers.push(file);
    clickMenu(electron.Menu.getApplicationMenu()?.items, ['File', 'Import Log…']);
    await expect
      .poll(() =>
        sentBatches(electron)
          .flatMap((batch) => batch.events)
          .find((event) => event.type === 'ui.command'),
      )
      .toMatchObject({
        command: { action: 'select-socket' },
      });
  });

  it('exports from the window through a save dialog, writing the file before it answers', async () => {
    const electron = await launch();
    await invoke(electron, { command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } });
    const file = join(dir, 'all.jsonl');
    electron.dialog.saveAnswers.push(file);
    const saved = (await invoke(electron, { command: 'file.exportWithDialog', input: { transferId: 'w1', format: 'jsonl' } })) as Result<{
      bytes: number;
    }>;
    expect(electron.dialog.saveShown[0].defaultPath).toMatch(/\/sockscope-all-\d{8}-\d{6}\.jsonl$/);
    expect(saved).toMatchObject({ ok: true, value: { canceled: false, path: file } });
    expect(saved.ok && statSync(file).size).toBe(saved.ok && saved.value.bytes);
  });

  it('reports a crashed page, logs it, and reloads it with every socket still there', async () => {
    const electron = await launch();
    await invoke(electron, { command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } });
    electron.messageBoxAnswers.push(0);
    const contents = mainWindow(electron).webContents;
    contents.emit('render-process-gone', preventable(), { reason: 'crashed', exitCode: 139 });
    await expect.poll(() => contents.reloads).toBe(1);
    expect(electron.dialog.shown[0]).toMatchObject({ type: 'error', buttons: ['Reload', 'Quit'] });
    expect(readFileSync(join(dir, 'logs', 'errors.log'), 'utf8')).toMatch(/"kind":"renderer-gone".*crashed, exit code 139/);
    // The reloaded page asks for a snapshot: the listener is in it.
    const snapshot = (await invoke(electron, { command: 'app.snapshot', input: {} })) as Result<{ sockets: SocketInfo[] }>;
    expect(snapshot.ok && snapshot.value.sockets.map((socket) => socket.kind)).toEqual(['tcp-listener']);
  });
});
