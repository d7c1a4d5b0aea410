// Cross-site request refusal: a browser page on another origin can send a "simple" POST without a
// preflight (and, once accounts exist, with cookies). Every browser request that changes something
// carries an Origin header, so a change whose Origin is neither this server's own nor an allowed
// CORS origin is refused before it runs. Clients that are not browsers send no Origin and pass.
import type { MiddlewareHandler } from 'hono';
import { SyncError } from '../../core/errors.js';
import { sendError } from './respond.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `publicOrigin`: the configured public URL, this server's own origin even behind a proxy that rewrites Host. */
export function checkOrigin(corsOrigins: readonly string[], publicOrigin?: () => string): MiddlewareHandler {
  const any = corsOrigins.includes('*');
  const allowed = new Set(corsOrigins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || SAFE.has(c.req.method) || any || allowed.has(origin) || origin === publicOrigin?.()) return next();
    if (sameOrigin(origin, c.req.header('host'))) return next();
    return sendError(
      c,
      new SyncError('origin_not_allowed', 'A page on another origin cannot change this server.', {
        origin: origin.slice(0, 200),
        hint: 'To let a web app on that origin call the API, start the server with --cors-origins listing it.',
      }),
    );
  };
}

// `Origin: null` (sandboxed frames, file: pages) is never the same origin.
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
