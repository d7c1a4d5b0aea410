// The identity routes (D18–D22): tokens API, refresh, device flow, invitations and claims, plus
// per-client rate limits on every one of them (§11 item 25) counted in the identity store, so
// many processes on one PostgreSQL share the windows. Thin: authorisation is the core's.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SyncError } from '../../core/errors.js';
import type { Principal } from '../../core/identity/access.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import type { JsonObject } from '../../core/json.js';
import type { BearerAuth } from '../auth/bearer-auth.js';
import { jsonBody } from './body.js';
import { clientAddress } from './client-address.js';
import { idParam } from './path-params.js';
import { send } from './respond.js';

/** The passkey session cookie (HttpOnly, SameSite=Lax, Secure off localhost); the web half sets it. */
export const SESSION_COOKIE = 'sync_session';

/**
 * How a request proves a signed-in passkey session. The default reads the session cookie and, on
 * a state-changing request, requires the Origin header to be the public URL's (CSRF); the web
 * half may replace it (e.g. with a token-based CSRF check).
 */
export type SessionCheck = (c: Context) => Promise<Principal | null>;

export function cookieSessionCheck(identity: IdentityService, publicOrigin: () => string): SessionCheck {
  return async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (!secret) return null;
    if (c.req.method !== 'GET' && c.req.header('origin') !== publicOrigin()) {
      throw new SyncError('authentication_required', 'A session request that changes something must come from this server\'s own pages (Origin check).');
    }
    return identity.sessionPrincipal(secret);
  };
}

/** Per-minute limits per client address and route family. */
export const RATE_LIMITS: Readonly<Record<string, number>> = {
  device_start: 30,
  device_token: 120,
  refresh: 60,
  tokens: 120,
  membership: 60,
  passkeys: 60,
  account: 120,
  recovery: 10,
  /** The device and elevate pages' lookups and approvals (user codes are also limited per user). */
  approval: 60,
};

export function limited(identity: IdentityService, family: keyof typeof RATE_LIMITS): MiddlewareHandler {
  return async (c, next) => {
    await identity.limit(`${family}:${clientAddress(c)}`, RATE_LIMITS[family]!, 60_000);
    await next();
  };
}

/** RFC 8628 and RFC 6749 clients post forms; ours post JSON. Neither route reads an ambient credential. */
export async function grantBody(c: Context): Promise<JsonObject> {
  if (/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
    const text = await c.req.text();
    const out: JsonObject = {};
    for (const [k, v] of new URLSearchParams(text)) {
      if (Object.hasOwn(out, k)) throw new SyncError('invalid_body', `The form names ${k} twice.`, { field: k });
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return jsonBody(c);
}

export interface IdentityRouteDeps {
  identity: IdentityService;
  auth: BearerAuth;
  session: SessionCheck;
}

/** A user's bearer (`tok_`) or, without one, the passkey session; else 401 saying what is `needed`. */
export async function userPrincipal(c: Context, { auth, session }: Pick<IdentityRouteDeps, 'auth' | 'session'>, needed: string): Promise<Principal> {
  const header = c.req.header('authorization');
  const bearer = header ? await auth.principalFor(header) : null;
  if (bearer && bearer.kind !== 'legacy') return bearer;
  if (bearer) throw new SyncError('authentication_required', `${needed}; room, view and agent tokens cannot.`);
  const signedIn = await session(c);
  if (!signedIn) throw new SyncError('authentication_required', `${needed}.`);
  return signedIn;
}

export function registerIdentityRoutes(app: Hono, { identity, auth, session }: IdentityRouteDeps): void {
  const manager = (c: Context) => userPrincipal(c, { auth, session }, 'Managing tokens needs a passkey session or a tok_ token with tokens:manage');
  const roomPrincipal = async (c: Context, roomId: string): Promise<Principal> => {
    const p = await auth.principalFor(c.req.header('authorization'), roomId);
    if (!p || p.kind === 'legacy') throw new SyncError('authentication_required', 'This needs a user\'s tok_ token.');
    return p;
  };

  app.post('/tokens/refresh', limited(identity, 'refresh'), async (c) => send(c, 200, await identity.refresh(await grantBody(c))));
  app.post('/tokens/revoke', limited(identity, 'refresh'), async (c) => send(c, 200, await identity.revokeHeld(await grantBody(c))));
  app.post('/tokens', limited(identity, 'tokens'), async (c) => {
    const body = await jsonBody(c);
    return send(c, 201, await identity.mint(await manager(c), body));
  });
  app.get('/tokens', limited(identity, 'tokens'), async (c) => send(c, 200, await identity.list(await manager(c))));
  app.patch('/tokens/:token', limited(identity, 'tokens'), async (c) => {
    const id = idParam(c, 'token', 'token');
    const body = await jsonBody(c);
    return send(c, 200, await identity.patch(await manager(c), id, body));
  });
  app.delete('/tokens/:token', limited(identity, 'tokens'), async (c) => {
    const id = idParam(c, 'token', 'token');
    return send(c, 200, await identity.revoke(await manager(c), id));
  });

  app.get('/auth/session', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (!secret) throw new SyncError('authentication_required', 'Not signed in: sign in with a passkey on this server\'s pages.');
    return send(c, 200, await identity.sessionInfo(secret));
  });

  app.post('/auth/device', limited(identity, 'device_start'), async (c) => send(c, 200, await identity.startDevice(await grantBody(c))));
  app.post('/auth/device/token', limited(identity, 'device_token'), async (c) => send(c, 200, await identity.pollDevice(await grantBody(c))));

  app.post('/rooms/:id/invite', limited(identity, 'membership'), async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const body = await jsonBody(c);
    return send(c, 200, await identity.invite(await roomPrincipal(c, roomId), roomId, body));
  });
  app.post('/rooms/:id/claim', limited(identity, 'membership'), async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const body = await jsonBody(c);
    return send(c, 200, await identity.claim(await roomPrincipal(c, roomId), roomId, body));
  });
}
