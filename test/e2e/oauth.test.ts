// OAuth 2.1 for MCP clients, over the wire with plain fetch (D22, sync-auth §6 with §11 items 16,
// 18 fixed): discovery, registration rules, errors shown before the redirect URI is trusted and
// redirected after, PKCE S256 only, single-use codes (a replay revokes what they issued), exact
// redirect and client binding, audience binding (an MCP token is refused on the HTTP API), iss,
// consent only from a signed-in session, narrowing never widening, refresh rotation with reuse
// detection; then the token on /mcp with the user's roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { signedInSession, type TestSession } from '../support/sessions.js';
import { connectMcp } from '../support/mcp.js';
import { authorize, codeFor, decide, handleOf, pkce, REDIRECT, register, registeredClient, token, type Pkce } from '../support/oauth.js';

let served: ServedApp;
let base: string;
let ada: TestSession;
let client: string;

beforeAll(async () => {
  served = await serveInProcess([], { ownPublicUrl: true });
  base = served.url;
  ada = await signedInSession(served.app, 'ada');
  client = await registeredClient(base);
});
afterAll(async () => {
  await served.close();
});

async function exchange(code: string, p: Pkce, over: Record<string, string> = {}) {
  return token(base, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: client, resource: `${base}/mcp`, ...over });
}

async function grant(scope?: string) {
  const p = pkce();
  const { code } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge }, scope);
  const res = await exchange(code, p);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { access_token: string; refresh_token: string; scope: string };
}

const rooms = (bearer: string) => fetch(`${base}/rooms`, { headers: { authorization: `Bearer ${bearer}` } });
const mcpStatus = async (bearer: string) => (await fetch(`${base}/mcp`, {
  method: 'POST',
  headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
})).status;

describe('discovery', () => {
  it('a 401 on /mcp points at the path-suffixed resource metadata, which names this server as the authorization server', async () => {
    const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toBe(`Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="rooms:* create_rooms"`);
    const suffixed = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`, { headers: { origin: 'https://elsewhere.example' } });
    expect(suffixed.headers.get('access-control-allow-origin')).toBe('*');
    const prm = await suffixed.json();
    expect(prm).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base], bearer_methods_supported: ['header'], scopes_supported: ['rooms:*', 'create_rooms'] });
    expect(await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json()).toEqual(prm);
    const preflight = await fetch(`${base}/.well-known/oauth-authorization-server`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const as = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({
      issuer: base, authorization_endpoint: `${base}/oauth/authorize`, token_endpoint: `${base}/oauth/token`, registration_endpoint: `${base}/oauth/register`,
      code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'], authorization_response_iss_parameter_supported: true,
    });
    // Only the public documents are CORS-open: the token endpoint is not.
    const tokenRes = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { origin: 'https://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=x' });
    expect(tokenRes.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('dynamic client registration', () => {
  // A server of its own: every attempt counts against the address's registration limit.
  let dcr: ServedApp;
  beforeAll(async () => {
    dcr = await serveInProcess([], { ownPublicUrl: true });
  });
  afterAll(async () => {
    await dcr.close();
  });

  it('registers a public client: https or loopback redirect URIs, auth method answered "none"', async () => {
    const res = await register(dcr.url, { redirect_uris: ['https://app.example/cb', 'http://localhost:9/cb', 'http://[::1]:65000/x?y=1'], client_name: 'Desk', token_endpoint_auth_method: 'client_secret_post' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ client_name: 'Desk', token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example/cb', 'http://localhost:9/cb', 'http://[::1]:65000/x?y=1'] });
    expect(body.client_id).toMatch(/^mcpc_/);
    expect(body.client_secret).toBeUndefined();
  });

  it.each([
    ['http to a non-loopback host', ['http://evil.example/cb']],
    ['a fragment', ['https://app.example/cb#frag']],
    ['a custom scheme', ['myapp://cb']],
    ['javascript:', ['javascript:alert(1)']],
    ['credentials in the URI', ['https://user:pw@app.example/cb']],
    ['a loopback look-alike', ['http://127.0.0.1.evil.example/cb']],
    ['an oversized URI', [`https://app.example/${'a'.repeat(2100)}`]],
    ['no URIs', []],
    ['too many URIs', Array.from({ length: 11 }, (_, i) => `https://app.example/${i}`)],
    ['a non-string', [42]],
  ])('refuses %s (invalid_redirect_uri)', async (_what, uris) => {
    const res = await register(dcr.url, { redirect_uris: uris });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: expect.any(String), message: expect.any(String) });
  });

  it('refuses bad metadata: an over-long or multi-line name, an unknown grant type', async () => {
    for (const body of [{ redirect_uris: [REDIRECT], client_name: 'x'.repeat(201) }, { redirect_uris: [REDIRECT], client_name: 'a\nb' }, { redirect_uris: [REDIRECT], grant_types: ['client_credentials'] }]) {
      const res = await register(dcr.url, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error).toBe('invalid_client_metadata');
    }
  });
});

