/**
 * A stand-in for the `electron` module, so that the desktop glue (src/main/index.ts, ipc.ts,
 * window.ts, the preload) runs in plain vitest: the binary cannot be downloaded on these machines,
 * and importing the real module tries to. Like Electron Fiddle's tests/mocks: small event-emitter
 * fakes with the methods our code calls, which record what they were asked and let a test play
 * the part of Electron (emit app and window events, invoke IPC, click menu items).
 *
 * Use: `vi.mock('electron', () => fakeElectron.module)` with a fake made by `createFakeElectron()`.
 */
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export const preventable = (): PreventableEvent => {
  const event = {
    defaultPrevented: false,
    preventDefault: () => void (event.defaultPrevented = true),
  };
  return event;
};

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export function createFakeElectron(options: { paths?: Record<string, string>; displays?: Rect[]; gotLock?: boolean } = {}) {
  const log: string[] = [];
  let nextId = 1;

  class FakeWebContents extends EventEmitter {
    readonly id = nextId++;
    url = '';
    destroyed = false;
    readonly sent: Array<{ channel: string; args: unknown[] }> = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    reloads = 0;
    send(channel: string, ...args: unknown[]): void {
      if (this.destroyed) throw new Error('Object has been destroyed');
      this.sent.push({ channel, args });
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
    getURL(): string {
      return this.url;
    }
    reload(): void {
      this.reloads++;
    }
    crashes = 0;
    forcefullyCrashRenderer(): void {
      this.crashes++;
    }
  }

  class FakeBrowserWindow extends EventEmitter {
    static readonly windows: FakeBrowserWindow[] = [];
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.windows.filter((window) => !window.destroyed);
    }
    readonly webContents = new FakeWebContents();
    bounds: Rect;
    maximized = false;
    minimized = false;
    visible = false;
    focused = false;
    destroyed = false;
    loaded: string | undefined;

    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
      super();
      this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
      FakeBrowserWindow.windows.push(this);
      // As Electron does: every web contents is announced before anything loads in it.
      app.emit('web-contents-created', preventable(), this.webContents);
    }
    async loadFile(path: string): Promise<void> {
      this.loaded = path;
      this.webContents.url = new URL(`file://${path}`).href;
    }
    async loadURL(url: string): Promise<void> {
      this.loaded = url;
      this.webContents.url = url;
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {
      this.focused = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    minimize(): void {
      this.minimized = true;
    }
    restore(): void {
      this.minimized = false;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    getNormalBounds(): Rect {
      return { ...this.bounds };
    }
    setBounds(bounds: Partial<Rect>): void {
      this.bounds = { ...this.bounds, ...bounds };
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** Like a click on the close box: `close`, then (unless prevented) `closed`. */
    close(): void {
      const event = preventable();
      this.emit('close', event);
      if (event.defaultPrevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
      // Electron says nothing of it when the windows close because the app quits.
      if (FakeBrowserWindow.getAllWindows().length === 0 && !app.quitting) app.emit('window-all-closed');
    }
  }

  class FakeApp extends EventEmitter {
    name = 'Sockscope';
    isPackaged = false;
    gotLock = options.gotLock ?? true;
    exitCode: number | undefined;
    quitRequests = 0;
    quitting = false;
    private readonly ready: Promise<void>;
    private markReady!: () => void;
    constructor() {
      super();
      this.ready = new Promise((resolve) => (this.markReady = resolve));
    }
    getPath(name: string): string {
      const path = options.paths?.[name];
      if (!path) throw new Error(`Fake app.getPath: no path for ${name}`);
      return path;
    }
    getAppPath(): string {
      return options.paths?.app ?? '/app';
    }
    requestSingleInstanceLock(): boolean {
      log.push('requestSingleInstanceLock');
      return this.gotLock;
    }
    whenReady(): Promise<void> {
      return this.ready;
    }
    /** What Electron does once it has started. */
    async becomeReady(): Promise<void> {
      this.emit('ready');
      this.markReady();
      // Let the `whenReady().then(...)` callbacks run.
      await this.ready;
      await new Promise((resolve) => setImmediate(resolve));
    }
    /** Electron's quit: windows close, then `will-quit`, which a listener may prevent. */
    quit(): void {
      this.quitRequests++;
      log.push('quit');
      const before = preventable();
      this.emit('before-quit', before);
      if (before.defaultPrevented) return;
      this.quitting = true;
      for (const window of FakeBrowserWindow.getAllWindows()) window.close();
      const willQuit = preventable();
      this.emit('will-quit', willQuit);
      if (!willQuit.defaultPrevented) this.exit(0);
    }
    exit(code = 0): void {
      log.push(`exit ${code}`);
      this.exitCode = code;
      this.emit('fake:exit', code);
    }
    setAboutPanelOptions(): void {}
  }

  class FakeIpcMain extends EventEmitter {
    readonly handlers = new Map<string, Handler>();
    handle(channel: string, handler: Handler): void {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, handler);
    }
    removeHandler(channel: string): void {
      this.handlers.delete(channel);
    }
    /** What `ipcRenderer.invoke` from `sender` (its frame at `frameUrl`) would reach. */
    async invoke(channel: string, sender: FakeWebContents | object, frameUrl: string, ...args: unknown[]): Promise<unknown> {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ sender, senderFrame: { url: frameUrl } }, ...args);
    }
  }

  class FakeSession {
    permissionRequestHandler: Handler | undefined;
    permissionCheckHandler: Handler | undefined;
    devicePermissionHandler: Handler | undefined;
    beforeRequest: Handler | undefined;
    readonly webRequest = { onBeforeRequest: (handler: Handler) => void (this.beforeRequest = handler) };
    setPermissionRequestHandler(handler: Handler): void {
      this.permissionRequestHandler = handler;
    }
    setPermissionCheckHandler(handler: Handler): void {
      this.permissionCheckHandler = handler;
    }
    setDevicePermissionHandler(handler: Handler): void {
      this.devicePermissionHandler = handler;
    }
  }

  interface FakeMenu {
    items: MenuItemConstructorOptions[];
  }

  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const session = { defaultSession: new FakeSession() };
  let applicationMenu: FakeMenu | null = null;
  const Menu = {
    buildFromTemplate: (items: MenuItemConstructorOptions[]): FakeMenu => ({ items }),
    setApplicationMenu: (menu: FakeMenu | null) => void (applicationMenu = menu),
    getApplicationMenu: () => applicationMenu,
  };
  /** Answers given to message boxes, in order; with none left a box stays open until aborted. */
  const messageBoxAnswers: number[] = [];
  const dialog = {
    shown: [] as Electron.MessageBoxOptions[],
    openAnswers: [] as Array<string | undefined>,
    showMessageBox: (...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> => {
      const options = (args.length > 1 ? args[1] : args[0]) as Electron.MessageBoxOptions;
      dialog.shown.push(options);
      const answer = messageBoxAnswers.shift();
      if (answer !== undefined) return Promise.resolve({ response: answer, checkboxChecked: false });
      return new Promise((resolve) => {
        // Electron resolves with the cancel button when the signal closes the box.
        options.signal?.addEventListener('abort', () => resolve({ response: options.cancelId ?? 0, checkboxChecked: false }));
      });
    },
    /** Save dialogs shown; each is answered from `saveAnswers`, else stays open until `answerSave`. */
    saveShown: [] as Electron.SaveDialogOptions[],
    saveAnswers: [] as Array<string | undefined>,
    pendingSave: [] as Array<(path: string | undefined) => void>,
    showSaveDialog: (...args: unknown[]): Promise<{ canceled: boolean; filePath: string }> => {
      dialog.saveShown.push((args.length > 1 ? args[1] : args[0]) as Electron.SaveDialogOptions);
      const answered = (path: string | undefined) => (path === undefined ? { canceled: true, filePath: '' } : { canceled: false, filePath: path });
      if (dialog.saveAnswers.length > 0) return Promise.resolve(answered(dialog.saveAnswers.shift()));
      return new Promise((resolve) => dialog.pendingSave.push((path) => resolve(answered(path))));
    },
    /** The user picks `path` (undefined: Cancel) in the save dialog that is open. */
    answerSave: (path: string | undefined): void => {
      const answer = dialog.pendingSave.shift();
      if (!answer) throw new Error('No save dialog is open');
      answer(path);
    },
    openShown: [] as Electron.OpenDialogOptions[],
    showOpenDialog: async (...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => {
      dialog.openShown.push((args.length > 1 ? args[1] : args[0]) as Electron.OpenDialogOptions);
      const path = dialog.openAnswers.shift();
      return path === undefined ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [path] };
    },
    showErrorBox: (title: string, content: string) => void dialog.shown.push({ message: title, detail: content }),
  };
  const shell = {
    opened: [] as string[],
    openPath: async (path: string) => {
      shell.opened.push(path);
      return '';
    },
    showItemInFolder: (path: string) => void shell.opened.push(path),
    openExternal: async () => {
      throw new Error('Sockscope never opens external links');
    },
  };
  const displays = (options.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea, index) => ({
    id: index + 1,
    bounds: workArea,
    workArea,
  }));
  const screen = {
    getAllDisplays: () => displays,
    getPrimaryDisplay: () => displays[0],
  };
  const nativeTheme = { themeSource: 'system' as 'system' | 'light' | 'dark' };
  const webContents = { getAllWebContents: () => FakeBrowserWindow.windows.map((window) => window.webContents) };

  // The preload's side.
  const exposed = new Map<string, unknown>();
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) };
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invocations: [] as Array<{ channel: string; args: unknown[] }>,
    invoke: async (channel: string, ...args: unknown[]) => void ipcRenderer.invocations.push({ channel, args }),
    sent: [] as Array<{ channel: string; args: unknown[] }>,
    send: (channel: string, ...args: unknown[]) => void ipcRenderer.sent.push({ channel, args }),
  });

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session,
    Menu,
    dialog,
    shell,
    screen,
    nativeTheme,
    webContents,
    contextBridge,
    ipcRenderer,
  };
  return { module, ...module, log, messageBoxAnswers, exposed, default: module };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Finds a menu item by its path of labels (or roles), e.g. ['File', 'New Listener…']. */
export function menuItem(items: MenuItemConstructorOptions[] | undefined, path: string[]): MenuItemConstructorOptions {
  const [first, ...rest] = path;
  const found = (items ?? []).find((item) => (item.label ?? item.role)?.replace('&', '') === first);
  if (!found) throw new Error(`No menu item ${first}`);
  if (rest.length === 0) return found;
  return menuItem(found.submenu as MenuItemConstructorOptions[] | undefined, rest);
}

/** Clicks a menu item as Electron would (the handler gets the item, the window and the event). */
export function clickMenu(items: MenuItemConstructorOptions[] | undefined, path: string[]): void {
  const item = menuItem(items, path);
  if (!item.click) throw new Error(`${path.join(' › ')} has no click handler`);
  (item.click as () => void)();
}
