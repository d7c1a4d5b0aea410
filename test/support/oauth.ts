// An OAuth client for the protocol tests, in plain fetch (hostile tests must be able to send what
// a well-behaved library never would): PKCE pairs, registration, and the authorization request
// through the consent API with a passkey session cookie, up to the redirect.
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const REDIRECT = 'http://127.0.0.1:7777/callback';

export async function register(base: string, body: Record<string, unknown> = { redirect_uris: [REDIRECT], client_name: 'Test MCP client' }): Promise<Response> {
  return fetch(`${base}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function registeredClient(base: string, redirect = REDIRECT): Promise<string> {
  const res = await register(base, { redirect_uris: [redirect], client_name: 'Test MCP client' });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string;
  challenge: string;
  scope?: string;
  state?: string;
  resource?: string;
  method?: string;
  extra?: Array<[string, string]>;
}

export function authorizeUrl(base: string, p: AuthorizeParams): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: p.client_id,
    redirect_uri: p.redirect_uri ?? REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: p.method ?? 'S256',
    state: p.state ?? 'st-1',
    resource: p.resource ?? `${base}/mcp`,
  });
  if (p.scope !== undefined) q.set('scope', p.scope);
  for (const [k, v] of p.extra ?? []) q.append(k, v);
  return `${base}/oauth/authorize?${q}`;
}

/** GET the authorization endpoint without following: the Location header (or the error response). */
export async function authorize(base: string, p: AuthorizeParams): Promise<{ status: number; location: string | null; body: any }> {
  const res = await fetch(authorizeUrl(base, p), { redirect: 'manual' });
  const location = res.headers.get('location');
  const text = await res.text();
  return { status: res.status, location, body: text ? JSON.parse(text) : null };
}

export function handleOf(consentUrl: string): string {
  return new URL(consentUrl).searchParams.get('request')!;
}

/** The consent API as the page calls it: the session cookie, and the Origin of this server. */
export async function decide(base: string, cookie: string, handle: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/oauth/requests/${encodeURIComponent(handle)}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: base },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Authorize and approve: the code from the redirect (and the whole redirect URL). */
export async function codeFor(base: string, cookie: string, p: AuthorizeParams, scope?: string): Promise<{ code: string; redirect: URL }> {
  const started = await authorize(base, p);
  if (started.status !== 302 || !started.location?.includes('/oauth/consent?')) throw new Error(`authorize: ${started.status} ${started.location} ${JSON.stringify(started.body)}`);
  const decided = await decide(base, cookie, handleOf(started.location), scope === undefined ? { approve: true } : { approve: true, scope });
  if (decided.status !== 200) throw new Error(`decision: ${decided.status} ${JSON.stringify(decided.body)}`);
  const redirect = new URL(decided.body.redirect);
  return { code: redirect.searchParams.get('code')!, redirect };
}

export async function token(base: string, form: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
