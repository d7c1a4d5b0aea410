// Conformance cases for atomic commits (D11): a batch that fails part-way leaves nothing behind,
// and the store keeps working afterwards.
import { describe, expect, it } from 'vitest';
import type { CommitBatch } from '../../../core/room/room-state.js';
import type { StoreContext } from './fixtures.js';
import { commit, del, entry, logRecord, message, put, seedRoom } from './fixtures.js';

export function atomicityCases(ctx: StoreContext): void {
  describe('atomic commits', () => {
    // Everything a failed commit could have touched, to compare before and after.
    const snapshot = async () => ({
      data: await ctx.store.loadRoom('r1'),
      log: await ctx.store.readLog('r1', { after: 0, limit: 1_000 }),
      messages: await ctx.store.readMessages('r1', { after: 0, limit: 1_000 }),
      creds: await Promise.all(['c-old', 'c-new'].map((h) => ctx.credentials.findAgentCredential(h))),
    });

    const seeded = async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', {
        entries: [put(entry('_shared', 'x', 1)), put(entry('_shared', 'keep', 'me', { createdAt: 1_001 }))],
        messages: [message(1)],
        log: [logRecord(1)],
        counters: { n: 1 },
        credentials: { at: 5, issue: { agentId: 'alice', hash: 'c-old' } },
      });
      return snapshot();
    };

    // A batch that would change everything, then fail on its log or messages.
    const doomed = (over: Partial<CommitBatch>): Partial<CommitBatch> => ({
      entries: [put(entry('_shared', 'x', 2, { revision: 2 })), put(entry('_shared', 'y', 'new', { createdAt: 2_000 })), del('_shared', 'keep')],
      messages: [message(2)],
      log: [logRecord(2)],
      counters: { n: 2, m: 1 },
      credentials: { at: 6, revokeAgent: 'alice', issue: { agentId: 'alice', hash: 'c-new' } },
      ...over,
    });

    const cases: Array<[string, Partial<CommitBatch>]> = [
      ['a log seq already committed', { log: [logRecord(2), logRecord(1)] }],
      ['a log seq repeated in the batch', { log: [logRecord(2), logRecord(3), logRecord(2)] }],
      ['a message seq already committed', { messages: [message(2), message(1)] }],
      ['a message seq repeated in the batch', { messages: [message(2), message(2)] }],
      ['a credential hash already issued', { credentials: { at: 6, revokeAgent: 'alice', issue: { agentId: 'bob', hash: 'c-old' } } }],
    ];

    for (const [what, over] of cases) {
      it(`rolls back a whole batch that fails on ${what}`, async () => {
        const before = await seeded();
        await expect(commit(ctx.store, 'r1', doomed(over))).rejects.toThrow();
        expect(await snapshot()).toStrictEqual(before);
        expect(before.data!.counters).toStrictEqual({ n: 1 });
        expect(before.creds[0]).toMatchObject({ revokedAt: null });
      });
    }

    it('accepts a valid commit after a failed one', async () => {
      await seeded();
      await expect(commit(ctx.store, 'r1', doomed({ log: [logRecord(1)] }))).rejects.toThrow();
      await commit(ctx.store, 'r1', doomed({}));
      const data = (await ctx.store.loadRoom('r1'))!;
      expect(data.entries.map((e) => [e.key, e.value])).toEqual([['x', 2], ['y', 'new']]);
      expect([data.messageSeq, data.logSeq]).toEqual([2, 2]);
      expect(data.counters).toStrictEqual({ n: 2, m: 1 });
      expect(await ctx.credentials.findAgentCredential('c-old')).toMatchObject({ revokedAt: 6 });
      expect(await ctx.credentials.findAgentCredential('c-new')).toMatchObject({ revokedAt: null });
    });

    it('rejects a commit to a room that does not exist and leaves no trace of it', async () => {
      await expect(commit(ctx.store, 'ghost', doomed({}))).rejects.toThrow();
      expect(await ctx.store.getRoom('ghost')).toBeNull();
      expect(await ctx.credentials.findAgentCredential('c-new')).toBeNull();
      await seedRoom(ctx.store, 'ghost');
      expect(await ctx.store.loadRoom('ghost')).toMatchObject({ entries: [], messagesTail: [], messageSeq: 0, logSeq: 0, counters: {} });
      expect(await ctx.store.readLog('ghost', { limit: 10 })).toEqual([]);
    });
  });
}
