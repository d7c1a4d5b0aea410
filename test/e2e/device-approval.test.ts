// The device approval routes behind the /auth/device page (sync-auth §4.4–4.5, D22, §11 items 11
// and 17), over HTTP with a session cookie, on SQLite and on PostgreSQL: what needs a session and
// this server's Origin, narrowing without widening, wrong / used / expired codes, denial, and the
// device flow's must-show cases (pending, slow_down, denied, expired, reuse) as separate tests.
import { afterAll, describe, expect, it } from 'vitest';
import { USER_CODE_ATTEMPTS } from '../../src/core/identity/identity-service.js';
import { nodeCredentials } from '../../src/server/crypto/node-crypto.js';
import { closeWorlds, IDENTITY_BACKENDS, PUBLIC, world } from '../support/approval-world.js';
import type { JsonResponse } from '../support/http-client.js';
import { signedInSession } from '../support/sessions.js';

afterAll(closeWorlds);

for (const backend of IDENTITY_BACKENDS) describe.skipIf(backend.skip)(`device approval routes (${backend.name})`, () => {
  it('verification_uri and verification_uri_complete come from the public URL, never from Host', async () => {
    const w = await world(await backend.args());
    const start = await w.client.request('POST', '/auth/device', {}, { host: 'evil.example' });
    expect(start.body.verification_uri).toBe(`${PUBLIC}/auth/device`);
    expect(start.body.verification_uri_complete).toBe(`${PUBLIC}/auth/device?user_code=${start.body.user_code}`);
  });

  it('every route needs a passkey session, and a POST needs this server\'s Origin (CSRF)', async () => {
    const w = await world(await backend.args());
    const { user_code } = await w.start('rooms:* create_rooms');
    for (const path of ['/auth/device/lookup', '/auth/device/approve', '/auth/device/deny']) {
      expect((await w.client.post(path, { user_code })).body.error).toBe('authentication_required');
      expect((await w.page(path, { user_code }, { ...w.ada, cookie: 'sync_session=sess_forged' })).body.error).toBe('authentication_required');
      // a page on another origin: refused by the Origin check before the session is even read
      expect((await w.page(path, { user_code }, w.ada, 'https://evil.example')).body.error).toBe('origin_not_allowed');
      // a cookie-carrying POST without any Origin is not one of this server's pages either
      expect((await w.client.request('POST', path, { user_code }, { cookie: w.ada.cookie })).body.error).toBe('authentication_required');
      // nor one claiming the public origin while addressed to another host name
      expect((await w.client.request('POST', path, { user_code }, { cookie: w.ada.cookie, origin: 'https://evil.example', host: 'evil.example' })).body.error).toBe('authentication_required');
    }
    // a recovery session approves nothing (§11 item 12)
    const { secret } = await w.app.identity.startSession(w.ada.userId, 'recovery');
    expect((await w.page('/auth/device/approve', { user_code }, { ...w.ada, cookie: `sync_session=${secret}` })).body.error).toBe('authentication_required');
    // nothing of that was an approval
    expect((await w.page('/auth/device/lookup', { user_code })).status).toBe(200);
  });

  it('lookup shows the client, the code and the requested scope item by item, and the user\'s rooms; never the device code', async () => {
    const w = await world(await backend.args());
    const owner = await w.app.identity.operatorMint(w.ada.userId, { scope: 'create_rooms' });
    expect((await w.client.as(owner.token).post('/rooms', { id: 'lab' })).status).toBe(201);
    const start = await w.start('rooms:* rooms:lab:read create_rooms');
    const looked = await w.page('/auth/device/lookup', { user_code: start.user_code.toLowerCase().replace('-', '') });
    expect(looked.status).toBe(200);
    expect(looked.body).toMatchObject({
      user_code: start.user_code,
      client_id: 'test-cli',
      scope: 'rooms:* rooms:lab:read create_rooms',
      requested: { wildcard: 'full', rooms: [{ room: 'lab', level: 'read', agent: null }], create_rooms: true, tokens_manage: false },
      rooms: [{ room: 'lab', role: 'owner' }],
    });
    expect(JSON.stringify(looked.body)).not.toContain(start.device_code);
  });

  it('§11.11 consent UI over-grants: approve narrows the request; a wider scope in the body is refused and nothing is approved', async () => {
    const w = await world(await backend.args());
    const start = await w.start('rooms:*:write create_rooms');
    for (const wider of ['rooms:*', 'rooms:*:write create_rooms tokens:manage', 'rooms:*:write rooms:x create_rooms', 'sync:rooms']) {
      const refused = await w.page('/auth/device/approve', { user_code: start.user_code, scope: wider });
      expect([refused.status, refused.body.error]).toEqual(wider === 'sync:rooms' ? [400, 'invalid_scope'] : [403, 'scope_denied']);
    }
    expect((await w.page('/auth/device/approve', { user_code: start.user_code, scope: 'rooms:*:read', extra: 1 })).body.error).toBe('invalid_body');
    expect((await w.page('/auth/device/approve', { user_code: start.user_code, scope: { __proto__: 'x' } })).body.error).toBe('invalid_scope');
    expect((await w.poll(start.device_code)).body.error).toBe('authorization_pending');
    const approved = await w.page('/auth/device/approve', { user_code: start.user_code, scope: 'rooms:*:read' });
    expect(approved.body).toEqual({ approved: true, scope: 'rooms:*:read' });
    w.clock.advance(5000);
    const grant = await w.poll(start.device_code);
    expect(grant.body.scope).toBe('rooms:*:read');
    expect((await w.client.as(grant.body.access_token).post('/rooms', { id: 'nope' })).body.error).toBe('scope_denied');
  });

  it('§11.17 device flow gaps: wrong, used and expired user codes are refused; entering codes is limited per user', async () => {
    const w = await world(await backend.args());
    expect((await w.page('/auth/device/lookup', { user_code: 'ABCD-EFGH' })).body.error).toBe('not_found');
    for (const hostile of ['', '__proto__', 'x'.repeat(40), 12345678]) {
      expect(['not_found', 'invalid_body']).toContain((await w.page('/auth/device/lookup', { user_code: hostile })).body.error);
    }
    const used = await w.start();
    expect((await w.page('/auth/device/approve', { user_code: used.user_code })).status).toBe(200);
    expect((await w.page('/auth/device/approve', { user_code: used.user_code })).body.error).toBe('not_found');
    expect((await w.page('/auth/device/deny', { user_code: used.user_code })).body.error).toBe('not_found');
    expect((await w.page('/auth/device/lookup', { user_code: used.user_code })).body.error).toBe('not_found');
    // an expired request: a device record written straight into the store with a known code
    const code = 'WXYZ2345';
    await w.app.identityStore.createDeviceCode({
      id: 'expired-1', deviceHash: nodeCredentials.hash('dev_expired'), userCodeHash: nodeCredentials.hash(code), clientId: 'cli', scope: 'rooms:*', approvedScope: null,
      status: 'pending', userId: null, createdAt: w.clock.now() - 1_000_000, expiresAt: w.clock.now() - 1, interval: 5, lastPolledAt: null,
    });
    expect((await w.page('/auth/device/lookup', { user_code: 'WXYZ-2345' })).body.error).toBe('not_found');
    expect((await w.page('/auth/device/approve', { user_code: 'WXYZ-2345' })).body.error).toBe('not_found');
    // the attempt limit is per user: bob still gets in while ada is locked out
    const fresh = await w.start();
    let last: JsonResponse | null = null;
    for (let i = 0; i <= USER_CODE_ATTEMPTS && last?.status !== 429; i++) last = await w.page('/auth/device/lookup', { user_code: `QQQQ-${String(i).padStart(4, 'Q')}` });
    expect(last!.body.error).toBe('too_many_requests');
    expect((await w.page('/auth/device/approve', { user_code: fresh.user_code })).body.error).toBe('too_many_requests');
    const bob = await signedInSession(w.app, 'bob');
    expect((await w.page('/auth/device/approve', { user_code: fresh.user_code }, bob)).status).toBe(200);
  });

  it('§11.25 no rate limiting: the approval routes answer 429 past their per-address limit', async () => {
    const w = await world(await backend.args());
    let last: JsonResponse | null = null;
    for (let i = 0; i < 80 && last?.status !== 429; i++) last = await w.client.post('/auth/device/lookup', { user_code: 'ABCD-EFGH' });
    expect(last!.body.error).toBe('too_many_requests');
    expect((await w.page('/auth/elevate/lookup', { token_id: 'x', room: 'lab' })).body.error).toBe('too_many_requests');
  });

  it('the approval page itself is served with its CSP; signed out it still loads (the page sends the visitor to sign in)', async () => {
    const w = await world(await backend.args());
    const page = await w.app.http.request('http://local/auth/device?user_code=ABCD-EFGH');
    // the built pages may be absent in a bare checkout: then 503 service_unavailable, never a 500
    expect([200, 503]).toContain(page.status);
    if (page.status === 200) {
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).not.toContain('ABCD-EFGH');
    }
  });
});

