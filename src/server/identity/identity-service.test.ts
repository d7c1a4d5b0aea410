// The identity service on every store (memory, a real SQLite file, PostgreSQL): tokens, refresh
// rotation and reuse detection, real expiry, the device flow, roles, claiming, local mode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock.js';
import type { IdentityStore } from '../../core/ports/identity-store.js';
import type { Principal } from '../../core/identity/access.js';
import { IdentityService, USER_CODE_ATTEMPTS } from '../../core/identity/identity-service.js';
import { SyncError } from '../../core/errors.js';
import { nodeCredentials, nodeIds } from '../crypto/node-crypto.js';
import { MemoryIdentityStore } from '../storage/memory/memory-identity-store.js';
import { SqliteIdentityStore } from '../storage/sqlite/sqlite-identity-store.js';
import { PostgresIdentityStore } from '../storage/postgres/postgres-identity-store.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests } from '../../../test/support/postgres.js';

const pg = await postgresForTests();
const dir = mkdtempSync(join(tmpdir(), 'identity-svc-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAdmin();
});
let n = 0;

const STORES: Array<{ name: string; skip: boolean; open(): Promise<{ store: IdentityStore; cleanup(): Promise<void> }> }> = [
  { name: 'memory', skip: false, open: async () => { const store = new MemoryIdentityStore(); return { store, cleanup: () => store.close() }; } },
  { name: 'SQLite', skip: false, open: async () => { const store = new SqliteIdentityStore(join(dir, `s${n++}.db`)); return { store, cleanup: () => store.close() }; } },
  { name: 'PostgreSQL', skip: !pg, open: async () => {
    const schema = await freshSchema();
    const store = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 3 });
    return { store, cleanup: async () => { await store.close(); await schema.drop(); } };
  } },
];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    if (error instanceof SyncError) return error.code;
    throw error;
  }
  return 'ok';
}

