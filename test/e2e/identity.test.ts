// Identity against real server processes, on SQLite and on PostgreSQL (issue 10): the operator CLI
// writes users and tokens beside a running server, which honours them at once; a tok_ creates a
// room (owner, scope widened), joins and thereby embodies an agent (D20), acts as it; the device
// flow hands a CLI its token; a token revoked through one process is refused by another at once.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/core/identity/identity-service.js';
import type { IdentityStore } from '../../src/core/ports/identity-store.js';
import { nodeCredentials, nodeIds } from '../../src/server/crypto/node-crypto.js';
import { SqliteIdentityStore } from '../../src/server/storage/sqlite/sqlite-identity-store.js';
import { PostgresIdentityStore } from '../../src/server/storage/postgres/postgres-identity-store.js';
import { cli } from '../support/cli.js';
import { TestClient } from '../support/http-client.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

const pg = await postgresForTests();
afterAll(closeAdmin);

/** The approval page's service call (the page itself comes with the web half), made beside the server. */
function approver(store: IdentityStore): IdentityService {
  return new IdentityService({
    store, clock: { now: () => Date.now() }, credentials: nodeCredentials, ids: nodeIds, publicUrl: () => 'http://localhost',
    localModeConfigured: false, rooms: { exists: async () => false, roomTokenMatches: async () => false },
  });
}