for (const backend of IDENTITY_BACKENDS) describe.skipIf(backend.skip)(`device flow must-show (${backend.name})`, () => {
  it('pending: polling before the approval answers 400 authorization_pending', async () => {
    const w = await world(await backend.args());
    const start = await w.start();
    const pending = await w.poll(start.device_code);
    expect([pending.status, pending.body.error]).toEqual([400, 'authorization_pending']);
  });

  it('slow_down: a poll within the interval answers 400 slow_down with a longer interval, which then holds', async () => {
    const w = await world(await backend.args());
    const start = await w.start();
    await w.poll(start.device_code);
    const fast = await w.poll(start.device_code);
    expect([fast.status, fast.body.error, fast.body.interval]).toEqual([400, 'slow_down', 10]);
    w.clock.advance(10_000);
    expect((await w.poll(start.device_code)).body.error).toBe('authorization_pending');
    // the longer interval holds: six seconds is now too soon
    w.clock.advance(6000);
    const again = await w.poll(start.device_code);
    expect([again.body.error, again.body.interval]).toEqual(['slow_down', 15]);
  });

  it('denied: after a denial on the page the poll answers 400 access_denied, and no token is ever issued', async () => {
    const w = await world(await backend.args());
    const start = await w.start();
    expect((await w.page('/auth/device/deny', { user_code: start.user_code })).body).toEqual({ denied: true });
    const denied = await w.poll(start.device_code);
    expect([denied.status, denied.body.error]).toEqual([400, 'access_denied']);
    expect((await w.page('/auth/device/approve', { user_code: start.user_code })).body.error).toBe('not_found');
    w.clock.advance(10_000);
    expect((await w.poll(start.device_code)).body.error).toBe('access_denied');
  });

  it('expired: past expires_in the poll answers 400 expired_token and the code cannot be approved', async () => {
    const w = await world(await backend.args());
    const start = await w.start();
    w.clock.advance(900_000);
    const expired = await w.poll(start.device_code);
    expect([expired.status, expired.body.error]).toEqual([400, 'expired_token']);
    expect((await w.page('/auth/device/approve', { user_code: start.user_code })).body.error).toBe('not_found');
  });

  it('reuse: a device code gives tokens once; its refresh token replayed revokes the family', async () => {
    const w = await world(await backend.args());
    const start = await w.start('create_rooms');
    await w.page('/auth/device/approve', { user_code: start.user_code });
    const grant = await w.poll(start.device_code);
    expect(grant.status).toBe(200);
    w.clock.advance(10_000);
    const again = await w.poll(start.device_code);
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    const rotated = await w.client.post('/tokens/refresh', { refresh_token: grant.body.refresh_token });
    expect(rotated.status).toBe(200);
    expect((await w.client.post('/tokens/refresh', { refresh_token: grant.body.refresh_token })).body.error).toBe('invalid_grant');
    expect((await w.client.as(rotated.body.access_token).post('/rooms', { id: 'after-replay' })).body.error).toBe('invalid_token');
  });

  it('POST /tokens/revoke: whoever holds a token ends its family; unknown tokens answer the same', async () => {
    const w = await world(await backend.args());
    const start = await w.start('create_rooms');
    await w.page('/auth/device/approve', { user_code: start.user_code });
    const grant = (await w.poll(start.device_code)).body;
    expect((await w.client.post('/tokens/revoke', { token: 'ref_unknown' })).body).toEqual({ revoked: true });
    expect((await w.client.post('/tokens/revoke', { token: grant.refresh_token })).body).toEqual({ revoked: true });
    expect((await w.client.as(grant.access_token).post('/rooms', { id: 'x' })).body.error).toBe('invalid_token');
    expect((await w.client.post('/tokens/refresh', { refresh_token: grant.refresh_token })).body.error).toBe('invalid_grant');
    expect((await w.client.post('/tokens/revoke', { token: 7 })).body.error).toBe('invalid_body');
  });
});