describe('authorization endpoint', () => {
  it('shows errors while the client or redirect URI is unknown — never redirects to them', async () => {
    const p = pkce();
    const unknown = await authorize(base, { client_id: 'mcpc_nope', challenge: p.challenge, redirect_uri: 'https://evil.example/steal' });
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeNull();
    expect(unknown.body).toMatchObject({ error: 'invalid_request', field: 'client_id' });
    for (const redirect of ['https://evil.example/steal', 'http://127.0.0.1:7777/callback/', 'http://127.0.0.1:7778/callback', 'http://localhost:7777/callback']) {
      const mismatch = await authorize(base, { client_id: client, challenge: p.challenge, redirect_uri: redirect });
      expect(mismatch.status).toBe(400);
      expect(mismatch.location).toBeNull();
      expect(mismatch.body).toMatchObject({ error: 'invalid_request', field: 'redirect_uri' });
    }
  });

  it.each([
    ['plain PKCE', { method: 'plain' }, 'invalid_request'],
    ['no PKCE method', { method: '' }, 'invalid_request'],
    ['a malformed challenge', { challenge: 'short' }, 'invalid_request'],
    ['another resource', { resource: 'https://other.example/mcp' }, 'invalid_target'],
    ['an unknown scope item', { scope: 'rooms:* sync:rooms' }, 'invalid_scope'],
    ['tokens:manage', { scope: 'rooms:* tokens:manage' }, 'invalid_scope'],
    ['a repeated parameter', { extra: [['scope', 'rooms:*']] as Array<[string, string]>, scope: 'create_rooms' }, 'invalid_request'],
  ])('sends %s back to the client as an error, with state and iss', async (_what, over, error) => {
    const p = pkce();
    const res = await authorize(base, { client_id: client, challenge: p.challenge, state: 'xyz', ...over });
    expect(res.status).toBe(302);
    const back = new URL(res.location!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error, state: 'xyz', iss: base });
    expect(back.searchParams.get('error_description')).toBeTruthy();
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses response_type=token (unsupported_response_type)', async () => {
    const p = pkce();
    const url = new URL(`${base}/oauth/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'token', client_id: client, redirect_uri: REDIRECT, code_challenge: p.challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('keeps the request server-side; only a signed-in session from this origin sees or decides it', async () => {
    const p = pkce();
    const started = await authorize(base, { client_id: client, challenge: p.challenge });
    expect(started.location).toMatch(new RegExp(`^${base}/oauth/consent\\?request=oreq_`));
    // The consent URL carries a handle, not the request: nothing of the client's parameters.
    expect(started.location).not.toContain(p.challenge);
    const handle = handleOf(started.location!);
    expect((await fetch(`${base}/oauth/requests/${handle}`)).status).toBe(401);
    const shown = await fetch(`${base}/oauth/requests/${handle}`, { headers: { cookie: ada.cookie } });
    expect(await shown.json()).toMatchObject({ client_id: client, client_name: 'Test MCP client', redirect_host: '127.0.0.1:7777', redirect_local: true, scope: 'rooms:* create_rooms', resource: `${base}/mcp` });
    const crossSite = await fetch(`${base}/oauth/requests/${handle}/decision`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: ada.cookie, origin: 'https://evil.example' }, body: '{"approve":true}' });
    expect(crossSite.status).toBe(403);
    const noSession = await decide(base, '', handle, { approve: true });
    expect(noSession.status).toBe(401);
    expect((await decide(base, ada.cookie, handle, { approve: true, scope: 'rooms:* create_rooms tokens:manage' })).body).toMatchObject({ error: 'scope_denied' });
    expect((await decide(base, 'sync_session=sess_forged', handle, { approve: true })).status).toBe(401);
    // Still pending after the refusals; a narrower scope is fine, and the request is then used up.
    const ok = await decide(base, ada.cookie, handle, { approve: true, scope: 'rooms:*:read' });
    expect(ok.status).toBe(200);
    expect((await decide(base, ada.cookie, handle, { approve: true })).body).toMatchObject({ error: 'not_found' });
    const code = new URL(ok.body.redirect).searchParams.get('code')!;
    expect((await exchange(code, p)).body.scope).toBe('rooms:*:read');
  });

  it('a denial goes back with access_denied, state and iss', async () => {
    const p = pkce();
    const started = await authorize(base, { client_id: client, challenge: p.challenge, state: 's-deny' });
    const denied = await decide(base, ada.cookie, handleOf(started.location!), { approve: false });
    expect(Object.fromEntries(new URL(denied.body.redirect).searchParams)).toEqual({ error: 'access_denied', error_description: 'The user denied the request.', state: 's-deny', iss: base });
  });
});

describe('token endpoint', () => {
  it('exchanges a code once with the right verifier; the grant is audience-bound to /mcp', async () => {
    const p = pkce();
    const { code, redirect } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge, state: 's1' });
    expect(redirect.searchParams.get('state')).toBe('s1');
    expect(redirect.searchParams.get('iss')).toBe(base);
    expect(code).toMatch(/^code_/);
    const res = await exchange(code, p);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^tok_/), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.stringMatching(/^ref_/), scope: 'rooms:* create_rooms' });
    expect(await mcpStatus(res.body.access_token)).toBe(200);
    // Issued for /mcp: the HTTP API refuses it (RFC 8707 audience).
    const http = await rooms(res.body.access_token);
    expect(http.status).toBe(401);
    expect(await http.json()).toMatchObject({ error: 'invalid_token', resource: `${base}/mcp` });
  });

  it('a wrong verifier fails and burns the code', async () => {
    const p = pkce();
    const { code } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge });
    const wrong = await exchange(code, p, { code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('PKCE') });
    expect((await exchange(code, p)).body.error).toBe('invalid_grant');
  });

  it('a replayed code fails and revokes the tokens its first exchange issued (and their refreshes)', async () => {
    const p = pkce();
    const { code } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge });
    const first = await exchange(code, p);
    expect(first.status).toBe(200);
    const refreshed = await token(base, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: client });
    expect(refreshed.status).toBe(200);
    const replay = await exchange(code, p);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
    expect(await mcpStatus(first.body.access_token)).toBe(401);
    expect(await mcpStatus(refreshed.body.access_token)).toBe(401);
    expect((await token(base, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: client })).body.error).toBe('invalid_grant');
  });

  it('racing exchanges of one code: at most one gets tokens, and a replay leaves none of them alive', async () => {
    for (let round = 0; round < 5; round++) {
      const p = pkce();
      const { code } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge });
      const results = await Promise.all([exchange(code, p), exchange(code, p), exchange(code, p)]);
      expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
      for (const r of results) if (r.status === 200) expect(await mcpStatus(r.body.access_token)).toBe(401);
    }
  });

  it('binds the code to its redirect URI, client and resource', async () => {
    const other = await registeredClient(base);
    for (const [over, error] of [[{ redirect_uri: 'http://127.0.0.1:7777/other' }, 'invalid_grant'], [{ client_id: other }, 'invalid_grant'], [{ resource: 'https://other.example/mcp' }, 'invalid_target']] as const) {
      const p = pkce();
      const { code } = await codeFor(base, ada.cookie, { client_id: client, challenge: p.challenge });
      const res = await exchange(code, p, over);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error, error_description: expect.any(String) });
    }
  });

  it('answers malformed requests in RFC 6749 terms', async () => {
    expect((await token(base, { grant_type: 'password', username: 'a', password: 'b' })).body).toMatchObject({ error: 'unsupported_grant_type', error_description: expect.any(String) });
    expect((await token(base, { grant_type: 'authorization_code', client_id: client })).body).toMatchObject({ error: 'invalid_request', field: 'code' });
    expect((await token(base, { grant_type: 'authorization_code', code: 'code_forged', redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: client })).body.error).toBe('invalid_grant');
    const unknownClient = await token(base, { grant_type: 'refresh_token', refresh_token: 'ref_x', client_id: 'mcpc_nobody' });
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body.error).toBe('invalid_client');
    const dup = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code' });
    expect(dup.status).toBe(400);
  });

  it('refresh rotates; a reused refresh token revokes the whole family; refresh is bound to its client', async () => {
    const first = await grant();
    const other = await registeredClient(base);
    expect((await token(base, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: other })).body.error).toBe('invalid_grant');
    const second = await token(base, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: client, resource: `${base}/mcp` });
    expect(second.status).toBe(200);
    expect(second.body.scope).toBe('rooms:* create_rooms');
    expect(await mcpStatus(first.access_token)).toBe(401);
    expect(await mcpStatus(second.body.access_token)).toBe(200);
    // The refreshed token keeps its audience.
    expect((await rooms(second.body.access_token)).status).toBe(401);
    const reuse = await token(base, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: client });
    expect(reuse.body.error).toBe('invalid_grant');
    expect(await mcpStatus(second.body.access_token)).toBe(401);
    expect((await token(base, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token, client_id: client })).body.error).toBe('invalid_grant');
  });
});

describe('an OAuth token on /mcp', () => {
  it('acts with the user\'s roles: rooms it creates are its user\'s; no create_rooms is a 403 step-up; another user\'s agent cannot be taken over', async () => {
    const ada1 = await connectMcp(base, (await grant()).access_token);
    const created = await ada1.call('sync_create_room', { id: 'oauth-room' });
    expect(created.isError, created.text).toBe(false);
    expect((await ada1.call('sync_embody', { room: 'oauth-room', agent: 'ada-agent' })).isError).toBe(false);
    const lobby = await ada1.call('sync_lobby');
    expect(lobby.body.rooms.map((r: { id: string }) => r.id)).toContain('oauth-room');
    expect(lobby.body.can_create_rooms).toBe(true);

    // Ada invites bob as a participant (through a token she mints from her session).
    const minted: any = await (await fetch(`${base}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: ada.cookie, origin: base }, body: JSON.stringify({ scope: 'rooms:oauth-room' }) })).json();
    const bob = await signedInSession(served.app, 'bob');
    expect((await fetch(`${base}/rooms/oauth-room/invite`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${minted.token}` }, body: JSON.stringify({ username: 'bob', role: 'participant' }) })).status).toBe(200);
    const p = pkce();
    const { code } = await codeFor(base, bob.cookie, { client_id: client, challenge: p.challenge }, 'rooms:*:write');
    const bobGrant = (await exchange(code, p)).body;
    const bob1 = await connectMcp(base, bobGrant.access_token);
    // No create_rooms: 403 insufficient_scope before the call runs, naming the scope to ask for (step-up).
    await expect(bob1.call('sync_create_room', { id: 'bob-room' })).rejects.toThrow(/insufficient_scope/);
    const stepUp = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bobGrant.access_token}`, 'mcp-session-id': bob1.transport.sessionId!, 'mcp-protocol-version': '2025-06-18', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'sync_create_room', arguments: { id: 'bob-room' } } }),
    });
    expect(stepUp.status).toBe(403);
    expect(await stepUp.json()).toMatchObject({ error: 'insufficient_scope', scope: 'rooms:*:write create_rooms' });
    expect(stepUp.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer resource_metadata="${base}/\\.well-known/oauth-protected-resource/mcp", error="insufficient_scope", error_description="[^"]+", scope="rooms:\\*:write create_rooms"$`));
    expect((await served.app.services.rooms.list(null, { limit: 100 })).rooms.map((r) => r.id)).not.toContain('bob-room');
    const takeover = await bob1.call('sync_embody', { room: 'oauth-room', agent: 'ada-agent' });
    expect(takeover.code).toBe('agent_exists');
    const own = await bob1.call('sync_embody', { room: 'oauth-room', agent: 'bob-agent' });
    expect(own.isError, own.text).toBe(false);
    const said = await bob1.call('sync_send_message', { room: 'oauth-room', body: 'hi from bob' });
    expect(said.isError, said.text).toBe(false);
    await ada1.close();
    await bob1.close();
  });
});

describe('rate limits', () => {
  it('registration is limited per client address', async () => {
    const limited = await serveInProcess([], { ownPublicUrl: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) statuses.push((await register(limited.url)).status);
      expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
      expect(statuses.slice(20)).toEqual([429, 429]);
      const body = await (await register(limited.url)).json();
      expect(body).toMatchObject({ error: 'too_many_requests', error_description: expect.any(String) });
    } finally {
      await limited.close();
    }
  });
});
