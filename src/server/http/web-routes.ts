// The web pages built by Vite (src/web → dist/web): the room dashboard at /rooms/:id/dashboard,
// the management page at /manage, and their hashed assets under /web/assets/. Every page gets a
// Content-Security-Policy that allows only this origin's own scripts, styles and connections: no
// third-party script, no inline code.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { SyncError } from '../../core/errors.js';
import type { WebPage } from '../../protocol/web-pages.js';
import { idParam } from './path-params.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cache-control': 'no-cache, no-store, must-revalidate',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * A built page with the page headers (CSP, no caching). Every page is the same static shell; what
 * it shows comes from the API it calls, so nothing of the request is ever written into HTML.
 */
export async function servePage(webDir: string | null, page: WebPage): Promise<Response> {
  const html = webDir ? await readFile(join(webDir, `${page}.html`)).catch(() => null) : null;
  if (!html) throw new SyncError('service_unavailable', 'The web pages are not built: run `npm run build`.');
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}

/** `webDir`: the built pages (dist/web); null when the package root could not be found. */
export function registerWebRoutes(app: Hono, webDir: string | null): void {
  app.get('/rooms/:id/dashboard', async (c) => {
    idParam(c, 'id', 'room');
    return servePage(webDir, 'dashboard');
  });

  app.get('/signin', () => servePage(webDir, 'signin'));
  app.get('/recover', () => servePage(webDir, 'recover'));
  // The management page; it asks GET /auth/session itself and sends a signed-out visitor to /signin.
  app.get('/manage', () => servePage(webDir, 'manage'));

  app.get('/web/assets/:file', async (c: Context) => {
    const file = c.req.param('file') ?? '';
    const type = TYPES[extname(file)];
    const assets = webDir ? join(webDir, 'assets') : null;
    const path = assets ? normalize(join(assets, file)) : null;
    // Hashed file names only: no separators, no dot-files, nothing outside the assets folder.
    if (!assets || !path || !type || !/^[\w.-]+$/.test(file) || file.startsWith('.') || !path.startsWith(assets + sep)) {
      throw new SyncError('route_not_found', `There is no asset ${file.slice(0, 100)}.`);
    }
    const body = await readFile(path).catch(() => null);
    if (!body) throw new SyncError('route_not_found', `There is no asset ${file.slice(0, 100)}.`);
    return new Response(body, { status: 200, headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' } });
  });
}