interface Backend {
  name: string;
  skip: boolean;
  setup(): Promise<{ start(): Promise<ServerProcess>; cliArgs: string[]; identityStore(): IdentityStore; cleanup(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    async setup() {
      let dataDir = '';
      return {
        async start() {
          const server = await startServer(dataDir ? { dataDir } : {});
          dataDir = server.dataDir;
          return server;
        },
        get cliArgs() {
          return ['--data-dir', dataDir];
        },
        identityStore: () => new SqliteIdentityStore(join(dataDir, 'identity.db')),
        cleanup: async () => removeDir(dataDir),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !pg,
    async setup() {
      const schema: TestSchema = await freshSchema();
      const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema.name}`;
      const dirs: string[] = [];
      return {
        async start() {
          const server = await startServer({ env: { DATABASE_URL: url } });
          dirs.push(server.dataDir);
          return server;
        },
        cliArgs: ['--database-url', url],
        identityStore: () => new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 2 }),
        cleanup: async () => {
          for (const d of dirs) removeDir(d);
          await schema.drop();
        },
      };
    },
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`identity on real servers (${backend.name})`, () => {
    const servers: ServerProcess[] = [];
    let cleanup: (() => Promise<void>) | null = null;
    afterEach(async () => {
      for (const s of servers.splice(0)) await s.stop();
      await cleanup?.();
      cleanup = null;
    });

    it('the operator CLI works beside a running server, which honours what it wrote at once; tok_ rooms, embodiment and revocation', async () => {
      const env = await backend.setup();
      cleanup = env.cleanup;
      const server = await env.start();
      servers.push(server);
      const anon = new TestClient(server.url);
      // local mode: anyone creates rooms, until the first user exists
      expect((await anon.post('/rooms', { id: 'legacy' })).status).toBe(201);
      const made = await cli(['user', 'create', 'Ada', ...env.cliArgs]);
      expect(made.stderr).toBe('');
      expect(made.stdout).toMatch(/\tada\n$/);
      expect((await anon.post('/rooms', { id: 'nope' })).body.error).toBe('authentication_required');
      const minted = await cli(['token', 'create', '--scope', 'rooms:* create_rooms tokens:manage', '--expires-in', '1h', ...env.cliArgs]);
      expect(minted.stderr).toBe('');
      const token = minted.stdout.trim();
      expect(token).toMatch(/^tok_/);
      const ada = anon.as(token);

      const created = await ada.post('/rooms', { id: 'lab' });
      expect(created.status).toBe(201);
      expect((await ada.get('/tokens')).body.tokens[0].scope).toBe('rooms:* rooms:lab create_rooms tokens:manage');
      // unlinked rooms stay closed to a rooms:* token (§11.1)
      expect((await ada.get('/rooms/legacy/context')).body.error).toBe('not_member');
      expect((await ada.get('/rooms')).body.map((r: { id: string }) => r.id)).toEqual(['lab']);

      // D20: joining with the tok_ embodies it; the same token then acts as the agent
      const joined = await ada.post('/rooms/lab/agents', { id: 'alice' });
      expect(joined.status).toBe(201);
      expect((await ada.invoke('lab', '_register_action', { id: 'note', writes: [{ key: 'n', value: 1 }] })).status).toBe(201);
      const invoked = await ada.invoke('lab', 'note');
      expect(invoked.body).toMatchObject({ invoked: true, agent: 'alice' });

      // a narrower token minted over the API cannot act, only read
      const reader = await ada.post('/tokens', { scope: 'rooms:lab:read', label: 'dash' });
      expect(reader.status).toBe(201);
      expect((await anon.as(reader.body.token).get('/rooms/lab/context')).status).toBe(200);
      expect((await anon.as(reader.body.token).invoke('lab', 'note')).body.error).toBe('read_only_token');
      expect((await anon.as(reader.body.token).post('/tokens', { scope: 'rooms:lab' })).body.error).toBe('scope_denied');

      // the CLI lists rooms while the server runs
      const rooms = await cli(['room', 'list', ...env.cliArgs]);
      expect(rooms.stdout).toMatch(/^lab\t/m);
      expect(rooms.stdout).toMatch(/^legacy\t/m);

      // revoked through the API: refused at once
      expect((await ada.request('DELETE', `/tokens/${reader.body.id}`)).body).toEqual({ revoked: true, id: reader.body.id });
      expect((await anon.as(reader.body.token).get('/rooms/lab/context')).body.error).toBe('invalid_token');
    });

    it('device flow end to end: pending, approval beside the server, token, create a room; refresh reuse revokes the family', async () => {
      const env = await backend.setup();
      cleanup = env.cleanup;
      const server = await env.start();
      servers.push(server);
      await cli(['user', 'create', 'ada', ...env.cliArgs]);
      const anon = new TestClient(server.url);
      const start = await anon.post('/auth/device', { scope: 'rooms:* create_rooms' });
      expect(start.status).toBe(200);
      expect(start.body.verification_uri).toBe(`${server.url.replace('127.0.0.1', 'localhost')}/auth/device`);
      const pending = await anon.post('/auth/device/token', { device_code: start.body.device_code });
      expect([pending.status, pending.body.error]).toEqual([400, 'authorization_pending']);
      const store = env.identityStore();
      try {
        const user = (await store.listUsers())[0]!;
        await approver(store).approveDevice({ kind: 'session', userId: user.id }, start.body.user_code);
      } finally {
        await store.close();
      }
      // RFC 8628 clients post forms; once approved, the next poll gets the tokens
      const grant = await anon.request('POST', '/auth/device/token', `device_code=${encodeURIComponent(start.body.device_code)}&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(grant.status).toBe(200);
      expect(grant.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'rooms:* create_rooms' });
      expect((await anon.as(grant.body.access_token).post('/rooms', { id: 'from-device' })).status).toBe(201);
      const again = await anon.post('/auth/device/token', { device_code: start.body.device_code });
      expect(again.body.error).toBe('invalid_grant');

      const rotated = await anon.post('/tokens/refresh', { refresh_token: grant.body.refresh_token });
      expect(rotated.status).toBe(200);
      expect((await anon.as(rotated.body.access_token).get('/rooms/from-device/context')).status).toBe(200);
      expect((await anon.post('/tokens/refresh', { refresh_token: grant.body.refresh_token })).body.error).toBe('invalid_grant');
      expect((await anon.as(rotated.body.access_token).get('/rooms/from-device/context')).body.error).toBe('invalid_token');
    }, 30_000);

    it.skipIf(backend.name !== 'PostgreSQL')('a token revoked through one process is refused by another at once', async () => {
      const env = await backend.setup();
      cleanup = env.cleanup;
      const a = await env.start();
      const b = await env.start();
      servers.push(a, b);
      await cli(['user', 'create', 'ada', ...env.cliArgs]);
      const token = (await cli(['token', 'create', '--scope', 'rooms:* create_rooms tokens:manage', ...env.cliArgs])).stdout.trim();
      const onA = new TestClient(a.url).as(token);
      const onB = new TestClient(b.url).as(token);
      expect((await onA.post('/rooms', { id: 'shared' })).status).toBe(201);
      expect((await onB.get('/rooms/shared/context')).status).toBe(200);
      const list = await onA.get('/tokens');
      expect((await onA.request('DELETE', `/tokens/${list.body.tokens[0].id}`)).status).toBe(200);
      expect((await onB.get('/rooms/shared/context')).body.error).toBe('invalid_token');
    });
  });
}
