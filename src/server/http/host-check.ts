// DNS rebinding defence (issue 7): a local-mode server trusts whoever can reach it, so it answers
// only requests addressed to a loopback name or to a host configured as allowed (a reverse
// proxy's public name). A browser always sends Host; a page on evil.test that rebinds its name to
// 127.0.0.1 still sends `Host: evil.test` and is refused.
import type { MiddlewareHandler } from 'hono';
import { SyncError } from '../../core/errors.js';
import { sendError } from './respond.js';

/** The host name of a Host header, lower-cased, without port or IPv6 brackets. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export function checkHost(allowedHosts: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  return async (c, next) => {
    const header = c.req.header('host');
    // No Host at all: not a browser (HTTP/1.1 requires it; Node refuses such requests).
    if (header === undefined) return next();
    const name = hostName(header);
    if (isLoopbackName(name) || allowed.has(name)) return next();
    const error = new SyncError('host_not_allowed', 'This server answers only requests addressed to a loopback name or an allowed host.', {
      host: name.slice(0, 100),
      hint: 'Behind a reverse proxy, start the server with --allowed-hosts (ALLOWED_HOSTS) listing the proxy\'s host names.',
    });
    return sendError(c, error);
  };
}
