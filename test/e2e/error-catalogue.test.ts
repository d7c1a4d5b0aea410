// The error catalogue (sync-core §5.10 under D2): every code of ERROR_STATUS provoked by a real
// HTTP request and checked for its status, its D2 shape and its detail fields.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../src/protocol/error-codes.js';
import { createApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { MAX_WAITS_PER_AGENT } from '../../src/core/limits.js';
import { TestClient, type JsonResponse } from '../support/http-client.js';
import { inProcessApp, roomWithAgents, type TestApp } from '../support/in-process.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { softRegister } from '../support/soft-authenticator.js';

/** Codes no request in this file produces, each with the reason. Keep it honest: it must stay small. */
const UNREACHABLE: Partial<Record<ErrorCode, string>> = {
  // Node's HTTP parser rejects these before the app runs; the real-server tests in bad-input.test.ts cover them.
  headers_too_large: 'produced by the HTTP parser of a real server (bad-input.test.ts: over-long URL)',
  invalid_request: 'produced by the HTTP parser of a real server for an unparseable request line',
  user_exists: 'users are created by the operator CLI and the passkey pages, not over this API (identity-service.test.ts covers it)',
  // MCP tool errors (isError results whose text starts with the code): mcp-tools.test.ts provokes them.
  not_embodied: 'an MCP-only code (mcp-tools.test.ts: mutating tools before sync_embody)',
  agent_in_use: 'an MCP-only code (mcp-tools.test.ts: another session\'s embodied agent)',
  insufficient_scope: 'an MCP-only code (oauth.test.ts: sync_create_room from a user token without create_rooms is a 403 step-up)',
};

const produced = new Set<string>();

/** Assert a D2 error: status from the catalogue, `{error, message, ...details}`, JSON content type. */
function expectError(res: JsonResponse, code: ErrorCode, details: Record<string, unknown> = {}): void {
  expect(res.body, JSON.stringify(res.body)).toMatchObject({ error: code, ...details });
  expect(res.status).toBe(ERROR_STATUS[code]);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message).toMatch(/^\S[^\n]*\.$/);
  expect(res.body.message).not.toBe(code);
  produced.add(code);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HUNDRED = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
const RUNAWAY = `${HUNDRED}.all(x, ${HUNDRED}.all(y, ${HUNDRED}.all(z, true)))`;

describe('error catalogue (in-process, memory store)', () => {
  let t: TestApp;
  let anon: TestClient;
  let admin: TestClient;
  let viewer: TestClient;
  let alice: TestClient;
  let bob: TestClient;
  const room = 'cat';
  const register = (who: TestClient, def: Record<string, unknown>) => who.invoke(room, '_register_action', def);

  beforeAll(async () => {
    t = inProcessApp({ bodyLimit: 16_384 });
    anon = t.client;
    const r = await roomWithAgents(anon, room, ['alice', 'bob']);
    admin = anon.as(r.admin);
    viewer = anon.as(r.view);
    alice = anon.as(r.tokens.alice);
    bob = anon.as(r.tokens.bob);
  });
  afterAll(async () => {
    await t.app.close();
  });

  describe('request shape', () => {
    it('invalid_json, invalid_body, invalid_query, invalid_id', async () => {
      const json = await anon.request('POST', '/rooms', '{"id": ');
      expectError(json, 'invalid_json');
      expect(typeof json.body.detail).toBe('string');
      expectError(await anon.request('POST', '/rooms', '[]'), 'invalid_body');
      expectError(await alice.context(room, '?depth=deep'), 'invalid_query', { param: 'depth' });
      expectError(await alice.get('/rooms/-bad/context'), 'invalid_id', { id: '-bad' });
    });

    it('unsupported_media_type: a JSON route given a form body', async () => {
      const res = await anon.request('POST', '/rooms', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expectError(res, 'unsupported_media_type', { content_type: 'application/x-www-form-urlencoded' });
    });

    it('payload_too_large', async () => {
      expectError(await anon.post('/rooms', { id: 'big', meta: { pad: 'x'.repeat(20_000) } }), 'payload_too_large', { limit: 16_384 });
    });

    it('route_not_found and method_not_allowed', async () => {
      expectError(await anon.get('/nope'), 'route_not_found');
      const wrongMethod = await alice.request('DELETE', `/rooms/${room}/context`);
      expectError(wrongMethod, 'method_not_allowed', { allow: 'GET' });
      expect(wrongMethod.headers.get('allow')).toBe('GET');
      expectError(await alice.post(`/rooms/${room}/context`, {}), 'method_not_allowed', { allow: 'GET' });
      expectError(await alice.request('PUT', `/rooms/${room}`, {}), 'method_not_allowed', { allow: 'GET, PATCH, DELETE' });
    });

    it('an allowed method on a known path with a trailing slash is a 404, never a 405 that allows it', async () => {
      expectError(await alice.get(`/rooms/${room}/context/`), 'route_not_found', { hint: 'Remove the trailing slash.' });
      expectError(await alice.post(`/rooms/${room}/actions/help/invoke/`, {}), 'route_not_found');
      expectError(await anon.get('/rooms/'), 'route_not_found');
    });
  });

  describe('identity and access', () => {
    it('authentication_required, invalid_token, read_only_token', async () => {
      expectError(await anon.invoke(room, 'help'), 'authentication_required');
      expectError(await anon.as(`as_${'0'.repeat(48)}`).invoke(room, 'help'), 'invalid_token');
      expectError(await viewer.invoke(room, 'help'), 'read_only_token');
    });

    it('OAuth: invalid_redirect_uri, invalid_client_metadata, invalid_client, unsupported_grant_type, invalid_target (with error_description)', async () => {
      expectError(await anon.post('/oauth/register', { redirect_uris: ['http://evil.example/cb'] }), 'invalid_redirect_uri', { field: 'redirect_uris' });
      expectError(await anon.post('/oauth/register', { redirect_uris: ['https://app.example/cb'], grant_types: ['password'] }), 'invalid_client_metadata', { field: 'grant_types' });
      const client = (await anon.post('/oauth/register', { redirect_uris: ['https://app.example/cb'] })).body.client_id as string;
      expectError(await anon.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'ref_x', client_id: 'mcpc_nobody' }), 'invalid_client', { field: 'client_id' });
      expectError(await anon.post('/oauth/token', { grant_type: 'password', client_id: client }), 'unsupported_grant_type', { error_description: expect.any(String) });
      expectError(await anon.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'ref_x', client_id: client, resource: 'https://other.example/mcp' }), 'invalid_target', { field: 'resource' });
    });

    it('host_not_allowed: a local-mode server addressed by a name that is not loopback', async () => {
      expectError(await anon.request('GET', '/rooms', undefined, { host: 'rebound.evil.test' }), 'host_not_allowed', { host: 'rebound.evil.test' });
    });

    it('origin_not_allowed: a change sent by a page on another origin', async () => {
      expectError(await anon.request('POST', '/rooms', { id: 'csrf' }, { origin: 'https://evil.example' }), 'origin_not_allowed', { origin: 'https://evil.example' });
    });

    it('identity_mismatch names who is authenticated and who was claimed', async () => {
      expectError(await alice.invoke(room, 'help', {}, { agent: 'bob' }), 'identity_mismatch', { authenticated_as: 'alice', claimed: 'bob' });
      expectError(await register(alice, { id: 'for_bob', scope: 'bob' }), 'identity_mismatch', { scope: 'bob', authenticated_as: 'alice' });
    });

    it('scope_denied: a write into another agent\'s private scope', async () => {
      expect((await register(bob, { id: 'poke_alice', writes: [{ scope: 'alice', key: 'poked', value: true }] })).status).toBe(201);
      expectError(await bob.invoke(room, 'poke_alice'), 'scope_denied', { action: 'poke_alice', scope: 'alice' });
    });

    it('unreadable_scope: a condition that reads a private scope its author cannot read', async () => {
      expectError(await register(bob, { id: 'peek_alice', if: 'state.alice.hp > 0', writes: [] }), 'unreadable_scope', { field: 'if', scope: 'alice' });
    });

    it('admin_required: an agent PATCHes an agent', async () => {
      expectError(await alice.request('PATCH', `/rooms/${room}/agents/bob`, { role: 'boss' }), 'admin_required');
    });

    it('join_not_open: anonymous join on a server that is not in local mode', async () => {
      const local = inProcessApp();
      expect((await local.client.post('/rooms', { id: 'closed' })).status).toBe(201);
      const remote = createApp(loadConfig(['--store', 'memory', '--host', '0.0.0.0'], {}), { store: local.app.store, log: pino({ level: 'silent' }) });
      remote.setReady(true);
      const client = new TestClient('http://remote', async (url, init) => remote.http.request(url, init));
      expectError(await client.post('/rooms/closed/agents', { id: 'mallory' }), 'join_not_open');
      await local.app.close();
    });
  });

  describe('rooms and agents', () => {
    it('room_exists, room_not_found, agent_exists, agent_not_found', async () => {
      expectError(await anon.post('/rooms', { id: room }), 'room_exists', { id: room });
      expectError(await anon.get('/rooms/no-such-room'), 'room_not_found', { room: 'no-such-room' });
      expectError(await anon.post(`/rooms/${room}/agents`, { id: 'alice' }), 'agent_exists', { agent: 'alice' });
      expectError(await admin.request('PATCH', `/rooms/${room}/agents/nobody`, { role: 'x' }), 'agent_not_found', { agent: 'nobody' });
    });

    it('agent_disabled: an agent whose enabled expression is false cannot act', async () => {
      const joined = await anon.post(`/rooms/${room}/agents`, { id: 'dormant', enabled: 'state._shared.open == true' });
      expect(joined.status).toBe(201);
      expectError(await anon.as(joined.body.token).invoke(room, 'help'), 'agent_disabled', { agent: 'dormant' });
    });
  });

  describe('actions and views', () => {
    it('action_not_found, view_not_found', async () => {
      expectError(await alice.invoke(room, 'no_such_action'), 'action_not_found', { action: 'no_such_action' });
      expectError(await alice.invoke(room, '_delete_action', { id: 'no_such_action' }), 'action_not_found', { action: 'no_such_action' });
      expectError(await alice.invoke(room, '_delete_view', { id: 'no_such_view' }), 'view_not_found', { view: 'no_such_view' });
    });

    it('action_owned and view_owned (D10)', async () => {
      expect((await register(alice, { id: 'alice_only', scope: 'alice' })).status).toBe(201);
      expectError(await bob.invoke(room, '_delete_action', { id: 'alice_only' }), 'action_owned', { action: 'alice_only', owner: 'alice' });
      expectError(await register(bob, { id: 'alice_only' }), 'action_owned', { owner: 'alice' });
      expect((await alice.invoke(room, '_register_view', { id: 'alice_view', expr: 'self' })).status).toBe(201);
      expectError(await bob.invoke(room, '_delete_view', { id: 'alice_view' }), 'view_owned', { view: 'alice_view', owner: 'alice' });
    });

    it('action_cooldown carries available_at', async () => {
      expect((await register(alice, { id: 'cool', on_invoke: { timer: { ms: 180_000, effect: 'enable' } } })).status).toBe(201);
      expect((await alice.invoke(room, 'cool')).status).toBe(200);
      const before = Date.now();
      const res = await alice.invoke(room, 'cool');
      expectError(res, 'action_cooldown', { action: 'cool' });
      const at = Date.parse(res.body.available_at);
      expect(at).toBeGreaterThan(before + 170_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 180_000);
    });

    it('action_expired after a delete timer fires', async () => {
      expect((await register(alice, { id: 'fleeting', timer: { ms: 1, effect: 'delete' } })).status).toBe(201);
      await sleep(30);
      expectError(await alice.invoke(room, 'fleeting'), 'action_expired', { action: 'fleeting' });
    });

    it('action_disabled when enabled is false', async () => {
      expect((await register(alice, { id: 'never', enabled: 'false' })).status).toBe(201);
      expectError(await alice.invoke(room, 'never'), 'action_disabled', { action: 'never' });
    });

    it('invalid_definition, reserved_scope, invalid_scope, invalid_template, invalid_timer at registration', async () => {
      expectError(await register(alice, { id: 'x1', bogus: 1 }), 'invalid_definition', { field: 'bogus' });
      expectError(await register(alice, { id: 'x1', writes: [{ scope: '_actions', key: 'k', value: 1 }] }), 'reserved_scope', { scope: '_actions', field: 'writes[0]' });
      expectError(await register(alice, { id: 'x1', scope: '_tasks' }), 'invalid_scope', { scope: '_tasks' });
      expectError(await register(alice, { id: 'x1', writes: [{ key: 'k', value: '${foo}' }] }), 'invalid_template', { placeholder: '${foo}', field: 'writes[0].value' });
      expectError(await register(alice, { id: 'x1', timer: { ms: -1, effect: 'delete' } }), 'invalid_timer', { field: 'timer' });
      expectError(await register(alice, { id: 'x1', on_invoke: { timer: { ms: 5 } } }), 'invalid_timer', { field: 'on_invoke.timer' });
    });
  });

  describe('invocation', () => {
    it('missing_param, invalid_param, invalid_param_type, precondition_failed', async () => {
      const def = {
        id: 'vote',
        params: { n: { type: 'integer', required: true }, colour: { type: 'string', enum: ['red', 'blue'] } },
        if: 'params.n > 5',
        writes: [{ key: 'votes.${self}', value: '${params.n}' }],
      };
      expect((await register(alice, def)).status).toBe(201);
      expectError(await alice.invoke(room, 'vote', {}), 'missing_param', { param: 'n' });
      expectError(await alice.invoke(room, 'vote', { n: 9, colour: 'green' }), 'invalid_param', { param: 'colour', value: 'green', allowed: ['red', 'blue'] });
      expectError(await alice.invoke(room, 'vote', { n: 'seven' }), 'invalid_param_type', { param: 'n', expected: 'integer', actual: 'string' });
      expectError(await alice.invoke(room, 'vote', { n: 1 }), 'precondition_failed', { action: 'vote', expression: 'params.n > 5' });
    });

    it('the reference\'s sentence errors are identifiers now (missing_param, invalid_definition)', async () => {
      expectError(await register(alice, { description: 'no id' }), 'missing_param', { param: 'id' });
      expectError(await alice.invoke(room, '_register_view', { id: 'no_expr' }), 'missing_param', { param: 'expr' });
      expectError(await alice.invoke(room, '_delete_action', {}), 'missing_param', { param: 'id' });
      expectError(await alice.invoke(room, '_delete_view', {}), 'missing_param', { param: 'id' });
      expectError(await alice.invoke(room, '_send_message', { body: '' }), 'missing_param', { param: 'body' });
      expectError(await register(alice, { id: 'x2', writes: { key: 'k' } }), 'invalid_definition', { field: 'writes' });
    });

    it('write_key_required at registration and at invocation', async () => {
      expectError(await register(alice, { id: 'keyless', writes: [{ value: 1 }] }), 'write_key_required', { field: 'writes[0]' });
      expect((await register(alice, { id: 'keyed', writes: [{ key: '${params.k}', value: 1 }] })).status).toBe(201);
      expectError(await alice.invoke(room, 'keyed', {}), 'write_key_required', { action: 'keyed' });
    });

    it('invalid_write: incrementing a key that holds text', async () => {
      expect((await register(alice, { id: 'label', writes: [{ key: 'label', value: 'hello' }] })).status).toBe(201);
      expect((await register(alice, { id: 'bump_label', writes: [{ key: 'label', increment: 1 }] })).status).toBe(201);
      expect((await alice.invoke(room, 'label')).status).toBe(200);
      expectError(await alice.invoke(room, 'bump_label'), 'invalid_write', { action: 'bump_label', key: 'label' });
    });

    it('version_conflict and not_found from if_version', async () => {
      const def = { id: 'cas', params: { k: { type: 'string' }, v: { type: 'string' } }, writes: [{ key: '${params.k}', value: '${params.v}', if_version: '${params.v}' }] };
      expect((await register(alice, def)).status).toBe(201);
      expect((await alice.invoke(room, 'cas', { k: 'slot', v: '' })).status).toBe(200);
      const conflict = await alice.invoke(room, 'cas', { k: 'slot', v: 'deadbeefdeadbeef' });
      expectError(conflict, 'version_conflict', { expected_version: 'deadbeefdeadbeef', current: { revision: 1, value: '' } });
      expect(typeof conflict.body.current.version).toBe('string');
      expectError(await alice.invoke(room, 'cas', { k: 'missing', v: 'abc' }), 'not_found', { scope: '_shared', key: 'missing' });
    });
  });

  describe('expressions and help', () => {
    it('invalid_cel names field, stage, detail and hint', async () => {
      const res = await register(alice, { id: 'broken', if: 'state._shared.x ==' });
      expectError(res, 'invalid_cel', { field: 'if', stage: 'parse' });
      expect(typeof res.body.detail).toBe('string');
      expect(typeof res.body.hint).toBe('string');
    });

    it('cel_error from eval and cel_cost_exceeded from a runaway expression', async () => {
      const err = await alice.post(`/rooms/${room}/eval`, { expr: 'state._shared.nope' });
      expectError(err, 'cel_error', { field: 'expr', expression: 'state._shared.nope' });
      expect(err.body.detail).toMatch(/nope/);
      expectError(await alice.post(`/rooms/${room}/eval`, { expr: RUNAWAY }), 'cel_cost_exceeded', { field: 'expr' });
    });

    it('help_key_not_found lists what is available', async () => {
      const res = await alice.invoke(room, 'help', { key: 'nope' });
      expectError(res, 'help_key_not_found', { key: 'nope' });
      expect(res.body.available).toEqual(expect.arrayContaining(['guide', 'standard_library']));
    });
  });

  describe('limits', () => {
    it('too_many_waits past the pending waits an agent may hold', async () => {
      const other = inProcessApp();
      const { tokens } = await roomWithAgents(other.client, 'w', ['alice']);
      const waiter = other.client.as(tokens.alice);
      const never = `/rooms/w/wait?condition=${encodeURIComponent('state._shared.never == 1')}`;
      const parked = Array.from({ length: MAX_WAITS_PER_AGENT }, () => waiter.get(never));
      while (other.app.services.waits.stats().pending < MAX_WAITS_PER_AGENT) await sleep(5);
      expectError(await waiter.get(never), 'too_many_waits', { limit: MAX_WAITS_PER_AGENT, per: 'agent', agent: 'alice' });
      void parked;
      await other.app.close();
    });
  });

  describe('the server itself', () => {
    it('service_unavailable while not ready', async () => {
      const other = inProcessApp();
      other.app.setReady(false);
      expectError(await other.client.get('/healthz'), 'service_unavailable');
      await other.app.close();
    });

    it('identity: not_member, user_not_found, token_not_found, token_revoked, invalid_grant and the device-flow codes', async () => {
      const clock = new ManualClock();
      const other = inProcessApp({ clock });
      const identity = other.app.identity;
      await other.client.post('/rooms', { id: 'idroom' });
      const ada = await identity.createUser('ada');
      const manage = (await identity.operatorMint(ada.id, { scope: 'rooms:* create_rooms tokens:manage' })).token;
      const ada2 = other.client.as(manage);
      expectError(await ada2.get('/rooms/idroom/context'), 'not_member', { room: 'idroom' });
      const created = await ada2.post('/rooms', { id: 'owned' });
      expect(created.status).toBe(201);
      expectError(await ada2.post('/rooms/owned/invite', { username: 'nobody' }), 'user_not_found');
      expectError(await ada2.request('DELETE', '/tokens/no-such-token'), 'token_not_found');
      const minted = await ada2.post('/tokens', { scope: 'rooms:owned:read', with_refresh: true });
      expect(minted.status).toBe(201);
      expect((await ada2.request('DELETE', `/tokens/${minted.body.id}`)).status).toBe(200);
      expectError(await ada2.request('PATCH', `/tokens/${minted.body.id}`, { scope: 'rooms:owned:read' }), 'token_revoked');
      expectError(await other.client.post('/tokens/refresh', { refresh_token: minted.body.refresh_token }), 'invalid_grant');
      const start = await other.client.post('/auth/device', { scope: 'rooms:owned' });
      expectError(await other.client.post('/auth/device/token', { device_code: start.body.device_code }), 'authorization_pending');
      expectError(await other.client.post('/auth/device/token', { device_code: start.body.device_code }), 'slow_down');
      await identity.denyDevice({ kind: 'session', userId: ada.id }, start.body.user_code);
      expectError(await other.client.post('/auth/device/token', { device_code: start.body.device_code }), 'access_denied');
      const late = await other.client.post('/auth/device', {});
      clock.advance(900_000);
      expectError(await other.client.post('/auth/device/token', { device_code: late.body.device_code }), 'expired_token');
      let last: JsonResponse | null = null;
      for (let i = 0; i < 40 && last?.status !== 429; i++) last = await other.client.post('/auth/device', {});
      expectError(last!, 'too_many_requests');
      await other.app.close();
    });

    it('passkeys and recovery: the ceremony, passkey and recovery-code codes', async () => {
      const origin = 'http://localhost:8787';
      const closed = inProcessApp({ args: ['--registration', 'closed'] });
      const post = (t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) => t.client.request('POST', path, body, { origin, ...headers });
      expectError(await post(closed, '/webauthn/register/options', { username: 'ada' }), 'registration_closed');
      await closed.app.close();
      const other = inProcessApp();
      expectError(await post(other, '/webauthn/register/verify', { challengeId: 'nope', response: {} }), 'invalid_challenge');
      const opts = await post(other, '/webauthn/register/options', { username: 'ada' });
      expectError(await post(other, '/webauthn/register/verify', { challengeId: opts.body.challengeId, response: {} }), 'passkey_rejected');
      const again = await post(other, '/webauthn/register/options', { username: 'ada' });
      const done = await post(other, '/webauthn/register/verify', { challengeId: again.body.challengeId, response: softRegister(again.body.options, origin).response });
      const cookie = { cookie: (done.headers.get('set-cookie') ?? '').split(';')[0]! };
      const own = (path: string) => other.client.request('DELETE', path, undefined, { origin, ...cookie });
      expectError(await own('/auth/passkeys/not-mine'), 'passkey_not_found');
      expectError(await own(`/auth/passkeys/${done.body.passkey.id}`), 'last_passkey');
      expectError(await own('/auth/recovery/not-mine'), 'recovery_code_not_found');
      for (let i = 0; i < 3; i++) await post(other, '/auth/recovery', undefined, cookie);
      expectError(await post(other, '/auth/recovery', undefined, cookie), 'recovery_limit', { max: 3 });
      expectError(await post(other, '/recover/validate', { code: 'recover_unknown' }), 'recovery_code_invalid');
      await other.app.close();
    });

    it('internal_error keeps the D2 shape when the store fails', async () => {
      const other = inProcessApp();
      await other.client.post('/rooms', { id: 'faulty' });
      other.app.store.readLog = async () => {
        throw new Error('disk on fire');
      };
      const res = await other.client.get('/rooms/faulty/poll');
      expectError(res, 'internal_error');
      expect(JSON.stringify(res.body)).not.toMatch(/disk on fire/);
      await other.app.close();
    });
  });

  it('every catalogued code was produced above or is listed as unreachable with a reason', () => {
    const all = Object.keys(ERROR_STATUS);
    const missing = all.filter((code) => !produced.has(code) && !(code in UNREACHABLE));
    expect(missing, `codes never produced: ${missing.join(', ')}`).toEqual([]);
    for (const [code, reason] of Object.entries(UNREACHABLE)) {
      expect(all).toContain(code);
      expect(produced.has(code), `${code} is listed unreachable but was produced`).toBe(false);
      expect(reason.length).toBeGreaterThan(10);
    }
  });
});
