import { join } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The window's web preferences, kept apart from Electron so a unit test can read them: the
 * renderer is an untrusted web page with a minimal bridge, nothing more.
 */
export function secureWindowOptions(preloadDir: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 820,
    minHeight: 520,
    show: false,
    title: 'Sockscope',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(preloadDir, 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Only our own renderer may talk to main: the dev server in development, the packaged file otherwise. */
export function isTrustedRendererUrl(url: string, devServerUrl: string | undefined): boolean {
  if (devServerUrl) return url.startsWith(new URL(devServerUrl).origin + '/');
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && parsed.pathname.endsWith('/renderer/index.html');
  } catch {
    return false;
  }
}
