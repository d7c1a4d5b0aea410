// Conformance cases for counters and agent credentials (issue, revoke, look-ups by hash).
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './fixtures.js';
import { commit, seedRoom } from './fixtures.js';

export function credentialCases(ctx: StoreContext): void {
  describe('counters', () => {
    it('stores counters and overwrites only the ones a batch names', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { counters: { a: 1, b: 2, zero: 0, big: 2 ** 40 } });
      await commit(ctx.store, 'r1', { counters: { a: 5 } });
      await commit(ctx.store, 'r1', {});
      expect((await ctx.store.loadRoom('r1'))!.counters).toStrictEqual({ a: 5, b: 2, zero: 0, big: 2 ** 40 });
    });
  });

  describe('agent credentials', () => {
    it('issues a credential that can be found by its hash', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { credentials: { at: 1_234, issue: { agentId: 'alice', hash: 'h-alice' } } });
      expect(await ctx.store.findAgentCredential('h-alice')).toStrictEqual({ hash: 'h-alice', roomId: 'r1', agentId: 'alice', createdAt: 1_234, revokedAt: null });
      expect(await ctx.store.roomsForCredential('h-alice')).toEqual(['r1']);
      expect(await ctx.store.findAgentCredential('unknown')).toBeNull();
      expect(await ctx.store.roomsForCredential('unknown')).toEqual([]);
    });

    it('finds rooms by room token hash and by view token hash', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      expect(await ctx.store.roomsForCredential('room-hash-r1')).toEqual(['r1']);
      expect(await ctx.store.roomsForCredential('view-hash-r2')).toEqual(['r2']);
      expect(await ctx.store.findAgentCredential('room-hash-r1')).toBeNull();
    });

    it('revokes every live credential of one agent in one room, once', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      await commit(ctx.store, 'r1', { credentials: { at: 10, issue: { agentId: 'alice', hash: 'a1' } } });
      await commit(ctx.store, 'r1', { credentials: { at: 11, issue: { agentId: 'bob', hash: 'b1' } } });
      await commit(ctx.store, 'r2', { credentials: { at: 12, issue: { agentId: 'alice', hash: 'a2' } } });

      await commit(ctx.store, 'r1', { credentials: { at: 20, revokeAgent: 'alice' } });
      expect(await ctx.store.findAgentCredential('a1')).toStrictEqual({ hash: 'a1', roomId: 'r1', agentId: 'alice', createdAt: 10, revokedAt: 20 });
      expect(await ctx.store.roomsForCredential('a1')).toEqual([]);
      expect(await ctx.store.findAgentCredential('b1')).toMatchObject({ revokedAt: null });
      expect(await ctx.store.findAgentCredential('a2')).toMatchObject({ roomId: 'r2', revokedAt: null });
      expect(await ctx.store.roomsForCredential('a2')).toEqual(['r2']);

      await commit(ctx.store, 'r1', { credentials: { at: 30, revokeAgent: 'alice' } });
      expect((await ctx.store.findAgentCredential('a1'))!.revokedAt).toBe(20);
    });

    it('revokes the old credential and issues the new one in the same commit (re-join)', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { credentials: { at: 10, issue: { agentId: 'alice', hash: 'old' } } });
      await commit(ctx.store, 'r1', { credentials: { at: 50, revokeAgent: 'alice', issue: { agentId: 'alice', hash: 'new' } } });
      expect(await ctx.store.findAgentCredential('old')).toMatchObject({ revokedAt: 50 });
      expect(await ctx.store.findAgentCredential('new')).toStrictEqual({ hash: 'new', roomId: 'r1', agentId: 'alice', createdAt: 50, revokedAt: null });
      expect(await ctx.store.roomsForCredential('old')).toEqual([]);
      expect(await ctx.store.roomsForCredential('new')).toEqual(['r1']);
    });
  });
}
