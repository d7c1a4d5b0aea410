// One log line per request at `info` (method, path, status, duration); nothing at `warn` and above.
import type { MiddlewareHandler } from 'hono';

export interface RequestLogger {
  info(obj: unknown, msg?: string): void;
  isLevelEnabled(level: string): boolean;
}

export function logRequests(log: RequestLogger): MiddlewareHandler {
  const enabled = log.isLevelEnabled('info');
  return async (c, next) => {
    if (!enabled) return next();
    const started = performance.now();
    await next();
    // The path only: a query can carry a long CEL condition.
    log.info({ method: c.req.method, path: c.req.path.slice(0, 200), status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
  };
}
