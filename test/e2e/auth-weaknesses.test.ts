// Each reference weakness of sync-auth-mcp-ui.md §11 that the server half of identity concerns,
// as a test named after it (D23), over HTTP, with the identity store on SQLite and on PostgreSQL.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { IdentityStore } from '../../src/core/ports/identity-store.js';
import { SqliteIdentityStore } from '../../src/server/storage/sqlite/sqlite-identity-store.js';
import { PostgresIdentityStore } from '../../src/server/storage/postgres/postgres-identity-store.js';
import type { TestClient } from '../support/http-client.js';
import { inProcessApp, type TestApp } from '../support/in-process.js';
import { adminQuery, closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const pg = await postgresForTests();
const dir = mkdtempSync(join(tmpdir(), 'auth-weak-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAdmin();
});
let n = 0;

interface Backend {
  name: string;
  skip: boolean;
  open(): Promise<{ store: IdentityStore; atRest(): Promise<string>; cleanup(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const sub = join(dir, `b${n++}`);
      const path = join(sub, 'identity.db');
      (await import('node:fs')).mkdirSync(sub);
      const store = new SqliteIdentityStore(path);
      return {
        store,
        // every byte of the database, its WAL included
        atRest: async () => readdirSync(sub).map((f) => readFileSync(join(sub, f)).toString('latin1')).join('\n'),
        cleanup: () => store.close(),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !pg,
    async open() {
      const schema: TestSchema = await freshSchema();
      const store = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 2 });
      return {
        store,
        atRest: async () => {
          const tables = ['users', 'passkeys', 'sessions', 'user_tokens', 'embodiments', 'device_codes', 'room_roles', 'rate_limits'];
          const rows = await Promise.all(tables.map((t) => adminQuery(`SELECT * FROM ${schema.name}.${t}`)));
          return JSON.stringify(rows);
        },
        cleanup: async () => {
          await store.close();
          await schema.drop();
        },
      };
    },
  },
];

/** The app's public URL (its own pages' Origin), also allowed by CORS: in-process requests carry no Host to compare. */
const ORIGIN = 'http://local';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`§11 weaknesses, fixed (identity on ${backend.name})`, () => {
    let t: TestApp;
    let env: Awaited<ReturnType<Backend['open']>>;
    let clock: ManualClock;
    let adaId: string;
    let ada: TestClient;
    const roomAdmin: Record<string, string> = {};

    beforeEach(async () => {
      env = await backend.open();
      clock = new ManualClock(Date.now());
      t = inProcessApp({ clock, identityStore: env.store, args: ['--public-url', ORIGIN, '--cors-origins', ORIGIN] });
      // legacy rooms first, in local mode
      roomAdmin.orphan = (await t.client.post('/rooms', { id: 'orphan' })).body.token;
      await t.client.post('/rooms/orphan/agents', { id: 'alice', state: { secret: 's3cret' } });
      adaId = (await t.app.identity.createUser('ada')).id;
      await t.app.identity.createUser('bob');
      ada = t.client.as((await t.app.identity.operatorMint('ada', { scope: 'rooms:* create_rooms tokens:manage' })).token);
      expect((await ada.post('/rooms', { id: 'lab' })).status).toBe(201);
    });
    afterEach(async () => {
      await t.app.close().catch(() => {});
      await env.cleanup();
    });

    const tokenFor = async (user: string, scope: string) => t.client.as((await t.app.identity.operatorMint(user, { scope })).token);

    it('§11.1 unlinked users read any room: no role, no access, even with rooms:*', async () => {
      const bob = await tokenFor('bob', 'rooms:*');
      for (const path of ['/rooms/lab', '/rooms/lab/context', '/rooms/lab/poll', '/rooms/orphan/context']) {
        expect((await bob.get(path)).body.error).toBe('not_member');
      }
      expect((await bob.post('/rooms/lab/eval', { expr: '1' })).body.error).toBe('not_member');
      expect((await bob.get('/rooms')).body).toEqual([]);
    });

    it('§11.2 view/observer = full read of private scopes: an observer and an unembodied writer read only the public part', async () => {
      await ada.post('/rooms/lab/agents', { id: 'carol', state: { diary: 'private' } });
      await ada.post('/rooms/lab/invite', { username: 'bob', role: 'observer' });
      const bob = await tokenFor('bob', 'rooms:lab');
      const ctx = await bob.get('/rooms/lab/context');
      expect(ctx.status).toBe(200);
      expect(JSON.stringify(ctx.body)).not.toContain('private');
      const writer = await tokenFor('ada', 'rooms:lab:write');
      expect(JSON.stringify((await writer.get('/rooms/lab/context')).body)).not.toContain('private');
    });

    it('§11.4 unauthenticated writes: with local mode over, nobody joins or creates without a token', async () => {
      expect((await t.client.post('/rooms', { id: 'x' })).body.error).toBe('authentication_required');
      expect((await t.client.post('/rooms/lab/agents', { id: 'mallory' })).body.error).toBe('join_not_open');
    });

    it('§11.5 orphan rooms: claiming needs the room token; an unlinked user cannot delete', async () => {
      const bob = await tokenFor('bob', 'rooms:*');
      expect((await bob.post('/rooms/orphan/claim', {})).body.error).toBe('admin_required');
      expect((await bob.post('/rooms/orphan/claim', { room_token: 'room_guess' })).body.error).toBe('admin_required');
      expect((await bob.request('DELETE', '/rooms/orphan')).body.error).toBe('not_member');
      expect((await bob.post('/rooms/orphan/claim', { room_token: roomAdmin.orphan })).body).toEqual({ claimed: true, room: 'orphan', role: 'owner' });
      expect((await bob.get('/rooms/orphan/context')).status).toBe(200);
    });

    it('§11.6 fail-open scope parsing: unknown items are refused where scopes enter', async () => {
      for (const scope of ['rooms:lab:foo', 'rooms:lab:agent', 'sync:rooms', 'rooms:lab:admin', '', 'rooms:lab rooms:lab:read']) {
        expect((await ada.post('/tokens', { scope })).body.error, scope).toBe('invalid_scope');
      }
      expect((await t.client.post('/auth/device', { scope: 'rooms:*:full' })).body.error).toBe('invalid_scope');
      const onlyCreate = await tokenFor('ada', 'create_rooms');
      expect((await onlyCreate.get('/rooms/lab/context')).body.error).toBe('scope_denied');
    });

    it('§11.7 token-management privilege: only a passkey session or tokens:manage; listings follow the scope', async () => {
      const plain = await tokenFor('ada', 'rooms:*');
      expect((await plain.get('/tokens')).body.error).toBe('scope_denied');
      expect((await plain.post('/tokens', { scope: 'rooms:lab:read' })).body.error).toBe('scope_denied');
      const narrow = await tokenFor('ada', 'rooms:orphan:read');
      expect((await narrow.get('/rooms')).body).toEqual([]);
      expect((await ada.get('/rooms')).body.map((r: { id: string }) => r.id)).toEqual(['lab']);
      // a passkey session: GET as is, a change only from our own origin (CSRF)
      const { secret } = await t.app.identity.startSession(adaId);
      const cookie = { cookie: `sync_session=${secret}` };
      expect((await t.client.request('GET', '/tokens', undefined, cookie)).status).toBe(200);
      expect((await t.client.request('POST', '/tokens', { scope: 'rooms:lab:read' }, cookie)).body.error).toBe('authentication_required');
      expect((await t.client.request('POST', '/tokens', { scope: 'rooms:lab:read' }, { ...cookie, origin: 'https://evil.example' })).body.error).toBe('origin_not_allowed');
      expect((await t.client.request('POST', '/tokens', { scope: 'rooms:lab:read' }, { ...cookie, origin: ORIGIN })).status).toBe(201);
    });

    it('§11.8 room creation checks: create_rooms required; a read token held by an owner neither deletes nor invites', async () => {
      const wildcard = await tokenFor('ada', 'rooms:*');
      expect((await wildcard.post('/rooms', { id: 'w' })).body.error).toBe('scope_denied');
      const read = await tokenFor('ada', 'rooms:lab:read');
      expect((await read.request('DELETE', '/rooms/lab')).body.error).toBe('admin_required');
      expect((await read.post('/rooms/lab/invite', { username: 'bob', role: 'owner' })).body.error).toBe('admin_required');
      expect((await ada.request('DELETE', '/rooms/lab')).status).toBe(200);
    });

    it('§11.10 no agent ownership: another user\'s token cannot take over an agent', async () => {
      await ada.post('/rooms/lab/agents', { id: 'alice' });
      await ada.post('/rooms/lab/invite', { username: 'bob', role: 'participant' });
      const bob = await tokenFor('bob', 'rooms:lab:write');
      expect((await bob.post('/rooms/lab/agents', { id: 'alice' })).body.error).toBe('identity_mismatch');
      expect((await bob.post('/rooms/lab/agents', { id: 'bobby' })).status).toBe(201);
      expect((await bob.invoke('lab', '_send_message', { body: 'hi' })).body).toMatchObject({ agent: 'bobby' });
      const bound = await tokenFor('bob', 'rooms:lab:agent:bobby');
      expect((await bound.post('/rooms/lab/agents', { id: 'other' })).body.error).toBe('identity_mismatch');
      expect((await bound.post('/rooms/lab/agents', {})).body.error).toBe('identity_mismatch');
      // bob drives bobby: his bound token acts as it
      expect((await bound.invoke('lab', '_send_message', { body: 'bound' })).body).toMatchObject({ agent: 'bobby' });
      // a binding to ada's agent gives bob nothing of alice's: no private scope, no acting, no re-join
      expect((await ada.post('/rooms/lab/agents', { id: 'alice', state: { diary: 'alice-private' } })).status).toBe(201);
      expect(JSON.stringify((await ada.get('/rooms/lab/context')).body)).toContain('alice-private');
      const posing = await tokenFor('bob', 'rooms:lab:agent:alice');
      expect(JSON.stringify((await posing.get('/rooms/lab/context')).body)).not.toContain('alice-private');
      expect((await posing.invoke('lab', '_send_message', { body: 'as alice' })).body.error).toBe('read_only_token');
      expect((await posing.post('/rooms/lab/agents', { id: 'alice' })).body.error).toBe('identity_mismatch');
    });

    it('§11.11 consent UI over-grants: an approval defaults to the request and never widens it', async () => {
      const start = await t.client.post('/auth/device', { scope: 'rooms:lab:read' });
      const session = { kind: 'session' as const, userId: adaId };
      await expect(t.app.identity.approveDevice(session, start.body.user_code, 'rooms:lab create_rooms')).rejects.toMatchObject({ code: 'scope_denied' });
      expect(await t.app.identity.approveDevice(session, start.body.user_code)).toEqual({ approved: true, scope: 'rooms:lab:read' });
    });

    it('§11.12 recovery sessions are too powerful: a recovery session manages nothing and approves nothing', async () => {
      const { secret } = await t.app.identity.startSession(adaId, 'recovery');
      expect((await t.client.request('GET', '/tokens', undefined, { cookie: `sync_session=${secret}` })).body.error).toBe('authentication_required');
    });

    it('§11.13 legacy callers are unrestricted: room, view and agent tokens manage no tokens', async () => {
      expect((await t.client.as(roomAdmin.orphan).get('/tokens')).body.error).toBe('authentication_required');
      expect((await t.client.as(roomAdmin.orphan).post('/tokens', { scope: 'rooms:*' })).body.error).toBe('authentication_required');
    });

    it('§11.14 expiry comparisons are wrong: a token expires at its instant', async () => {
      const short = (await ada.post('/tokens', { scope: 'rooms:lab:read', expires_in: 60 })).body.token as string;
      clock.advance(59_999);
      expect((await t.client.as(short).get('/rooms/lab/context')).status).toBe(200);
      clock.advance(1);
      expect((await t.client.as(short).get('/rooms/lab/context')).body.error).toBe('invalid_token');
    });

    it('§11.15 refresh tokens have no lifetime of their own: they do, and a replay revokes the family', async () => {
      const minted = (await ada.post('/tokens', { scope: 'rooms:lab', with_refresh: true })).body;
      expect(Date.parse(minted.refresh_expires_at) - clock.now()).toBe(30 * 86_400_000);
      const next = (await t.client.post('/tokens/refresh', { refresh_token: minted.refresh_token })).body;
      expect((await t.client.post('/tokens/refresh', { refresh_token: minted.refresh_token })).body.error).toBe('invalid_grant');
      expect((await t.client.as(next.access_token).get('/rooms/lab/context')).body.error).toBe('invalid_token');
    });

    it('§11.17 device flow gaps: RFC statuses, no device code for the page, hashed codes, attempt limits', async () => {
      const start = await t.client.post('/auth/device', {});
      const pending = await t.client.post('/auth/device/token', { device_code: start.body.device_code });
      expect([pending.status, pending.body.error]).toEqual([400, 'authorization_pending']);
      const described = await t.app.identity.describeDevice({ kind: 'session', userId: adaId }, start.body.user_code);
      expect(JSON.stringify(described)).not.toContain(start.body.device_code);
      const rest = await env.atRest();
      expect(rest).not.toContain(start.body.device_code);
      expect(rest).not.toContain(start.body.user_code.replace('-', ''));
    });

    it('§11.20 secrets in clear: tokens, refresh tokens, sessions and device codes are stored hashed', async () => {
      const minted = (await ada.post('/tokens', { scope: 'rooms:lab', with_refresh: true })).body;
      const { secret } = await t.app.identity.startSession(adaId);
      const device = (await t.client.post('/auth/device', {})).body;
      const rest = await env.atRest();
      for (const s of [minted.token, minted.refresh_token, secret, device.device_code]) expect(rest).not.toContain(s.slice(4));
    });

    it('§11.25 no rate limiting: auth endpoints answer 429 past their limit', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 32; i++) codes.push((await t.client.post('/auth/device', {})).status);
      expect(codes.slice(0, 30).every((c) => c === 200)).toBe(true);
      expect(codes.at(-1)).toBe(429);
      clock.advance(60_000);
      expect((await t.client.post('/auth/device', {})).status).toBe(200);
    });

    it('§11.26 non-revocable credentials: tokens expire by default and revoke at once', async () => {
      const minted = (await ada.post('/tokens', { scope: 'rooms:lab:read' })).body;
      expect(Date.parse(minted.expires_at) - clock.now()).toBe(30 * 86_400_000);
      expect((await ada.request('DELETE', `/tokens/${minted.id}`)).status).toBe(200);
      expect((await t.client.as(minted.token).get('/rooms/lab')).body.error).toBe('invalid_token');
    });

    it('§11.27 WebAuthn details: usernames normalised, sessions revocable server-side', async () => {
      await expect(t.app.identity.createUser('ADA')).rejects.toMatchObject({ code: 'user_exists' });
      const { secret } = await t.app.identity.startSession(adaId);
      await t.app.identity.endSession(secret);
      expect((await t.client.request('GET', '/tokens', undefined, { cookie: `sync_session=${secret}` })).body.error).toBe('authentication_required');
    });
  });
}
