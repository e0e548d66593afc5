import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, PAGE_CONTENT_SECURITY_POLICY } from './host/static';
import { createSecureWindow, isAllowedRequest, isTrustedRendererUrl, lockDownContents, lockDownSession, type RendererSource } from './window';

const packaged: RendererSource = { rendererDir: '/app/out/renderer' };
const development: RendererSource = { rendererDir: '/app/out/renderer', devServerUrl: 'http://localhost:5173' };

/** Stands in for BrowserWindow: keeps what the window would have been created with. */
class RecordedWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

describe('window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const { webPreferences } = createSecureWindow(RecordedWindow, '/app/out/preload').options;
    expect(webPreferences).toMatchObject({
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
      disableBlinkFeatures: 'Auxclick',
    });
    expect(webPreferences?.preload).toBe(resolve('/app/out/preload/index.js'));
  });

  it('trusts only the packaged index.html or the dev server origin as a command sender', () => {
    const cases: Array<[string, RendererSource, boolean]> = [
      ['file:///app/out/renderer/index.html', packaged, true],
      ['file:///app/out/renderer/index.html#/socket', packaged, true],
      ['file:///tmp/evil/renderer/index.html', packaged, false],
      ['file:///tmp/evil.html', packaged, false],
      ['https://example.com/renderer/index.html', packaged, false],
      ['http://localhost:5173/index.html', development, true],
      ['http://localhost:5174/index.html', development, false],
      ['http://localhost:5173.evil.example/', development, false],
      ['not a url', packaged, false],
    ];
    for (const [url, source, trusted] of cases) expect(isTrustedRendererUrl(url, source), url).toBe(trusted);
  });

  it('loads nothing but its own files (and the dev server in development)', () => {
    const cases: Array<[string, RendererSource, boolean]> = [
      ['file:///app/out/renderer/index.html', packaged, true],
      ['file:///app/out/renderer/assets/index-abc.js', packaged, true],
      ['data:image/png;base64,AAAA', packaged, true],
      ['file:///app/out/renderer/../../../etc/passwd', packaged, false],
      ['file:///app/out/renderer/%2e%2e/%2e%2e/etc/passwd', packaged, false],
      ['file:///app/out/renderer-evil/x.js', packaged, false],
      ['file:///etc/passwd', packaged, false],
      ['https://cdn.example.com/lib.js', packaged, false],
      ['http://127.0.0.1:6379/', packaged, false],
      ['ws://localhost:5173/', packaged, false],
      ['ftp://example.com/', packaged, false],
      ['http://localhost:5173/src/main.tsx', development, true],
      ['ws://localhost:5173/', development, true],
      ['https://cdn.example.com/lib.js', development, false],
      ['nonsense', development, false],
    ];
    for (const [url, source, allowed] of cases) expect(isAllowedRequest(url, source), url).toBe(allowed);
  });

  it('denies new windows, navigation, redirects and webviews', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      setWindowOpenHandler: (handler: () => { action: string }) => void (openHandler = handler),
      on: (name: string, listener: (event: { preventDefault(): void }) => void) => void listeners.set(name, listener),
    } as unknown as WebContents;
    lockDownContents(contents);

    expect(openHandler?.()).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)?.(event);
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
  });

  it('denies every permission request and check, and cancels requests to anything but its own files', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const fakeSession = {
      setPermissionRequestHandler: (h: (...args: never[]) => unknown) => void (handlers.request = h),
      setPermissionCheckHandler: (h: (...args: never[]) => unknown) => void (handlers.check = h),
      setDevicePermissionHandler: (h: (...args: never[]) => unknown) => void (handlers.device = h),
      webRequest: { onBeforeRequest: (h: (...args: never[]) => unknown) => void (handlers.beforeRequest = h) },
    } as unknown as Session;
    lockDownSession(fakeSession, packaged);

    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      (handlers.request as (c: unknown, p: string, cb: (granted: boolean) => void) => void)({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect((handlers.check as () => boolean)()).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);

    const decide = (url: string): unknown => {
      const callback = vi.fn();
      (handlers.beforeRequest as (d: { url: string }, cb: (r: unknown) => void) => void)({ url }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(decide('file:///app/out/renderer/assets/index.js')).toEqual({ cancel: false });
    expect(decide('https://example.com/tracker.gif')).toEqual({ cancel: true });
    expect(decide('file:///home/user/.ssh/id_ed25519')).toEqual({ cancel: true });
  });

  it('ships a strict Content-Security-Policy in the page, the same one the host sends', () => {
    const html = readFileSync(resolve(__dirname, '../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain(`${meta}; frame-ancestors 'none'`);
    const directives = new Map(
      (meta ?? '').split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name, sources.join(' ')] as const;
      }),
    );
    // Scripts only from our own files: no inline code, no eval, nothing remote.
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(meta).not.toMatch(/unsafe-eval|wasm-unsafe|https?:|wss?:|\*/);
  });
});
