import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIdentityStoreConformance, tokenRow } from '../conformance/identity-store-conformance.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';

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
