// What MCP keeps per credential (self-narrowing, rooms gained over MCP) outlives the MCP session,
// the process (SQLite: a restart) and is shared by processes (PostgreSQL: two servers, one
// database). The credential store's rules hold on every backend: narrowing never widens, an
// admin grant is never downgraded.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { MemoryCredentialStore, postgresCredentialStore, type McpCredentialStore } from '../../src/server/mcp/credential-store.js';
import { sqliteCredentialStore } from '../../src/server/storage/sqlite/sqlite-mcp-credential-store.js';
import { PostgresRoomStore } from '../../src/server/storage/postgres/postgres-room-store.js';
import { TestClient } from '../support/http-client.js';
import { connectMcp } from '../support/mcp.js';
import { DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { startServer, tempDataDir, type ServerProcess } from '../support/server-process.js';

const available = await postgresForTests();
const servers: ServerProcess[] = [];
let schema: TestSchema | null = null;

afterEach(async () => {
  for (const s of servers.splice(0)) {
    await s.stop();
    rmSync(s.dataDir, { recursive: true, force: true });
  }
  await schema?.drop();
  schema = null;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<ServerProcess> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

function storeRules(name: string, make: () => Promise<{ store: McpCredentialStore; close(): Promise<void> }>) {
  it(`${name}: narrowing is monotonic, admin grants are never downgraded, embodiment claims are exclusive per credential and lapse, sessions end`, async () => {
    const { store, close } = await make();
    try {
      expect(await store.restrict('bearer:a', 'r', { level: 'role', role: 'worker' })).toEqual({ level: 'role', role: 'worker' });
      expect(await store.restrict('bearer:a', 'r', { level: 'role', role: 'boss' })).toEqual({ level: 'role', role: 'worker' });
      expect(await store.restrict('bearer:a', 'r', { level: 'observe' })).toEqual({ level: 'observe' });
      expect(await store.restrict('bearer:a', 'r', { level: 'role', role: 'worker' })).toEqual({ level: 'observe' });
      expect(await store.restrict('bearer:a', 'r', { level: 'revoked' })).toEqual({ level: 'revoked' });
      expect(await store.restrict('bearer:a', 'r', { level: 'observe' })).toEqual({ level: 'revoked' });
      expect(await store.restrictionOf('bearer:b', 'r')).toBeUndefined();
      await store.grant('bearer:a', 'r2', { kind: 'admin' });
      await store.grant('bearer:a', 'r2', { kind: 'agent', agentId: 'x' });
      await store.grant('bearer:a', 'constructor', { kind: 'agent', agentId: '__proto__' });
      expect([...(await store.grants('bearer:a'))].sort()).toEqual([
        ['constructor', { kind: 'agent', agentId: '__proto__' }],
        ['r2', { kind: 'admin' }],
      ]);
      await store.forgetRoom('r2');
      expect([...(await store.grants('bearer:a')).keys()]).toEqual(['constructor']);
      expect(await store.restrictionOf('bearer:a', 'r')).toEqual({ level: 'revoked' });

      // Embodiment claims: exclusive across credentials, handed over within one, lapsing with the lease.
      const claim = (principal: string, session: string, agentId: string, now: number) => store.claim({ roomId: 'r', agentId, principal, session, now, expiresAt: now + 100 });
      expect(await claim('bearer:a', 's1', 'alice', 1000)).toBe(true);
      expect(await claim('bearer:b', 's2', 'alice', 1050)).toBe(false);
      expect(await claim('bearer:a', 's3', 'alice', 1060)).toBe(true);
      expect(await store.renew('r', 'alice', 's1', 1200)).toBe(false);
      expect(await store.renew('r', 'alice', 's3', 1200)).toBe(true);
      expect([...(await store.holders('r', 1100))]).toEqual([['alice', { principal: 'bearer:a', session: 's3' }]]);
      expect([...(await store.claimsOf('s3', 1100))]).toEqual([['r', 'alice']]);
      expect((await store.claimsOf('s3', 1201)).size).toBe(0); // lapsed
      expect((await store.claimsOf('s1', 1100)).size).toBe(0); // handed over
      expect(await claim('bearer:b', 's2', 'alice', 1150)).toBe(false);
      expect(await claim('bearer:b', 's2', 'alice', 1201)).toBe(true); // the lease lapsed
      await store.release('r', { principal: 'bearer:b' });
      expect((await store.holders('r', 1201)).size).toBe(0);
      expect(await claim('bearer:c', 's4', '__proto__', 2000)).toBe(true);
      await store.release('r', { agentId: '__proto__', session: 'other' });
      expect((await store.holders('r', 2000)).get('__proto__')).toEqual({ principal: 'bearer:c', session: 's4' });
      await store.release('r', { agentId: '__proto__', session: 's4' });
      expect((await store.holders('r', 2000)).size).toBe(0);

      // MCP sessions: touched only while live, dropped when ended, or when idle since a time.
      const row = { id: 's-1', principal: 'bearer:a', protocolVersion: '2025-06-18', client: '{"clientInfo":{"name":"c","version":"1"}}', createdAt: 1000, lastUsed: 1000, subscriptions: [] };
      await store.saveSession(row);
      await store.saveSession({ ...row, principal: 'bearer:b' }); // never taken over by a second save
      expect(await store.touchSession('s-1', 1500, 1001)).toBeUndefined(); // idle since before 1001
      expect(await store.touchSession('s-1', 1500, 900)).toEqual({ ...row, lastUsed: 1500 });
      await store.setSubscriptions('s-1', ['sync://rooms/r/context', '__proto__']);
      expect((await store.touchSession('s-1', 1600, 1000))?.subscriptions).toEqual(['sync://rooms/r/context', '__proto__']);
      expect(await store.touchSession('constructor', 1600, 0)).toBeUndefined();
      await store.dropSession('s-1', 1600); // used at 1600: not idle since before it
      expect(await store.touchSession('s-1', 1700, 0)).toBeDefined();
      await store.dropSession('s-1');
      expect(await store.touchSession('s-1', 1800, 0)).toBeUndefined();
    } finally {
      await close();
    }
  });
}

describe('the credential store', () => {
  storeRules('memory', async () => ({ store: new MemoryCredentialStore(), close: async () => {} }));
  storeRules('SQLite', async () => {
    const dir = tempDataDir();
    const db = new Database(`${dir}/mcp.db`);
    return {
      store: sqliteCredentialStore(db),
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
  if (available) {
    storeRules('PostgreSQL', async () => {
      schema = await freshSchema();
      const sep = DATABASE_URL.includes('?') ? '&' : '?';
      const room = new PostgresRoomStore(`${DATABASE_URL}${sep}search_path=${schema.name}`, { poolSize: 2 });
      return { store: postgresCredentialStore(room), close: () => room.close() };
    });
  }
});

describe('narrowing outlives the session and the process (SQLite)', () => {
  it('a restarted server still holds the credential to its sync_restrict_scope and sync_revoke_access, and to rooms it created', async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    const http = new TestClient(first.url);
    const a = (await http.post('/rooms', { id: 'narrow-a' })).body;
    await http.post('/rooms', { id: 'narrow-b' });
    const bToken = (await http.post('/rooms', { id: 'narrow-c' })).body.token;
    const c = await connectMcp(first.url, a.token);
    expect((await c.call('sync_restrict_scope', { room: 'narrow-a', level: 'observe' })).isError).toBe(false);
    const b = await connectMcp(first.url, bToken);
    expect((await b.call('sync_create_room', { id: 'made-over-mcp' })).isError).toBe(false);
    expect((await b.call('sync_revoke_access', { room: 'narrow-c' })).isError).toBe(false);
    await c.close();
    await b.close();
    expect(await first.stop()).toBe(0);
    servers.splice(servers.indexOf(first), 1);

    const second = await start({ dataDir });
    const c2 = await connectMcp(second.url, a.token);
    expect((await c2.call('sync_embody', { room: 'narrow-a', agent: 'x' })).code).toBe('read_only_token');
    expect((await c2.call('sync_read_context', { room: 'narrow-a' })).body._session.access).toBe('observer');
    const b2 = await connectMcp(second.url, bToken);
    expect((await b2.call('sync_read_context', { room: 'narrow-c' })).code).toBe('scope_denied');
    expect((await b2.call('sync_embody', { room: 'made-over-mcp', agent: 'maker' })).body._session.access).toBe('admin');
    await c2.close();
    await b2.close();
  }, 60_000);
});

describe.skipIf(!available)('narrowing is shared by processes (PostgreSQL)', () => {
  it('a credential narrowed through one process is narrowed on another', async () => {
    schema = await freshSchema();
    const sep = DATABASE_URL.includes('?') ? '&' : '?';
    const env = { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema.name}` };
    const one = await start({ env });
    const two = await start({ env });
    const room = (await new TestClient(one.url).post('/rooms', { id: 'shared-narrow' })).body;
    const onOne = await connectMcp(one.url, room.token);
    const onTwo = await connectMcp(two.url, room.token);
    expect((await onTwo.call('sync_embody', { room: 'shared-narrow', agent: 'before' })).isError).toBe(false);
    expect((await onOne.call('sync_restrict_scope', { room: 'shared-narrow', level: 'observe' })).isError).toBe(false);
    expect((await onTwo.call('sync_send_message', { room: 'shared-narrow', body: 'after' })).code).toBe('read_only_token');
    expect((await onTwo.call('sync_embody', { room: 'shared-narrow', agent: 'again' })).code).toBe('read_only_token');
    // The store's rows are the credential's hash, never the token.
    const check = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    const rows = await check.unsafe('SELECT principal FROM mcp_restrictions');
    await check.end();
    expect(rows.map((r) => r.principal as string)).toEqual([expect.stringMatching(/^bearer:[A-Za-z0-9_-]+$/)]);
    expect(JSON.stringify(rows)).not.toContain(room.token);
    await onOne.close();
    await onTwo.close();
  }, 60_000);

  it('an agent embodied through one process cannot be taken by another credential through another; the same credential takes it over', async () => {
    schema = await freshSchema();
    const sep = DATABASE_URL.includes('?') ? '&' : '?';
    const env = { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema.name}` };
    const one = await start({ env });
    const two = await start({ env });
    const http = new TestClient(one.url);
    const room = (await http.post('/rooms', { id: 'shared-agents' })).body;
    const boss = (await http.as(room.token).post('/rooms/shared-agents/agents', { id: 'boss' })).body.token;
    await http.as(room.token).request('PATCH', '/rooms/shared-agents/agents/boss', { grants: ['*'] });
    const holder = await connectMcp(one.url, room.token);
    expect((await holder.call('sync_embody', { room: 'shared-agents', agent: 'alice' })).isError).toBe(false);
    const rival = await connectMcp(two.url, boss);
    expect((await rival.call('sync_embody', { room: 'shared-agents', agent: 'alice' })).code).toBe('agent_in_use');
    const lobby = (await rival.call('sync_lobby')).body;
    expect(lobby.rooms[0].agents.find((a: { id: string }) => a.id === 'alice')).toMatchObject({ in_use: true });
    const again = await connectMcp(two.url, room.token);
    expect((await again.call('sync_embody', { room: 'shared-agents', agent: 'alice' })).isError).toBe(false);
    expect((await holder.call('sync_send_message', { room: 'shared-agents', body: 'old session' })).code).toBe('not_embodied');
    expect((await again.call('sync_send_message', { room: 'shared-agents', body: 'new session' })).body.from).toBe('alice');
    for (const c of [holder, rival, again]) await c.close();
  }, 60_000);
});
