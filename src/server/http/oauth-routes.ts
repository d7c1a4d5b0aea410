// OAuth 2.1 for MCP clients over HTTP (D22): the discovery documents (open to every origin, the
// only CORS-open routes here), dynamic registration, the authorization endpoint (which keeps the
// request server-side and sends the browser to the consent page), the consent page's API (passkey
// session, Origin-checked) and the token endpoint. Errors are D2 bodies from the catalogue with
// RFC 6749's `error_description` beside `message`; every route is rate-limited per client address.
import type { Context, Hono } from 'hono';
import { SyncError, isSyncError } from '../../core/errors.js';
import type { OAuthService } from '../../core/identity/oauth-service.js';
import { RedirectedError } from '../../core/identity/oauth-service.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import { jsonBody } from './body.js';
import { clientAddress } from './client-address.js';
import { grantBody, type SessionCheck } from './identity-routes.js';
import { send, sendError } from './respond.js';
import { servePage } from './web-routes.js';

/** Per-minute limits per client address. */
export const OAUTH_RATE_LIMITS = {
  metadata: 300,
  register: 20,
  authorize: 60,
  consent: 60,
  token: 60,
} as const;

const PUBLIC_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'MCP-Protocol-Version, Content-Type',
  'access-control-max-age': '600',
};

export interface OAuthRouteDeps {
  oauth: OAuthService;
  identity: IdentityService;
  session: SessionCheck;
  webDir: string | null;
}

/** An OAuth error answer: the D2 body plus `error_description` (RFC 6749 §5.2), never cached. */
function oauthFailure(c: Context, error: unknown): Response {
  if (!isSyncError(error)) throw error;
  const res = sendError(c, new SyncError(error.code, error.message, { ...error.details, error_description: error.message }));
  res.headers.set('cache-control', 'no-store');
  if (error.code === 'invalid_client') res.headers.set('www-authenticate', 'Bearer error="invalid_client"');
  return res;
}

function noStore(res: Response): Response {
  res.headers.set('cache-control', 'no-store');
  res.headers.set('pragma', 'no-cache');
  return res;
}

/** The discovery documents: mounted before the app's CORS and Host checks (they are public). */
export function registerOAuthMetadataRoutes(app: Hono, { oauth, identity }: Pick<OAuthRouteDeps, 'oauth' | 'identity'>): void {
  const documents: Array<[string, () => object]> = [
    ['/.well-known/oauth-protected-resource', () => oauth.protectedResource()],
    ['/.well-known/oauth-protected-resource/mcp', () => oauth.protectedResource()],
    ['/.well-known/oauth-authorization-server', () => oauth.authorizationServer()],
  ];
  for (const [path, document] of documents) {
    app.options(path, () => new Response(null, { status: 204, headers: PUBLIC_CORS }));
    app.get(path, async (c) => {
      try {
        await identity.limit(`oauth_metadata:${clientAddress(c)}`, OAUTH_RATE_LIMITS.metadata, 60_000);
      } catch (error) {
        const res = oauthFailure(c, error);
        res.headers.set('access-control-allow-origin', '*');
        return res;
      }
      const res = send(c, 200, document());
      for (const [k, v] of Object.entries(PUBLIC_CORS)) res.headers.set(k, v);
      res.headers.set('cache-control', 'public, max-age=300');
      return res;
    });
  }
}

export function registerOAuthRoutes(app: Hono, { oauth, identity, session, webDir }: OAuthRouteDeps): void {
  const limit = (c: Context, family: keyof typeof OAUTH_RATE_LIMITS) => identity.limit(`oauth_${family}:${clientAddress(c)}`, OAUTH_RATE_LIMITS[family], 60_000);
  const signedIn = async (c: Context) => {
    const principal = await session(c);
    if (!principal) throw new SyncError('authentication_required', 'Authorizing an application needs you to sign in with a passkey on this server.');
    return principal;
  };

  /** The RFC 6749/7591 endpoints: their errors carry error_description and are never cached. */
  const oauthEndpoint = (run: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await run(c);
    } catch (error) {
      return oauthFailure(c, error);
    }
  };

  app.post('/oauth/register', oauthEndpoint(async (c) => {
    await limit(c, 'register');
    return noStore(send(c, 201, await oauth.register(await jsonBody(c))));
  }));

  app.get('/oauth/authorize', async (c) => {
    await limit(c, 'authorize');
    const params = new Map<string, string>();
    const duplicated: string[] = [];
    for (const [key, values] of Object.entries(c.req.queries())) {
      if (values.length > 1) duplicated.push(key);
      params.set(key, values[0]!);
    }
    try {
      return noStore(c.redirect(await oauth.authorize(params, duplicated), 302));
    } catch (error) {
      if (error instanceof RedirectedError) return noStore(c.redirect(error.redirect, 302));
      throw error;
    }
  });

  app.get('/oauth/consent', async () => servePage(webDir, 'consent'));

  app.get('/oauth/requests/:request', async (c) => {
    await limit(c, 'consent');
    return noStore(send(c, 200, await oauth.describe(await signedIn(c), c.req.param('request'))));
  });

  app.post('/oauth/requests/:request/decision', async (c) => {
    await limit(c, 'consent');
    const body = await jsonBody(c);
    const unknown = Object.keys(body).find((k) => k !== 'approve' && k !== 'scope');
    if (unknown !== undefined) throw new SyncError('invalid_body', 'A decision takes approve and scope only.', { field: unknown });
    if (typeof body.approve !== 'boolean') throw new SyncError('invalid_body', 'approve must be true or false.', { field: 'approve' });
    return noStore(send(c, 200, await oauth.decide(await signedIn(c), c.req.param('request'), body.approve, body.scope)));
  });

  app.post('/oauth/token', oauthEndpoint(async (c) => {
    await limit(c, 'token');
    return noStore(send(c, 200, await oauth.token(await grantBody(c))));
  }));
}
