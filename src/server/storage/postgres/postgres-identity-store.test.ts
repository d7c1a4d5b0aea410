import { afterAll, describe, expect, it } from 'vitest';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests } from '../../../../test/support/postgres.js';
import { runIdentityStoreConformance, tokenRow } from '../conformance/identity-store-conformance.js';
import { PostgresIdentityStore } from './postgres-identity-store.js';
import { PostgresRoomStore } from './postgres-room-store.js';

const available = await postgresForTests();
afterAll(closeAdmin);

describe.skipIf(!available)('PostgreSQL identity', () => {
  runIdentityStoreConformance({ name: 'PostgresIdentityStore', create: async () => {
    const schema = await freshSchema();
    const store = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 4 });
    return { store, cleanup: async () => {
      await store.close();
      await schema.drop();
    } };
  } });

  it('a token revoked through one process is refused by another at once; the room store migrates beside it', async () => {
    const schema = await freshSchema();
    const a = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 2 });
    const b = new PostgresIdentityStore(DATABASE_URL, { schema: schema.name, poolSize: 2 });
    const rooms = new PostgresRoomStore(DATABASE_URL, { schema: schema.name, poolSize: 2 });
    try {
      await Promise.all([rooms.open(), a.countUsers(), b.countUsers()]);
      await a.insertTokens([tokenRow({ id: 't1' })]);
      expect((await b.tokenByHash('h-t1'))?.revokedAt).toBeNull();
      await a.revokeToken('t1', 7);
      expect((await b.tokenByHash('h-t1'))?.revokedAt).toBe(7);
      // both processes count rate-limit hits in one window
      await a.hit('k', 1000, 0);
      expect(await b.hit('k', 1000, 0)).toBe(2);
    } finally {
      await a.close();
      await b.close();
      await rooms.close();
      await schema.drop();
    }
  });
});
