// The Hono application: cross-cutting behaviour (CORS, Host check, version header, body limit, D2 errors,
// 404/405) around the routes. Transports see services and auth, never storage.
import { Hono } from 'hono';
import { SyncError } from '../../core/errors.js';
import type { Services } from '../../core/service/index.js';
import type { BearerAuth } from '../auth/bearer-auth.js';
import type { BeachService } from '../beach/beach-service.js';
import type { BeachLimits } from '../beach/limits.js';
import { registerBeachRoutes } from './beach-routes.js';
import { registerWebRoutes } from './web-routes.js';
import { limitBody } from './body-limit.js';
import { checkHost } from './host-check.js';
import { checkOrigin } from './origin-check.js';
import { logRequests, type RequestLogger } from './request-log.js';
import { errorResponse, send, sendError, type Logger } from './respond.js';
import { responseHeaders } from './response-headers.js';
import { registerRoutes } from './routes.js';
import { registerIdentityRoutes, type SessionCheck } from './identity-routes.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerApprovalRoutes } from './approval-routes.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import type { PasskeyService } from '../../core/identity/passkey-service.js';
import type { RecoveryCodes } from '../../core/identity/recovery-codes.js';
import { registerPasskeyRoutes } from './passkey-routes.js';
import type { OAuthService } from '../../core/identity/oauth-service.js';
import { registerOAuthMetadataRoutes, registerOAuthRoutes } from './oauth-routes.js';
import { replacedRoute } from './seed-004-routes.js';
import { openApiDocument } from '../../protocol/openapi.js';

export const SYNC_VERSION = 'v8';

export interface HttpDeps {
  services: Services;
  auth: BearerAuth;
  localMode: boolean;
  bodyLimitBytes: number;
  /** Browser origins allowed by CORS (none by default). */
  corsOrigins?: readonly string[];
  /** Host names accepted in local mode besides loopback names. */
  allowedHosts?: readonly string[];
  log: Logger;
  /** Where each request is logged (at info). */
  requestLog?: RequestLogger;
  /** Whether the server is ready (start-up finished, not shutting down, its database reachable). */
  ready: () => boolean | Promise<boolean>;
  /** The public beach protocol, mounted ahead of the room API's middleware (its own CORS). */
  beach?: BeachService;
  /** The beach's per-client budgets. */
  beachLimits?: BeachLimits;
  /** The built web pages (dist/web), or null when they cannot be found. */
  webDir?: string | null;
  /** Users, tokens and the device flow (D18–D22). */
  identity?: {
    service: IdentityService;
    session: SessionCheck;
    refreshLocalMode: () => Promise<void>;
    passkeys: PasskeyService;
    recovery: RecoveryCodes;
    publicUrl: () => string;
    oauth?: OAuthService;
  };
  /** Extra routes mounted by later layers (wait, events). */
  extend?: (app: Hono) => void;
}

