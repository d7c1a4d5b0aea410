// Runs the beach store conformance suite against PostgreSQL, each test in a schema of its own, and
// checks that two processes (two pools) on one database serialise their transactions on a block.
import { afterAll, describe, expect, it } from 'vitest';
import { withBlock } from '../../beach/beach-store.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests } from '../../../../test/support/postgres.js';
import { runBeachStoreConformance } from '../conformance/beach-store-conformance.js';
import { PostgresBeachStore } from './postgres-beach-store.js';
import { PostgresRoomStore } from './postgres-room-store.js';

const available = await postgresForTests();
afterAll(closeAdmin);

describe.skipIf(!available)('PostgreSQL beach', () => {
  runBeachStoreConformance({
    name: 'PostgresBeachStore',
    create: async () => {
      const schema = await freshSchema();
      const rooms = new PostgresRoomStore(DATABASE_URL, { schema: schema.name, poolSize: 6 });
      const store = new PostgresBeachStore(rooms);
      return {
        store,
        cleanup: async () => {
          await store.close();
          await rooms.close();
          await schema.drop();
        },
      };
    },
  });

  it('loses no append when two processes write one block at once', async () => {
    const schema = await freshSchema();
    const pools = [0, 1].map(() => new PostgresRoomStore(DATABASE_URL, { schema: schema.name, poolSize: 4 }));
    try {
      const stores = pools.map((p) => new PostgresBeachStore(p));
      const append = (i: number) => withBlock(stores[i % 2]!, 'shared', (record) => {
        const block = (record?.block ?? { _: 'shared' }) as Record<string, unknown>;
        const next = String(Object.keys(block).length);
        return { result: next, next: { block: { ...block, [next]: `from ${i % 2}` }, locks: {} } };
      });
      await Promise.all(Array.from({ length: 40 }, (_, i) => append(i)));
      const block = (await stores[0]!.get('shared'))!.block as Record<string, unknown>;
      expect(Object.keys(block)).toHaveLength(41);
    } finally {
      for (const p of pools) await p.close();
      await schema.drop();
    }
  });
});