for (const backend of STORES) {
  describe.skipIf(backend.skip)(`IdentityService on ${backend.name}`, () => {
    let store: IdentityStore;
    let cleanup: () => Promise<void>;
    let clock: ManualClock;
    let svc: IdentityService;
    const rooms = new Map<string, string>([['r1', 'room_secret'], ['orphan', 'room_orphan']]);
    const make = (localModeConfigured = false) => new IdentityService({
      store, clock, credentials: nodeCredentials, ids: nodeIds, publicUrl: () => 'https://sync.example',
      localModeConfigured,
      rooms: { exists: async (id) => rooms.has(id), roomTokenMatches: async (id, token) => rooms.get(id) === token },
    });
    let ada: { id: string };
    let session: Principal;

    beforeEach(async () => {
      ({ store, cleanup } = await backend.open());
      clock = new ManualClock();
      svc = make();
      ada = await svc.createUser('Ada');
      session = { kind: 'session', userId: ada.id };
      await store.setRole({ userId: ada.id, roomId: 'r1', role: 'owner', invitedBy: null, createdAt: clock.now() });
    });
    afterEach(() => cleanup());

    const asToken = async (bearer: string, room: string | null = null) => svc.principal(bearer, room);

    it('mints from a session; the listing never shows a secret; tokens expire at the instant (§11.14)', async () => {
      const minted = await svc.mint(session, { scope: 'rooms:r1:read', label: 'ci', expires_in: 120 });
      expect(minted.token).toMatch(/^tok_[A-Za-z0-9_-]{43}$/);
      const list = await svc.list(session);
      expect(JSON.stringify(list)).not.toContain(minted.token);
      expect(JSON.stringify(list)).not.toMatch(/tok_[A-Za-z0-9_-]{8}|ref_[A-Za-z0-9_-]{8}|hash/);
      expect(list.tokens).toEqual([expect.objectContaining({ id: minted.id, scope: 'rooms:r1:read', label: 'ci', revoked: false, expired: false })]);
      expect((await asToken(minted.token)).tokenId).toBe(minted.id);
      clock.advance(119_999);
      expect(await code(asToken(minted.token))).toBe('ok');
      clock.advance(1);
      expect(await code(asToken(minted.token))).toBe('invalid_token');
      expect((await svc.list(session)).tokens[0]).toMatchObject({ expired: true });
    });

    it('§11.26 non-revocable credentials: minted tokens expire by default, refresh tokens have their own expiry', async () => {
      const minted = await svc.mint(session, { scope: 'rooms:r1', with_refresh: true });
      expect(Date.parse(minted.expires_at!) - clock.now()).toBe(30 * 86_400_000);
      expect(Date.parse(minted.refresh_expires_at!) - clock.now()).toBe(30 * 86_400_000);
      expect(await code(svc.mint(session, { scope: 'rooms:r1', expires_in: 400 * 86_400 }))).toBe('invalid_body');
      await svc.revoke(session, minted.id);
      expect(await code(asToken(minted.token))).toBe('invalid_token');
      expect(await code(svc.refresh({ refresh_token: minted.refresh_token }))).toBe('invalid_grant');
    });

    it('§11.7 token-management privilege: a room token cannot list, mint, patch or revoke; tokens:manage can, within itself', async () => {
      const plain = await svc.mint(session, { scope: 'rooms:* create_rooms' });
      const p = await asToken(plain.token);
      expect(await code(svc.list(p))).toBe('scope_denied');
      expect(await code(svc.mint(p, { scope: 'rooms:r1:read' }))).toBe('scope_denied');
      expect(await code(svc.revoke(p, plain.id))).toBe('scope_denied');
      expect(await code(svc.patch(p, plain.id, { scope: 'rooms:r1' }))).toBe('scope_denied');
      const manager = await svc.mint(session, { scope: 'rooms:r1:read tokens:manage' });
      const m = await asToken(manager.token);
      expect((await svc.list(m)).tokens).toHaveLength(2);
      expect(await code(svc.mint(m, { scope: 'rooms:r1:read' }))).toBe('ok');
      // no token can widen itself or mint wider
      expect(await code(svc.mint(m, { scope: 'rooms:r1' }))).toBe('scope_denied');
      expect(await code(svc.patch(m, manager.id, { scope: 'rooms:r1 tokens:manage' }))).toBe('scope_denied');
      expect(await code(svc.patch(m, plain.id, { scope: 'rooms:*' }))).toBe('scope_denied');
      expect((await svc.patch(m, plain.id, { scope: 'rooms:r1:read' })).previous_scope).toBe('rooms:* create_rooms');
      // a session may narrow or widen within the user's own rooms
      expect(await code(svc.patch(session, plain.id, { scope: 'rooms:elsewhere' }))).toBe('not_member');
    });

    it('another user\'s token cannot be seen, patched or revoked', async () => {
      const bob = await svc.createUser('bob');
      const mine = await svc.mint(session, { scope: 'rooms:r1' });
      const bobs: Principal = { kind: 'session', userId: bob.id };
      expect((await svc.list(bobs)).tokens).toEqual([]);
      expect(await code(svc.revoke(bobs, mine.id))).toBe('token_not_found');
      expect(await code(svc.patch(bobs, mine.id, { scope: 'create_rooms' }))).toBe('token_not_found');
      expect(await code(svc.revoke(bobs, 'constructor'))).toBe('token_not_found');
    });

    it('§11.15 refresh rotates; a reused refresh token revokes its family', async () => {
      const first = await svc.mint(session, { scope: 'rooms:r1', with_refresh: true });
      const second = await svc.refresh({ refresh_token: first.refresh_token });
      expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'rooms:r1' });
      expect(await code(asToken(first.token))).toBe('invalid_token');
      expect(await code(asToken(second.access_token))).toBe('ok');
      // replaying the first refresh token: refused, and the live successor dies with its family
      expect(await code(svc.refresh({ refresh_token: first.refresh_token }))).toBe('invalid_grant');
      expect(await code(asToken(second.access_token))).toBe('invalid_token');
      expect(await code(svc.refresh({ refresh_token: second.refresh_token }))).toBe('invalid_grant');
    });

    it('concurrent refreshes with one token: one wins, the family is revoked', async () => {
      const first = await svc.mint(session, { scope: 'rooms:r1', with_refresh: true });
      const results = await Promise.all([1, 2, 3].map(() => code(svc.refresh({ refresh_token: first.refresh_token }))));
      expect(results.filter((r) => r === 'ok').length).toBeLessThanOrEqual(1);
      const live = (await svc.list(session)).tokens.filter((t) => !t.revoked);
      expect(live).toEqual([]);
    });

    it('refresh tokens expire; hostile refresh input is a clean refusal', async () => {
      const first = await svc.mint(session, { scope: 'rooms:r1', with_refresh: true, expires_in: 60 });
      clock.advance(31 * 86_400_000);
      expect(await code(svc.refresh({ refresh_token: first.refresh_token }))).toBe('invalid_grant');
      for (const bad of [{}, { refresh_token: 3 }, { refresh_token: 'x'.repeat(1000) }, { refresh_token: 'ref_nope' }, { refresh_token: first.token }]) {
        expect(['invalid_body', 'invalid_grant']).toContain(await code(svc.refresh(bad)));
      }
    });

    it('device flow: pending, slow_down, approval defaults to the requested scope, single use', async () => {
      const start = await svc.startDevice({ scope: 'rooms:r1 create_rooms' });
      expect(start).toMatchObject({ verification_uri: 'https://sync.example/auth/device', expires_in: 900, interval: 5 });
      expect(start.verification_uri_complete).toBe(`https://sync.example/auth/device?user_code=${start.user_code}`);
      expect(start.user_code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
      expect(await code(svc.pollDevice({ device_code: start.device_code }))).toBe('authorization_pending');
      clock.advance(1000);
      expect(await code(svc.pollDevice({ device_code: start.device_code }))).toBe('slow_down');
      clock.advance(10_000);
      expect(await code(svc.pollDevice({ device_code: start.device_code }))).toBe('authorization_pending');
      expect(await svc.describeDevice(session, start.user_code.toLowerCase())).toMatchObject({ scope: 'rooms:r1 create_rooms', client_id: 'cli' });
      expect(await svc.approveDevice(session, start.user_code)).toEqual({ approved: true, scope: 'rooms:r1 create_rooms' });
      clock.advance(10_000);
      const grant = await svc.pollDevice({ device_code: start.device_code });
      expect(grant).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'rooms:r1 create_rooms' });
      expect((await asToken(grant.access_token)).userId).toBe(ada.id);
      clock.advance(10_000);
      expect(await code(svc.pollDevice({ device_code: start.device_code }))).toBe('invalid_grant');
    });

    it('device flow: the approval may narrow but never widens the request (§11.11)', async () => {
      const start = await svc.startDevice({ scope: 'rooms:r1:read' });
      expect(await code(svc.approveDevice(session, start.user_code, 'rooms:r1'))).toBe('scope_denied');
      expect(await code(svc.approveDevice(session, start.user_code, 'rooms:r1:read create_rooms'))).toBe('scope_denied');
      expect(await code(svc.approveDevice(session, start.user_code, 'rooms:*'))).toBe('scope_denied');
      expect(await code(svc.approveDevice(session, start.user_code, 'rooms:r1:write'))).toBe('scope_denied');
      expect(await svc.approveDevice(session, start.user_code, 'rooms:r1:read')).toEqual({ approved: true, scope: 'rooms:r1:read' });
    });

    it('device flow: denied, expired, unknown, and approval needs a passkey session', async () => {
      const start = await svc.startDevice({});
      const token = await svc.mint(session, { scope: 'rooms:r1 tokens:manage' });
      expect(await code(svc.approveDevice(await asToken(token.token), start.user_code))).toBe('authentication_required');
      expect(await svc.denyDevice(session, start.user_code)).toEqual({ denied: true });
      expect(await code(svc.pollDevice({ device_code: start.device_code }))).toBe('access_denied');
      const late = await svc.startDevice({});
      clock.advance(900_000);
      expect(await code(svc.pollDevice({ device_code: late.device_code }))).toBe('expired_token');
      expect(await code(svc.approveDevice(session, late.user_code))).toBe('not_found');
      expect(await code(svc.pollDevice({ device_code: 'dev_unknown' }))).toBe('invalid_grant');
      expect(await code(svc.startDevice({ scope: 'rooms:x:foo' }))).toBe('invalid_scope');
    });

    it('device flow: user-code attempts are limited per user (§11.17)', async () => {
      const start = await svc.startDevice({});
      for (let i = 0; i < USER_CODE_ATTEMPTS; i++) expect(await code(svc.describeDevice(session, `WRNG-${String(i).padStart(4, 'A')}`))).toBe('not_found');
      expect(await code(svc.describeDevice(session, start.user_code))).toBe('too_many_requests');
      clock.advance(15 * 60_000);
      const later = await svc.startDevice({});
      expect(await code(svc.describeDevice(session, later.user_code))).toBe('ok');
    });

    it('room creation by a tok_ links the user as owner and adds rooms:<id> to that token', async () => {
      const minted = await svc.mint(session, { scope: 'create_rooms' });
      const p = await asToken(minted.token);
      await svc.authorize(p, null, 'create_room');
      await svc.roomCreated(p, 'fresh');
      expect((await store.role(ada.id, 'fresh'))?.role).toBe('owner');
      expect((await svc.list(session)).tokens[0]!.scope).toBe('rooms:fresh create_rooms');
      const again = await asToken(minted.token, 'fresh');
      expect((await svc.authorize(again, 'fresh', 'delete_room')).kind).toBe('admin');
    });

    it('a room created again under an old id does not inherit the old links', async () => {
      const bob = await svc.createUser('bob');
      await store.setRole({ userId: bob.id, roomId: 'reused', role: 'owner', invitedBy: null, createdAt: 0 });
      const minted = await svc.mint(session, { scope: 'create_rooms' });
      await svc.roomCreated(await asToken(minted.token), 'reused');
      expect(await store.role(bob.id, 'reused')).toBeNull();
    });

    it('invite: owners with a full token only; roles validated; unknown users 404', async () => {
      await svc.createUser('bob');
      const full = await asToken((await svc.mint(session, { scope: 'rooms:r1' })).token, 'r1');
      const read = await asToken((await svc.mint(session, { scope: 'rooms:r1:read' })).token, 'r1');
      expect(await code(svc.invite(read, 'r1', { username: 'bob' }))).toBe('admin_required');
      expect(await code(svc.invite(full, 'r1', { username: 'bob', role: 'king' }))).toBe('invalid_body');
      expect(await code(svc.invite(full, 'r1', { username: 'nobody' }))).toBe('user_not_found');
      expect(await svc.invite(full, 'r1', { username: 'BOB', role: 'observer' })).toEqual({ invited: true, username: 'bob', room: 'r1', role: 'observer' });
      expect(await code(svc.invite(full, 'r1', { username: 'ada', role: 'observer' }))).toBe('invalid_body');
    });

    it('§11.5 orphan rooms: claiming needs the room token, never just an empty room', async () => {
      const p = await asToken((await svc.mint(session, { scope: 'rooms:r1' })).token);
      expect(await code(svc.claim(p, 'orphan', {}))).toBe('admin_required');
      expect(await code(svc.claim(p, 'orphan', { room_token: 'room_wrong' }))).toBe('admin_required');
      expect(await code(svc.claim(p, 'missing', { room_token: 'x' }))).toBe('room_not_found');
      expect(await svc.claim(p, 'orphan', { room_token: 'room_orphan' })).toEqual({ claimed: true, room: 'orphan', role: 'owner' });
      expect((await store.role(ada.id, 'orphan'))?.role).toBe('owner');
      expect(await code(svc.claim(session, 'orphan', { room_token: 'room_orphan' }))).toBe('authentication_required');
    });

    it('§11.1 unlinked users read any room: a user with rooms:* and no role gets nothing', async () => {
      const bob = await svc.createUser('bob');
      const t = await svc.mint({ kind: 'session', userId: bob.id }, { scope: 'rooms:*' });
      expect(await code(svc.authorize(await asToken(t.token, 'r1'), 'r1', 'read_context'))).toBe('not_member');
    });

    it('scope_denied carries an elevate link built from the public URL', async () => {
      await store.setRole({ userId: ada.id, roomId: 'other', role: 'owner', invitedBy: null, createdAt: 0 });
      const t = await svc.mint(session, { scope: 'rooms:other' });
      try {
        await svc.authorize(await asToken(t.token, 'r1'), 'r1', 'read_context');
        expect.unreachable();
      } catch (error) {
        expect((error as SyncError).details).toMatchObject({ elevate: `https://sync.example/auth/elevate?token_id=${t.id}&room=r1` });
      }
    });

    it('D20: a token that joined an agent acts as it, also after refresh', async () => {
      const t = await svc.mint(session, { scope: 'rooms:r1:write', with_refresh: true });
      expect((await svc.authorize(await asToken(t.token, 'r1'), 'r1', 'read_context')).kind).toBe('viewer');
      await svc.embodied(await asToken(t.token, 'r1'), 'r1', 'alice');
      expect(await svc.authorize(await asToken(t.token, 'r1'), 'r1', 'invoke')).toMatchObject({ kind: 'agent', agentId: 'alice' });
      const next = await svc.refresh({ refresh_token: t.refresh_token });
      expect(await svc.authorize(await asToken(next.access_token, 'r1'), 'r1', 'invoke')).toMatchObject({ kind: 'agent', agentId: 'alice' });
    });

    it('D21: local mode ends once the first user exists, and never when configured off', async () => {
      const fresh = await backend.open();
      try {
        const local = new IdentityService({ store: fresh.store, clock, credentials: nodeCredentials, ids: nodeIds, publicUrl: () => 'http://localhost', localModeConfigured: true, rooms: { exists: async () => false, roomTokenMatches: async () => false } });
        const off = new IdentityService({ store: fresh.store, clock, credentials: nodeCredentials, ids: nodeIds, publicUrl: () => 'http://localhost', localModeConfigured: false, rooms: { exists: async () => false, roomTokenMatches: async () => false } });
        expect(await local.localMode()).toBe(true);
        expect(await off.localMode()).toBe(false);
        // a user made by another process (the operator CLI) ends it here too
        await fresh.store.createUser({ id: 'u', username: 'op', createdAt: 0 });
        expect(await local.localMode()).toBe(false);
      } finally {
        await fresh.cleanup();
      }
    });

    it('usernames are normalised and validated', async () => {
      expect(await code(svc.createUser('ADA'))).toBe('user_exists');
      expect(await code(svc.createUser('ａｄａ'))).toBe('user_exists');
      for (const bad of ['', ' ', '__proto__', 'a b', 'x'.repeat(40), 3, null]) expect(await code(svc.createUser(bad))).toBe('invalid_body');
    });
  });
}
