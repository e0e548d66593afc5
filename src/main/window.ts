import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { DEFAULT_SIZE, MIN_SIZE, type Rectangle } from './shell/window-state';

/** Where our renderer comes from: the packaged files, or the dev server in development. */
export interface RendererSource {
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  devServerUrl?: string;
}

/** Where the window opens (src/main/shell/window-state.ts) and its icon (Linux shows it). */
export interface WindowLook {
  bounds?: Rectangle;
  icon?: string;
}

/**
 * Creates the app window. The options are written out in the `new BrowserWindow({...})` call
 * itself so that Electronegativity can read them, and a test sees exactly what Electron gets
 * (it passes a recorder as `BrowserWindow`): the renderer is an untrusted web page with a
 * minimal bridge, nothing more.
 */
export function createSecureWindow<W>(
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => W,
  preloadDir: string,
  look: WindowLook = {},
): W {
  return new BrowserWindow({
    width: look.bounds?.width ?? DEFAULT_SIZE.width,
    height: look.bounds?.height ?? DEFAULT_SIZE.height,
    x: look.bounds?.x,
    y: look.bounds?.y,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    icon: look.icon,
    show: false,
    title: 'Sockscope',
    autoHideMenuBar: true,
    webPreferences: {
      // The preload is reviewed: it exposes the contract's two functions and never ipcRenderer
      // itself (src/preload/index.test.ts checks that surface).
      preload: join(preloadDir, 'index.js'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click opens links in a new window before any handler of ours can say no.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

/** Only our own renderer may talk to main: the dev server's pages, or exactly our packaged index.html. */
export function isTrustedRendererUrl(url: string, source: RendererSource): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (source.devServerUrl) return parsed.origin === new URL(source.devServerUrl).origin;
  return parsed.protocol === 'file:' && samePath(parsed.pathname, pathToFileURL(join(source.rendererDir, 'index.html')).pathname);
}

/**
 * What the window may load: its own files (not the rest of the disk), the dev server in
 * development, and in-page data. Nothing from the network, whatever the page asks for.
 */
export function isAllowedRequest(url: string, source: RendererSource): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  switch (parsed.protocol) {
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true;
    case 'file:':
      // The URL parser has already resolved `..` and `%2e%2e` segments.
      return samePath(parsed.href.slice(0, folder(source).length), folder(source));
    case 'http:':
    case 'https:':
    case 'ws:':
    case 'wss:': {
      if (!source.devServerUrl) return false;
      const dev = new URL(source.devServerUrl);
      // Vite's hot reload talks to the same host and port over ws:.
      return parsed.host === dev.host && (parsed.protocol === dev.protocol || parsed.protocol === 'ws:');
    }
    default:
      return false;
  }
}

/** The app never navigates, opens windows or embeds other pages: each attempt is refused. */
export function lockDownContents(contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** A socket inspector needs no camera, notifications, USB or the network beyond its own sockets. */
export function lockDownSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
    webRequest: Pick<Session['webRequest'], 'onBeforeRequest'>;
  },
  source: RendererSource,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url, source) }));
}

const folder = (source: RendererSource): string => pathToFileURL(source.rendererDir).href + '/';

/** Windows paths ignore case (and a drive letter may come either way); others do not. */
function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
