import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIdentityStoreConformance, tokenRow } from '../conformance/identity-store-conformance.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';
import { IdentityService } from '../../../core/identity/identity-service.js';
import { nodeCredentials, nodeIds } from '../../crypto/node-crypto.js';

const dir = mkdtempSync(join(tmpdir(), 'identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runIdentityStoreConformance({ name: 'SqliteIdentityStore (a real file)', create: async () => {
  const store = new SqliteIdentityStore(join(dir, `id-${n++}.db`));
  return { store, cleanup: () => store.close() };
} });

describe('SqliteIdentityStore shared by processes', () => {
  it('two connections to one file see each other\'s writes at once (the operator CLI beside the server)', async () => {
    const path = join(dir, 'shared.db');
    const server = new SqliteIdentityStore(path);
    const cli = new SqliteIdentityStore(path);
    await cli.insertTokens([tokenRow({ id: 't1' })]);
    expect((await server.tokenByHash('h-t1'))?.revokedAt).toBeNull();
    await cli.revokeToken('t1', 5);
    expect((await server.tokenByHash('h-t1'))?.revokedAt).toBe(5);
    await cli.createUser({ id: 'u1', username: 'ada', createdAt: 1 });
    expect(await server.countUsers()).toBe(1);
    await server.close();
    await cli.close();
  });

  it('the change stamp moves with every commit, of either connection, and with nothing else', async () => {
    const path = join(dir, 'stamp.db');
    const server = new SqliteIdentityStore(path);
    const cli = new SqliteIdentityStore(path);
    const before = server.changeStamp();
    await server.countUsers();
    await server.tokenByHash('h-none');
    expect(server.changeStamp()).toBe(before);
    await cli.createUser({ id: 'u1', username: 'ada', createdAt: 1 });
    const afterCli = server.changeStamp();
    expect(afterCli).not.toBe(before);
    await server.createUser({ id: 'u2', username: 'bob', createdAt: 2 });
    expect(server.changeStamp()).not.toBe(afterCli);
    await server.close();
    await cli.close();
  });

  it('D21: local mode, asked on every request, ends at once when another process makes the first user', async () => {
    const path = join(dir, 'local.db');
    const server = new SqliteIdentityStore(path);
    const cli = new SqliteIdentityStore(path);
    const identity = new IdentityService({
      store: server, clock: { now: () => 0 }, credentials: nodeCredentials, ids: nodeIds, publicUrl: () => 'http://localhost',
      localModeConfigured: true, rooms: { exists: async () => false, roomTokenMatches: async () => false },
    });
    for (let i = 0; i < 3; i++) expect(await identity.localMode()).toBe(true);
    // a write that adds no user moves the stamp; the recount still finds none
    await cli.insertTokens([tokenRow({ id: 't1' })]);
    expect(await identity.localMode()).toBe(true);
    await cli.createUser({ id: 'u1', username: 'ada', createdAt: 1 });
    expect(await identity.localMode()).toBe(false);
    await server.close();
    await cli.close();
  });

  it('reopens a migrated file without migrating again', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteIdentityStore(path);
    await first.createUser({ id: 'u1', username: 'ada', createdAt: 1 });
    await first.close();
    const again = new SqliteIdentityStore(path);
    expect(await again.countUsers()).toBe(1);
    await again.close();
  });
});
