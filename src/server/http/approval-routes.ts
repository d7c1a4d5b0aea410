// The approval pages and their session-only JSON routes (sync-auth §4.4–4.5 and §5, D22–D23):
// the device page (`verification_uri`) looks up, approves or denies a request by its user code;
// the elevate page (the link a scope_denied carries) raises one token in one room. Every JSON
// route needs the passkey session cookie, and — being a POST — the public URL's Origin (the
// session check refuses a cross-site request); all are rate limited per client address, and the
// user-code attempts per user besides (in the service).
import type { Context, Hono } from 'hono';
import { SyncError } from '../../core/errors.js';
import type { Principal } from '../../core/identity/access.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import { jsonBody } from './body.js';
import { limited, type SessionCheck } from './identity-routes.js';
import { send } from './respond.js';
import { servePage } from './web-routes.js';

export interface ApprovalRouteDeps {
  identity: IdentityService;
  session: SessionCheck;
  /** The built pages (dist/web); null when they cannot be found. */
  webDir: string | null;
}

export function registerApprovalRoutes(app: Hono, { identity, session, webDir }: ApprovalRouteDeps): void {
  const signedIn = async (c: Context): Promise<Principal> => {
    const principal = await session(c);
    if (!principal) throw new SyncError('authentication_required', 'Sign in with a passkey on this server first.', { sign_in: '/signin' });
    return principal;
  };
  const approval = limited(identity, 'approval');

  app.get('/auth/device', () => servePage(webDir, 'device'));
  app.post('/auth/device/lookup', approval, async (c) => {
    const body = await jsonBody(c);
    return send(c, 200, await identity.describeDevice(await signedIn(c), body.user_code));
  });
  app.post('/auth/device/approve', approval, async (c) => {
    const body = await jsonBody(c);
    onlyFields(body, ['user_code', 'scope']);
    return send(c, 200, await identity.approveDevice(await signedIn(c), body.user_code, body.scope));
  });
  app.post('/auth/device/deny', approval, async (c) => {
    const body = await jsonBody(c);
    onlyFields(body, ['user_code']);
    return send(c, 200, await identity.denyDevice(await signedIn(c), body.user_code));
  });

  app.get('/auth/elevate', () => servePage(webDir, 'elevate'));
  app.post('/auth/elevate/lookup', approval, async (c) => {
    const body = await jsonBody(c);
    return send(c, 200, await identity.elevation.describe(await signedIn(c), body));
  });
  app.post('/auth/elevate/approve', approval, async (c) => {
    const body = await jsonBody(c);
    return send(c, 200, await identity.elevation.approve(await signedIn(c), body));
  });
}

function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new SyncError('invalid_body', `This takes ${allowed.join(', ')}; ${unknown.slice(0, 100)} is not one of them.`, { field: unknown });
}
