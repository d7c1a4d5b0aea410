// GET /auth/rooms (the management page's room list): the signed-in user's rooms with their role,
// newest first, paged; only the caller's own user's rooms, a token's within its scope; hostile
// queries refused with 400; identity on SQLite and on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentSyncClient } from '../../src/client/index.js';
import type { IdentityStore } from '../../src/core/ports/identity-store.js';
import { RATE_LIMITS } from '../../src/server/http/identity-routes.js';
import { SqliteIdentityStore } from '../../src/server/storage/sqlite/sqlite-identity-store.js';
import { PostgresIdentityStore } from '../../src/server/storage/postgres/postgres-identity-store.js';
import type { TestClient } from '../support/http-client.js';
import { inProcessApp, type TestApp } from '../support/in-process.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests } from '../support/postgres.js';
import { signedInSession } from '../support/sessions.js';

const pg = await postgresForTests();
const dir = mkdtempSync(join(tmpdir(), 'account-rooms-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAdmin();
});
let n = 0;

const BACKENDS: Array<{ name: string; skip: boolean; open(): Promise<{ store: IdentityStore; cleanup(): Promise<void> }> }> = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const store = new SqliteIdentityStore(join(dir, `identity-${n++}.db`));
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !pg,
    async open() {
      const schema = await freshSchema();
      const store = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 2 });
      return { store, cleanup: async () => (await store.close(), await schema.drop()) };
    },
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`GET /auth/rooms (identity on ${backend.name})`, () => {
    let t: TestApp;
    let env: Awaited<ReturnType<(typeof BACKENDS)[number]['open']>>;
    let ada: TestClient;
    let bob: TestClient;

    const tokenFor = async (user: string, scope: string) => t.client.as((await t.app.identity.operatorMint(user, { scope })).token);
    const asSession = async (username: string, path = '/auth/rooms') => t.client.request('GET', path, undefined, { cookie: (await signedInSession(t.app, username)).cookie });

    beforeEach(async () => {
      env = await backend.open();
      t = inProcessApp({ identityStore: env.store, args: ['--public-url', 'http://local'] });
      await t.app.identity.createUser('ada');
      await t.app.identity.createUser('bob');
      ada = await tokenFor('ada', 'create_rooms');
      bob = await tokenFor('bob', 'create_rooms');
      // Rooms get distinct creation instants, so newest-first is one order.
      for (const id of ['old', 'constructor', 'new']) {
        expect((await ada.post('/rooms', { id, label: `room ${id}` })).status).toBe(201);
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((await bob.post('/rooms', { id: 'bobs' })).status).toBe(201);
      expect((await bob.post('/rooms', { id: 'shared' })).status).toBe(201);
      expect((await bob.post('/rooms/shared/invite', { username: 'ada', role: 'observer' })).status).toBe(200);
    });
    afterEach(async () => {
      await t.app.close().catch(() => {});
      await env.cleanup();
    });

    it('lists the signed-in user’s rooms with the role, newest first, and nobody else’s', async () => {
      const res = await asSession('ada');
      expect(res.status).toBe(200);
      expect(res.body.rooms.map((r: { id: string; role: string }) => [r.id, r.role])).toEqual([['shared', 'observer'], ['new', 'owner'], ['constructor', 'owner'], ['old', 'owner']]);
      expect(res.body.rooms[1]).toMatchObject({ meta: { label: 'room new' } });
      expect(Date.parse(res.body.rooms[0].member_since)).toBeGreaterThanOrEqual(Date.parse(res.body.rooms[0].created_at));
      expect(res.body.next).toBeNull();
      const bobs = await asSession('bob');
      expect(bobs.body.rooms.map((r: { id: string; role: string }) => [r.id, r.role])).toEqual([['shared', 'owner'], ['bobs', 'owner']]);
      // a user with no rooms sees none, not everyone's
      await t.app.identity.createUser('carol');
      expect((await asSession('carol')).body).toEqual({ rooms: [], next: null });
    });

    it('pages with limit and the next cursor', async () => {
      const first = await asSession('ada', '/auth/rooms?limit=3');
      expect(first.body.rooms.map((r: { id: string }) => r.id)).toEqual(['shared', 'new', 'constructor']);
      expect(typeof first.body.next).toBe('string');
      const rest = await asSession('ada', `/auth/rooms?limit=3&after=${encodeURIComponent(first.body.next)}`);
      expect(rest.body).toMatchObject({ rooms: [{ id: 'old', role: 'owner' }], next: null });
    });

    it('the SDK reads it (myRooms) and pages with the cursor', async () => {
      const token = (await t.app.identity.operatorMint('ada', { scope: 'rooms:*:read' })).token;
      const sdk = new AgentSyncClient({ baseUrl: 'http://local', token, fetch: async (url, init) => t.app.http.request(String(url), init) });
      const first = await sdk.myRooms({ limit: 2 });
      expect(first.rooms.map((r) => `${r.id}:${r.role}`)).toEqual(['shared:observer', 'new:owner']);
      const rest = await sdk.myRooms({ limit: 2, after: first.next! });
      expect(rest.rooms.map((r) => r.id)).toEqual(['constructor', 'old']);
      await expect(new AgentSyncClient({ baseUrl: 'http://local', fetch: async (url, init) => t.app.http.request(String(url), init) }).myRooms()).rejects.toMatchObject({ code: 'authentication_required', status: 401 });
    });

    it('a token sees its user’s rooms that its scope reaches, never more (§11 item 7)', async () => {
      const narrow = await tokenFor('ada', 'rooms:old:read');
      expect((await narrow.get('/auth/rooms')).body.rooms.map((r: { id: string }) => r.id)).toEqual(['old']);
      // rooms:* reaches every room the user has a role in, and only those
      expect((await (await tokenFor('ada', 'rooms:*:read')).get('/auth/rooms')).body.rooms).toHaveLength(4);
      // a scope naming another user's room shows nothing of it
      expect((await (await tokenFor('bob', 'rooms:bobs')).get('/auth/rooms')).body.rooms.map((r: { id: string }) => r.id)).toEqual(['bobs']);
      expect((await (await tokenFor('ada', 'tokens:manage')).get('/auth/rooms')).body.rooms).toEqual([]);
    });

    it('refuses callers that are no user: nobody, legacy room and view tokens, a dead session, a recovery session', async () => {
      expect((await t.client.get('/auth/rooms')).body.error).toBe('authentication_required');
      const legacy = await ada.post('/rooms', { id: 'legacy' });
      expect((await t.client.as(legacy.body.token).get('/auth/rooms')).body.error).toBe('authentication_required');
      expect((await t.client.as(legacy.body.view_token).get('/auth/rooms')).body.error).toBe('authentication_required');
      expect((await t.client.as('tok_forged').get('/auth/rooms')).body.error).toBe('invalid_token');
      expect((await t.client.request('GET', '/auth/rooms', undefined, { cookie: 'sync_session=sess_forged' })).body.error).toBe('authentication_required');
      const session = await signedInSession(t.app, 'ada');
      await t.app.identity.endSession(session.secret);
      expect((await t.client.request('GET', '/auth/rooms', undefined, { cookie: session.cookie })).body.error).toBe('authentication_required');
      const recovery = await t.app.identity.startSession(session.userId, 'recovery');
      expect((await t.client.request('GET', '/auth/rooms', undefined, { cookie: `sync_session=${recovery.secret}` })).body.error).toBe('authentication_required');
      // another method on the path is a 405, not a way in
      expect((await t.client.request('POST', '/auth/rooms', {}, { cookie: session.cookie })).status).toBe(405);
    });

    it('answers hostile queries with 400 and ignores unknown parameters', async () => {
      for (const query of ['limit=abc', 'limit=0', 'limit=1000000', 'limit=-1', 'after=garbage', 'after=__proto__', 'after=1_..%2f', `after=${'9'.repeat(40)}_x`]) {
        const res = await asSession('ada', `/auth/rooms?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error, query).toBe('invalid_query');
      }
      const odd = await asSession('ada', '/auth/rooms?__proto__=x&constructor=y&user=bob');
      expect(odd.body.rooms.map((r: { id: string }) => r.id)).toEqual(['shared', 'new', 'constructor', 'old']);
    });

    it('forgets a deleted room and follows a changed role at once', async () => {
      const owner = await tokenFor('ada', 'rooms:old');
      expect((await owner.request('DELETE', '/rooms/old')).status).toBe(200);
      const bobOwner = await tokenFor('bob', 'rooms:shared');
      expect((await bobOwner.post('/rooms/shared/invite', { username: 'ada', role: 'collaborator' })).status).toBe(200);
      expect((await asSession('ada')).body.rooms.map((r: { id: string; role: string }) => `${r.id}:${r.role}`)).toEqual(['shared:collaborator', 'new:owner', 'constructor:owner']);
    });

    it(`is rate limited per client (${RATE_LIMITS.account} a minute)`, async () => {
      const { cookie } = await signedInSession(t.app, 'ada');
      let last = 0;
      for (let i = 0; i <= RATE_LIMITS.account!; i++) last = (await t.client.request('GET', '/auth/rooms', undefined, { cookie })).status;
      expect(last).toBe(429);
    });
  });
}
