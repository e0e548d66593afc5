import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The page's own meta-tag policy, plus what only a header can say (no framing by other sites).
 * `style-src 'unsafe-inline'` is the one relaxation (a low finding for Electronegativity): Vite's
 * dev server injects <style> elements, and a style cannot run code. Scripts stay 'self' only.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";
export const CONTENT_SECURITY_POLICY = `${PAGE_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/**
 * Vite names the bundle's files for their content (assets/index-Cu3Ql3eG.js): one such name is
 * always the same bytes, so the browser may keep it, and the host keeps it too once read.
 */
const CONTENT_NAMED = /^assets\/[^/]+-[\w-]{8}\.\w+$/;
const contentNamed = new Map<string, Buffer>();

/**
 * Serves files below `root` only; anything else (or `..` tricks) is a 404. A file goes out whole
 * in one write, from memory once read: a page's first load asks for its seven files at once, and
 * a stream per file would take several turns of the event loop each.
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponentSafe(new URL(req.url ?? '/', 'http://placeholder').pathname);
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = normalize(join(root, relative));
  if (pathname.includes('\0') || !file.startsWith(normalize(root) + sep)) {
    res.writeHead(404).end();
    return;
  }
  const immutable = CONTENT_NAMED.test(relative);
  let body = immutable ? contentNamed.get(file) : undefined;
  if (!body) {
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    if (immutable) contentNamed.set(file, body);
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // index.html and early-socket.js keep their names from one build to the next.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '\0';
  }
}