const KNOWN_PATHS: Array<[RegExp, string]> = [
  [/^\/rooms\/?$/, 'GET, POST'],
  [/^\/rooms\/[^/]+\/?$/, 'GET, PATCH, DELETE'],
  [/^\/rooms\/[^/]+\/agents\/?$/, 'POST'],
  [/^\/rooms\/[^/]+\/agents\/[^/]+\/?$/, 'PATCH'],
  [/^\/rooms\/[^/]+\/actions\/[^/]+\/invoke\/?$/, 'POST'],
  [/^\/rooms\/[^/]+\/(context|poll|wait|events)\/?$/, 'GET'],
  [/^\/rooms\/[^/]+\/eval\/?$/, 'POST'],
  [/^\/rooms\/[^/]+\/(rotate-token|rotate-view-token)\/?$/, 'POST'],
  [/^\/rooms\/[^/]+\/view-token\/?$/, 'DELETE'],
  [/^\/rooms\/[^/]+\/(invite|claim)\/?$/, 'POST'],
  [/^\/tokens\/?$/, 'GET, POST'],
  [/^\/tokens\/(refresh|revoke)\/?$/, 'POST'],
  [/^\/tokens\/[^/]+\/?$/, 'PATCH, DELETE'],
  [/^\/auth\/device\/?$/, 'GET, POST'],
  [/^\/auth\/device\/(token|lookup|approve|deny)\/?$/, 'POST'],
  [/^\/auth\/elevate\/?$/, 'GET'],
  [/^\/auth\/elevate\/(lookup|approve)\/?$/, 'POST'],
  [/^\/webauthn\/(register|authenticate)\/(options|verify)\/?$/, 'POST'],
  [/^\/auth\/signout\/?$/, 'POST'],
  [/^\/auth\/recovery\/?$/, 'GET, POST'],
  [/^\/auth\/passkeys\/?$/, 'GET'],
  [/^\/auth\/(passkeys|recovery)\/[^/]+\/?$/, 'DELETE'],
  [/^\/recover\/validate\/?$/, 'POST'],
  [/^\/auth\/rooms\/?$/, 'GET'],
  [/^\/mcp\/?$/, 'GET, POST, DELETE'],
  [/^\/oauth\/(register|token)\/?$/, 'POST'],
  [/^\/oauth\/(authorize|consent)\/?$/, 'GET'],
  [/^\/oauth\/requests\/[^/]+\/?$/, 'GET'],
  [/^\/oauth\/requests\/[^/]+\/decision\/?$/, 'POST'],
];

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  if (deps.requestLog) app.use('*', logRequests(deps.requestLog));
  // The public beach answers before the room API's CORS and Host check (it is open to every origin).
  if (deps.beach) registerBeachRoutes(app, { beach: deps.beach, bodyLimitBytes: deps.bodyLimitBytes, log: deps.log, ...(deps.beachLimits ? { limits: deps.beachLimits } : {}) });
  // So do the OAuth discovery documents (public metadata, open to every origin).
  const oauth = deps.identity?.oauth;
  if (oauth) registerOAuthMetadataRoutes(app, { oauth, identity: deps.identity!.service });
  app.use('*', responseHeaders(SYNC_VERSION, deps.corsOrigins ?? []));
  if (deps.localMode) app.use('*', checkHost(deps.allowedHosts ?? []));
  app.use('*', checkOrigin(deps.corsOrigins ?? [], deps.identity?.publicUrl));
  app.use('*', limitBody(deps.bodyLimitBytes));
  app.get('/healthz', async (c) => ((await deps.ready()) ? send(c, 200, { ok: true }) : sendError(c, new SyncError('service_unavailable', 'The server is starting or stopping, or cannot reach its database.', { retry_after: 1 }))));
  const openapi = JSON.stringify(openApiDocument({ version: SYNC_VERSION }));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json' }));
  if (deps.identity) {
    const { refreshLocalMode } = deps.identity;
    app.use('*', async (_c, next) => {
      await refreshLocalMode();
      await next();
    });
    const { service, session, passkeys, recovery, publicUrl } = deps.identity;
    const identityDeps = { identity: service, auth: deps.auth, session };
    registerIdentityRoutes(app, identityDeps);
    registerAccountRoutes(app, { ...identityDeps, services: deps.services });
    registerPasskeyRoutes(app, { identity: service, session, passkeys, recovery, publicUrl });
    if (oauth) registerOAuthRoutes(app, { oauth, identity: service, session, webDir: deps.webDir ?? null });
    registerApprovalRoutes(app, { identity: service, session, webDir: deps.webDir ?? null });
  }
  registerRoutes(app, deps);
  if (deps.webDir !== undefined) registerWebRoutes(app, deps.webDir);
  deps.extend?.(app);
  app.notFound((c) => {
    const known = KNOWN_PATHS.find(([pattern]) => pattern.test(c.req.path));
    // A known path with an allowed method missed its route (a trailing slash): that is a 404, not a 405.
    if (known && !known[1].split(', ').includes(c.req.method)) {
      const error = new SyncError('method_not_allowed', `${c.req.method} is not supported on this path.`, { allow: known[1] });
      const res = sendError(c, error);
      res.headers.set('allow', known[1]);
      return res;
    }
    const replaced = replacedRoute(c.req.method, c.req.path);
    if (replaced) return sendError(c, replaced);
    const hint = known && c.req.path.endsWith('/') ? { hint: 'Remove the trailing slash.' } : {};
    return sendError(c, new SyncError('route_not_found', `There is no route ${c.req.method} ${c.req.path.slice(0, 200)}.`, hint));
  });
  app.onError((error, c) => errorResponse(c, error, deps.log));
  return app;
}
