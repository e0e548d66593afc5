import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, PAGE_CONTENT_SECURITY_POLICY } from './host/static';
import { isTrustedRendererUrl, secureWindowOptions } from './window';

describe('window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = secureWindowOptions('/app/out/preload').webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs?.preload).toBe(resolve('/app/out/preload/index.js'));
  });

  it('trusts only the packaged renderer file or the dev server origin', () => {
    expect(isTrustedRendererUrl('file:///app/out/renderer/index.html', undefined)).toBe(true);
    expect(isTrustedRendererUrl('file:///tmp/evil.html', undefined)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/renderer/index.html', undefined)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/index.html', 'http://localhost:5173')).toBe(false);
    expect(isTrustedRendererUrl('not a url', undefined)).toBe(false);
  });

  it('ships a strict Content-Security-Policy in the page, the same one the host sends', () => {
    const html = readFileSync(resolve(__dirname, '../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain(`${meta}; frame-ancestors 'none'`);
    expect(meta).toContain("default-src 'none'");
    expect(meta).toContain("script-src 'self'");
    expect(meta).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
