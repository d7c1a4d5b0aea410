// CORS for the configured origins only (none by default) and the X-Sync-Version header, set
// after the handler on the response it made. Setting them before (as hono/cors does) makes Hono
// rebuild every response as a stream-bodied undici Response, which cost about a fifth of the
// server's CPU per request in `npm run bench`.
import type { MiddlewareHandler } from 'hono';

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,Last-Event-ID';
const EXPOSE_HEADERS = 'X-Sync-Version';

/**
 * `origins`: exact origins (scheme://host[:port]) a browser page may call from; `*` allows any.
 * A preflight from an allowed origin is answered here; any other OPTIONS goes on to the routes
 * (and gets their 404/405), so a browser refuses the cross-origin call.
 */
export function responseHeaders(version: string, origins: readonly string[] = []): MiddlewareHandler {
  const any = origins.includes('*');
  const exact = new Set(origins);
  const allowed = (origin: string | undefined): string | null => {
    if (!origin) return null;
    if (any) return '*';
    return exact.has(origin) ? origin : null;
  };
  const cors = origins.length > 0;
  return async (c, next) => {
    const origin = allowed(c.req.header('origin'));
    if (c.req.method === 'OPTIONS' && origin) {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': EXPOSE_HEADERS,
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
          vary: 'Origin, Access-Control-Request-Headers',
        },
      });
    }
    await next();
    const headers = c.res.headers;
    if (origin) {
      headers.set('access-control-allow-origin', origin);
      headers.set('access-control-expose-headers', EXPOSE_HEADERS);
    }
    // With an allow-list the answer depends on the Origin: caches must key on it.
    if (cors && !any) headers.append('vary', 'Origin');
    headers.set('x-sync-version', version);
  };
}
