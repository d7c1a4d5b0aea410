// The identity store conformance suite: memory, SQLite and PostgreSQL run these cases unchanged,
// each test on a fresh, empty store. Test support: imports vitest, never imported by the server.
import { describe, expect, it } from 'vitest';
import { perTestStore } from './per-test-store.js';
import { passkeyCeremonyCases } from './passkey-cases.js';
import type { DeviceCodeRecord, IdentityStore, TokenRecord } from '../../../core/ports/identity-store.js';

export interface IdentityStoreFactory {
  name: string;
  create(): Promise<{ store: IdentityStore; cleanup(): Promise<void> }>;
}

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function tokenRow(over: Partial<TokenRecord> & { id: string }): TokenRecord {
  return {
    kind: 'tok_', hash: `h-${over.id}`, userId: 'u1', scope: 'rooms:*', label: null, family: 'f1', pairId: null, clientId: null, resource: null,
    createdAt: T0, expiresAt: null, revokedAt: null, usedAt: null, lastUsedAt: null, ...over,
  };
}

export function deviceRow(over: Partial<DeviceCodeRecord> & { id: string }): DeviceCodeRecord {
  return {
    deviceHash: `d-${over.id}`, userCodeHash: `u-${over.id}`, clientId: 'cli', scope: 'rooms:* create_rooms', approvedScope: null,
    status: 'pending', userId: null, createdAt: T0, expiresAt: T0 + 900_000, interval: 5, lastPolledAt: null, ...over,
  };
}

