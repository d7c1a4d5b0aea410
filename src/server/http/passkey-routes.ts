// Passkey ceremonies, sign-out, passkey management and recovery (sync-auth §1 with §11 items 12
// and 27 fixed). A ceremony that signs someone in sets the HttpOnly `sync_session` cookie and never
// puts the secret in a body. Every state-changing route here must come from this server's own
// pages: the Origin header must be the public URL's (CSRF), cookie or not. Rate-limited per client.
import type { Context, Hono } from 'hono';
import { generateCookie, getCookie } from 'hono/cookie';
import { SyncError } from '../../core/errors.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import type { PasskeyService } from '../../core/identity/passkey-service.js';
import type { RecoveryCodes } from '../../core/identity/recovery-codes.js';
import { jsonBody } from './body.js';
import { limited, SESSION_COOKIE, type SessionCheck } from './identity-routes.js';
import { send } from './respond.js';

export interface PasskeyRouteDeps {
  identity: IdentityService;
  passkeys: PasskeyService;
  recovery: RecoveryCodes;
  session: SessionCheck;
  /** The public URL (no trailing slash): the only Origin accepted, and https makes the cookie Secure. */
  publicUrl: () => string;
}

/** Credential and recovery-code ids in paths: base64url or UUIDs, nothing else. */
function opaqueId(c: Context, name: string, what: string): string {
  const value = c.req.param(name) ?? '';
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(value)) throw new SyncError('invalid_id', `The ${what} id in the path is not valid.`, { [name]: value.slice(0, 80) });
  return value;
}

export function registerPasskeyRoutes(app: Hono, deps: PasskeyRouteDeps): void {
  const { identity, passkeys, recovery, publicUrl } = deps;

  const ownOrigin = (c: Context) => {
    if (c.req.header('origin') !== publicUrl()) {
      throw new SyncError('origin_not_allowed', 'Passkey and session requests must come from this server\'s own pages (Origin check).', { expected: publicUrl() });
    }
  };
  /** The JSON answer with the session cookie set (or cleared, with a null session). */
  const withSession = (res: Response, session: { secret: string; expiresAt: number } | null): Response => {
    const cookie = generateCookie(SESSION_COOKIE, session?.secret ?? '', {
      httpOnly: true, sameSite: 'Lax', path: '/', secure: publicUrl().startsWith('https:'), expires: new Date(session?.expiresAt ?? 0),
      ...(session ? {} : { maxAge: 0 }),
    });
    res.headers.append('set-cookie', cookie);
    return res;
  };
  const signedIn = async (c: Context): Promise<string> => {
    const principal = await deps.session(c);
    if (!principal || principal.kind !== 'session') throw new SyncError('authentication_required', 'Sign in with a passkey on this server\'s pages first.');
    return principal.userId;
  };
  /** A session of either kind (user or recovery): only the registration ceremony accepts a recovery session. */
  const anySession = (c: Context) => passkeys.sessionOf(getCookie(c, SESSION_COOKIE));

  const ceremony = limited(identity, 'passkeys');
  app.post('/webauthn/register/options', ceremony, async (c) => {
    ownOrigin(c);
    const body = await jsonBody(c);
    return send(c, 200, await passkeys.registrationOptions(body, await anySession(c)));
  });
  app.post('/webauthn/register/verify', ceremony, async (c) => {
    ownOrigin(c);
    const body = await jsonBody(c);
    const outcome = await passkeys.verifyRegistration(body, await anySession(c));
    const res = send(c, 200, { verified: true, signed_in: outcome.session !== null, user: outcome.user, passkey: outcome.passkey });
    return outcome.session ? withSession(res, outcome.session) : res;
  });
  app.post('/webauthn/authenticate/options', ceremony, async (c) => {
    ownOrigin(c);
    const body = await jsonBody(c);
    return send(c, 200, await passkeys.authenticationOptions(body));
  });
  app.post('/webauthn/authenticate/verify', ceremony, async (c) => {
    ownOrigin(c);
    const body = await jsonBody(c);
    const result = await passkeys.verifyAuthentication(body);
    return withSession(send(c, 200, { verified: true, user: result.user }), result.session);
  });

  app.post('/auth/signout', ceremony, async (c) => {
    ownOrigin(c);
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await identity.endSession(secret);
    return withSession(send(c, 200, { signed_out: true }), null);
  });

  const account = limited(identity, 'account');
  app.get('/auth/passkeys', account, async (c) => send(c, 200, await passkeys.list(await signedIn(c))));
  app.delete('/auth/passkeys/:passkey', account, async (c) => {
    const id = opaqueId(c, 'passkey', 'passkey');
    return send(c, 200, await passkeys.remove(await signedIn(c), id));
  });
  app.post('/auth/recovery', account, async (c) => send(c, 201, await recovery.create(await signedIn(c))));
  app.get('/auth/recovery', account, async (c) => send(c, 200, await recovery.list(await signedIn(c))));
  app.delete('/auth/recovery/:code', account, async (c) => {
    const id = opaqueId(c, 'code', 'recovery code');
    return send(c, 200, await recovery.revoke(await signedIn(c), id));
  });

  app.post('/recover/validate', limited(identity, 'recovery'), async (c) => {
    ownOrigin(c);
    const body = await jsonBody(c);
    const unknown = Object.keys(body).find((k) => k !== 'code');
    if (unknown !== undefined) throw new SyncError('invalid_body', `POST /recover/validate takes code only; ${JSON.stringify(unknown.slice(0, 40))} is not it.`, { field: unknown });
    const session = await recovery.redeem(body.code);
    return withSession(send(c, 200, { recovering: true, username: session.username, expires_at: new Date(session.expiresAt).toISOString() }), session);
  });
}
