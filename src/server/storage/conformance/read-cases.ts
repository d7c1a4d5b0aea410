// Conformance cases for paging through the log (readLog) and messages (readMessages).
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './fixtures.js';
import { commit, logRecord, message, range, seedRoom } from './fixtures.js';

export function readCases(ctx: StoreContext): void {
  describe('reading the log and messages', () => {
    const seqs = (rows: Array<{ seq: number }>) => rows.map((r) => r.seq);

    it('pages the log newest first with before, oldest first with after, up to limit', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { log: range(1, 6).map((s) => logRecord(s)) });
      await commit(ctx.store, 'r1', { log: range(7, 10).map((s) => logRecord(s)) });
      const read = async (q: { before?: number; after?: number; limit: number }) => seqs(await ctx.store.readLog('r1', q));
      expect(await read({ limit: 3 })).toEqual([10, 9, 8]);
      expect(await read({ limit: 100 })).toEqual(range(1, 10).reverse());
      expect(await read({ before: 8, limit: 3 })).toEqual([7, 6, 5]);
      expect(await read({ before: 3, limit: 5 })).toEqual([2, 1]);
      expect(await read({ before: 1, limit: 5 })).toEqual([]);
      expect(await read({ before: 1_000, limit: 2 })).toEqual([10, 9]);
      expect(await read({ after: 0, limit: 3 })).toEqual([1, 2, 3]);
      expect(await read({ after: 2, limit: 3 })).toEqual([3, 4, 5]);
      expect(await read({ after: 7, limit: 10 })).toEqual([8, 9, 10]);
      expect(await read({ after: 10, limit: 10 })).toEqual([]);
      expect(await read({ limit: 0 })).toEqual([]);
      expect(await ctx.store.readLog('missing', { limit: 10 })).toEqual([]);
    });

    it('returns the newest messages after a seq, up to limit, in ascending order', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { messages: range(1, 10).map((s) => message(s)) });
      const read = async (after: number, limit: number) => seqs(await ctx.store.readMessages('r1', { after, limit }));
      expect(await read(0, 3)).toEqual([8, 9, 10]);
      expect(await read(0, 100)).toEqual(range(1, 10));
      expect(await read(8, 5)).toEqual([9, 10]);
      expect(await read(3, 2)).toEqual([9, 10]);
      expect(await read(6, 4)).toEqual([7, 8, 9, 10]);
      expect(await read(10, 5)).toEqual([]);
      expect(await read(0, 0)).toEqual([]);
      expect(await ctx.store.readMessages('missing', { after: 0, limit: 10 })).toEqual([]);
    });

    it('returns whole records from both reads', async () => {
      await seedRoom(ctx.store);
      const m = message(1, { body: { a: ['42'] }, to: ['bob'] });
      const l = logRecord(1, { params: { x: '1' }, writes: [{ scope: '_shared', key: 'x', value: '1' }] });
      await commit(ctx.store, 'r1', { messages: [m], log: [l] });
      expect(await ctx.store.readMessages('r1', { after: 0, limit: 1 })).toStrictEqual([m]);
      expect(await ctx.store.readLog('r1', { before: 2, limit: 1 })).toStrictEqual([l]);
    });
  });
}