export function runIdentityStoreConformance(factory: IdentityStoreFactory): void {
  describe(`IdentityStore conformance: ${factory.name}`, () => {
    const handle = perTestStore<{ store: IdentityStore; cleanup(): Promise<void> }>(() => factory.create());
    const s = () => handle().store;

    it('users: unique usernames, lookups, listing in creation order, count', async () => {
      expect(await s().countUsers()).toBe(0);
      expect(await s().createUser({ id: 'u1', username: 'ada', createdAt: T0 })).toEqual({ id: 'u1', username: 'ada', createdAt: T0 });
      expect(await s().createUser({ id: 'u2', username: 'ada', createdAt: T0 + 1 })).toBeNull();
      expect(await s().createUser({ id: 'u1', username: 'bob', createdAt: T0 + 1 })).toBeNull();
      expect(await s().createUser({ id: 'u3', username: 'Ada', createdAt: T0 + 2 })).not.toBeNull();
      expect(await s().createUser({ id: 'constructor', username: '__proto__', createdAt: T0 + 3 })).not.toBeNull();
      expect((await s().userByName('ada'))?.id).toBe('u1');
      expect((await s().userByName('__proto__'))?.id).toBe('constructor');
      expect(await s().userByName('toString')).toBeNull();
      expect((await s().userById('u3'))?.username).toBe('Ada');
      expect((await s().listUsers()).map((u) => u.id)).toEqual(['u1', 'u3', 'constructor']);
      expect(await s().countUsers()).toBe(3);
    });

    it('passkeys: add once, list per user, counter updates, removal only by the owner', async () => {
      const pk = { id: 'cred-1', userId: 'u1', publicKey: 'pk', counter: 0, transports: ['internal', 'hybrid'], deviceType: 'multiDevice', backedUp: true, name: 'laptop', createdAt: T0, lastUsedAt: null };
      expect(await s().addPasskey(pk)).toBe(true);
      expect(await s().addPasskey({ ...pk, userId: 'u2' })).toBe(false);
      await s().addPasskey({ ...pk, id: 'cred-2', backedUp: false, transports: [], deviceType: null, name: null, createdAt: T0 + 1 });
      expect((await s().passkey('cred-2'))?.name).toBeNull();
      expect(await s().passkey('cred-1')).toEqual(pk);
      await s().touchPasskey('cred-1', 7, T0 + 5);
      expect(await s().passkey('cred-1')).toMatchObject({ counter: 7, lastUsedAt: T0 + 5 });
      expect((await s().passkeysOf('u1')).map((p) => p.id)).toEqual(['cred-1', 'cred-2']);
      expect(await s().removePasskey('u2', 'cred-1')).toBe(false);
      expect(await s().removePasskey('u1', 'cred-1')).toBe(true);
      expect(await s().passkey('cred-1')).toBeNull();
    });

    it('sessions: stored by hash, revoked once', async () => {
      await s().createSession({ hash: 'sh', userId: 'u1', kind: 'user', createdAt: T0, expiresAt: T0 + 1000, revokedAt: null });
      expect(await s().session('sh')).toMatchObject({ userId: 'u1', kind: 'user', expiresAt: T0 + 1000, revokedAt: null });
      expect(await s().revokeSession('sh', T0 + 1)).toBe(true);
      expect(await s().revokeSession('sh', T0 + 2)).toBe(false);
      expect((await s().session('sh'))?.revokedAt).toBe(T0 + 1);
      expect(await s().session('nope')).toBeNull();
    });

    it('tokens: insert together, look up by hash and id, list per kind newest first, times round-trip', async () => {
      const access = tokenRow({ id: 't1', expiresAt: T0 + 3_600_000, label: 'ci', clientId: 'cli' });
      const refresh = tokenRow({ id: 'r1', kind: 'ref_', pairId: 't1', expiresAt: T0 + 30 * 86_400_000 });
      await s().insertTokens([access, refresh]);
      await s().insertTokens([tokenRow({ id: 't2', createdAt: T0 + 1 })]);
      expect(await s().tokenByHash('h-t1')).toEqual(access);
      expect(await s().tokenById('r1')).toEqual(refresh);
      expect((await s().tokensOf('u1', 'tok_')).map((t) => t.id)).toEqual(['t2', 't1']);
      expect((await s().tokensOf('u1', 'ref_')).map((t) => t.id)).toEqual(['r1']);
      expect(await s().tokensOf('u2', 'tok_')).toEqual([]);
      await expect(s().insertTokens([tokenRow({ id: 't3', hash: 'h-t1' })])).rejects.toThrow();
      expect(await s().tokenById('t3')).toBeNull();
    });

    it('tokens: scope changes only on live tokens; revoking takes the paired refresh token', async () => {
      await s().insertTokens([tokenRow({ id: 't1' }), tokenRow({ id: 'r1', kind: 'ref_', pairId: 't1' }), tokenRow({ id: 't2', family: 'f2' })]);
      expect(await s().setTokenScope('t1', 'rooms:a:read')).toBe(true);
      expect((await s().tokenById('t1'))?.scope).toBe('rooms:a:read');
      // compare-and-set: only from the scope the caller read
      expect(await s().setTokenScope('t1', 'rooms:a', 'rooms:b')).toBe(false);
      expect(await s().setTokenScope('t1', 'rooms:a', 'rooms:a:read')).toBe(true);
      expect((await s().tokenById('t1'))?.scope).toBe('rooms:a');
      expect(await s().revokeToken('t1', T0 + 9)).toBe(true);
      expect(await s().revokeToken('t1', T0 + 10)).toBe(false);
      expect((await s().tokenById('t1'))?.revokedAt).toBe(T0 + 9);
      expect((await s().tokenById('r1'))?.revokedAt).toBe(T0 + 9);
      expect((await s().tokenById('t2'))?.revokedAt).toBeNull();
      expect(await s().setTokenScope('t1', 'rooms:*')).toBe(false);
      expect(await s().revokeToken('missing', T0)).toBe(false);
    });

    it('refresh tokens are used once; a family is revoked together', async () => {
      await s().insertTokens([
        tokenRow({ id: 't1' }), tokenRow({ id: 'r1', kind: 'ref_', pairId: 't1' }),
        tokenRow({ id: 't2' }), tokenRow({ id: 'r2', kind: 'ref_', pairId: 't2' }), tokenRow({ id: 'x', family: 'other' }),
      ]);
      expect(await s().useRefresh('t1', T0)).toBe(false);
      const racers = await Promise.all([s().useRefresh('r1', T0 + 1), s().useRefresh('r1', T0 + 2)]);
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await s().useRefresh('r1', T0 + 3)).toBe(false);
      expect(await s().revokeFamily('f1', T0 + 4)).toBe(4);
      expect(await s().revokeFamily('f1', T0 + 5)).toBe(0);
      expect(await s().useRefresh('r2', T0 + 6)).toBe(false);
      expect((await s().tokenById('x'))?.revokedAt).toBeNull();
    });

    it('embodiments: per family and room, replaced, cleared with the room', async () => {
      await s().setEmbodiment('f1', 'u1', 'room', 'alice');
      await s().setEmbodiment('f1', 'u1', 'room', 'bob');
      await s().setEmbodiment('f2', 'u1', 'room', 'dave');
      await s().setEmbodiment('f3', 'u2', 'room', 'erin');
      await s().setEmbodiment('f1', 'u1', 'constructor', 'carol');
      expect(await s().embodiment('f1', 'room')).toBe('bob');
      expect(await s().embodiment('f9', 'room')).toBeNull();
      expect(await s().agentsOf('u1', 'room')).toEqual(['bob', 'dave']);
      expect(await s().agentsOf('u2', 'room')).toEqual(['erin']);
      expect(await s().agentsOf('u1', 'nowhere')).toEqual([]);
      await s().clearRoom('room');
      expect(await s().embodiment('f1', 'room')).toBeNull();
      expect(await s().agentsOf('u1', 'room')).toEqual([]);
      expect(await s().embodiment('f1', 'constructor')).toBe('carol');
    });

    it('device codes: unique codes, approve / deny / consume once, expiry respected', async () => {
      expect(await s().createDeviceCode(deviceRow({ id: 'd1' }))).toBe(true);
      expect(await s().createDeviceCode(deviceRow({ id: 'd2', userCodeHash: 'u-d1' }))).toBe(false);
      expect(await s().createDeviceCode(deviceRow({ id: 'd3' }))).toBe(true);
      expect((await s().deviceByUserCode('u-d1'))?.id).toBe('d1');
      await s().recordPoll('d1', T0 + 5, 10);
      expect(await s().deviceByHash('d-d1')).toMatchObject({ lastPolledAt: T0 + 5, interval: 10, status: 'pending' });
      expect(await s().consumeDevice('d1')).toBe(false);
      expect(await s().approveDevice('d1', 'u1', 'rooms:a', T0 + 900_000)).toBe(false);
      const racers = await Promise.all([s().approveDevice('d1', 'u1', 'rooms:a', T0 + 6), s().denyDevice('d1', T0 + 6)]);
      expect(racers.filter(Boolean)).toHaveLength(1);
      const d1 = await s().deviceByHash('d-d1');
      if (d1?.status === 'approved') {
        expect(d1).toMatchObject({ userId: 'u1', approvedScope: 'rooms:a' });
        expect(await s().consumeDevice('d1')).toBe(true);
        expect(await s().consumeDevice('d1')).toBe(false);
        expect((await s().deviceByHash('d-d1'))?.status).toBe('consumed');
      } else {
        expect(d1?.status).toBe('denied');
      }
      expect(await s().denyDevice('d3', T0)).toBe(true);
      expect(await s().approveDevice('d3', 'u1', 'rooms:a', T0)).toBe(false);
    });

    it('room roles: set, replace, list per room (owners first) and per user, cleared with the room', async () => {
      await s().setRole({ userId: 'u2', roomId: 'r', role: 'participant', invitedBy: 'u1', createdAt: T0 + 1 });
      await s().setRole({ userId: 'u1', roomId: 'r', role: 'owner', invitedBy: null, createdAt: T0 + 2 });
      await s().setRole({ userId: 'u1', roomId: 'constructor', role: 'observer', invitedBy: null, createdAt: T0 });
      expect((await s().roomMembers('r')).map((m) => [m.userId, m.role])).toEqual([['u1', 'owner'], ['u2', 'participant']]);
      await s().setRole({ userId: 'u2', roomId: 'r', role: 'collaborator', invitedBy: 'u1', createdAt: T0 + 9 });
      expect(await s().role('u2', 'r')).toEqual({ userId: 'u2', roomId: 'r', role: 'collaborator', invitedBy: 'u1', createdAt: T0 + 1 });
      expect((await s().roomsOf('u1')).map((m) => m.roomId)).toEqual(['constructor', 'r']);
      expect(await s().role('u3', 'r')).toBeNull();
      await s().clearRoom('r');
      expect(await s().roomMembers('r')).toEqual([]);
      expect((await s().roomsOf('u1')).map((m) => m.roomId)).toEqual(['constructor']);
    });

    it('rate-limit windows count every hit, also concurrent ones, and are purged', async () => {
      const counts = await Promise.all(Array.from({ length: 10 }, () => s().hit('ip:1', 60_000, T0 + 10)));
      expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await s().hit('ip:2', 60_000, T0 + 10)).toBe(1);
      expect(await s().hit('ip:1', 60_000, T0 + 60_000)).toBe(1);
      await s().purge(T0 + 10 * 60_000);
      expect(await s().hit('ip:1', 60_000, T0 + 10)).toBe(1);
    });

    passkeyCeremonyCases(s);

    it('tokens keep their audience (resource): null for the whole API, the MCP URL for an OAuth client\'s', async () => {
      await s().insertTokens([tokenRow({ id: 'api' }), tokenRow({ id: 'mcp', resource: 'https://sync.example/mcp', clientId: 'mcpc_1' })]);
      expect((await s().tokenById('api'))?.resource).toBeNull();
      expect(await s().tokenByHash('h-mcp')).toMatchObject({ resource: 'https://sync.example/mcp', clientId: 'mcpc_1' });
    });

    it('OAuth clients: stored with their exact redirect URIs; hostile ids are plain keys', async () => {
      const client = { id: 'mcpc_1', name: 'Desk', redirectUris: ['http://127.0.0.1:9/cb', 'https://app.example/cb?x=1'], createdAt: T0 };
      await s().oauth.createClient(client);
      await s().oauth.createClient({ ...client, id: '__proto__', name: null });
      expect(await s().oauth.client('mcpc_1')).toEqual(client);
      expect(await s().oauth.client('__proto__')).toMatchObject({ name: null });
      expect(await s().oauth.client('constructor')).toBeNull();
      await expect(s().oauth.createClient(client)).rejects.toThrow();
    });

    it('OAuth requests are decided once, never after they expire, even when decisions race', async () => {
      const request = { hash: 'rq', clientId: 'mcpc_1', redirectUri: 'http://127.0.0.1:9/cb', codeChallenge: 'c'.repeat(43), scope: 'rooms:*', resource: 'https://sync.example/mcp', state: 's', createdAt: T0, expiresAt: T0 + 600_000, decidedAt: null };
      await s().oauth.createRequest(request);
      await s().oauth.createRequest({ ...request, hash: 'old', state: null });
      expect(await s().oauth.request('rq')).toEqual(request);
      const wins = await Promise.all([1, 2, 3, 4].map(() => s().oauth.decideRequest('rq', T0 + 1)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await s().oauth.request('rq'))?.decidedAt).toBe(T0 + 1);
      expect(await s().oauth.decideRequest('old', T0 + 600_000)).toBe(false);
      expect(await s().oauth.decideRequest('missing', T0)).toBe(false);
      await s().purge(T0 + 600_001);
      expect(await s().oauth.request('rq')).toBeNull();
    });

    it('authorization codes are used once, even when exchanges race (the losers are recorded as a replay), and purged after expiry', async () => {
      const code = { hash: 'cd', clientId: 'mcpc_1', userId: 'u1', redirectUri: 'http://127.0.0.1:9/cb', codeChallenge: 'c'.repeat(43), scope: 'rooms:*', resource: 'https://sync.example/mcp', family: 'f9', createdAt: T0, expiresAt: T0 + 60_000, usedAt: null, replayedAt: null };
      await s().oauth.createCode(code);
      expect(await s().oauth.code('cd')).toEqual(code);
      const wins = await Promise.all([1, 2, 3, 4].map(() => s().oauth.useCode('cd', T0 + 5)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await s().oauth.code('cd')).toMatchObject({ usedAt: T0 + 5, replayedAt: T0 + 5 });
      await s().purge(T0 + 60_001);
      expect(await s().oauth.code('cd')).toBeNull();
    });
  });
}
