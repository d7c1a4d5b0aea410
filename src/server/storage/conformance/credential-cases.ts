// CredentialStore conformance cases: agent credentials issued and revoked by room commits, found by hash.
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './fixtures.js';
import { commit, seedRoom } from './fixtures.js';

export function credentialCases(ctx: StoreContext): void {
  describe('agent credentials', () => {
    it('issues a credential that can be found by its hash', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { credentials: { at: 1_234, issue: { agentId: 'alice', hash: 'h-alice' } } });
      expect(await ctx.credentials.findAgentCredential('h-alice')).toStrictEqual({ hash: 'h-alice', roomId: 'r1', agentId: 'alice', createdAt: 1_234, revokedAt: null });
      expect(await ctx.credentials.roomsForCredential('h-alice')).toEqual(['r1']);
      expect(await ctx.credentials.findAgentCredential('unknown')).toBeNull();
      expect(await ctx.credentials.roomsForCredential('unknown')).toEqual([]);
    });

    it('finds rooms by room token hash and by view token hash', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      expect(await ctx.credentials.roomsForCredential('room-hash-r1')).toEqual(['r1']);
      expect(await ctx.credentials.roomsForCredential('view-hash-r2')).toEqual(['r2']);
      expect(await ctx.credentials.findAgentCredential('room-hash-r1')).toBeNull();
    });

    it('revokes every live credential of one agent in one room, once', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      await commit(ctx.store, 'r1', { credentials: { at: 10, issue: { agentId: 'alice', hash: 'a1' } } });
      await commit(ctx.store, 'r1', { credentials: { at: 11, issue: { agentId: 'bob', hash: 'b1' } } });
      await commit(ctx.store, 'r2', { credentials: { at: 12, issue: { agentId: 'alice', hash: 'a2' } } });

      await commit(ctx.store, 'r1', { credentials: { at: 20, revokeAgent: 'alice' } });
      expect(await ctx.credentials.findAgentCredential('a1')).toStrictEqual({ hash: 'a1', roomId: 'r1', agentId: 'alice', createdAt: 10, revokedAt: 20 });
      expect(await ctx.credentials.roomsForCredential('a1')).toEqual([]);
      expect(await ctx.credentials.findAgentCredential('b1')).toMatchObject({ revokedAt: null });
      expect(await ctx.credentials.findAgentCredential('a2')).toMatchObject({ roomId: 'r2', revokedAt: null });
      expect(await ctx.credentials.roomsForCredential('a2')).toEqual(['r2']);

      await commit(ctx.store, 'r1', { credentials: { at: 30, revokeAgent: 'alice' } });
      expect((await ctx.credentials.findAgentCredential('a1'))!.revokedAt).toBe(20);
    });

    it('revokes the old credential and issues the new one in the same commit (re-join)', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { credentials: { at: 10, issue: { agentId: 'alice', hash: 'old' } } });
      await commit(ctx.store, 'r1', { credentials: { at: 50, revokeAgent: 'alice', issue: { agentId: 'alice', hash: 'new' } } });
      expect(await ctx.credentials.findAgentCredential('old')).toMatchObject({ revokedAt: 50 });
      expect(await ctx.credentials.findAgentCredential('new')).toStrictEqual({ hash: 'new', roomId: 'r1', agentId: 'alice', createdAt: 50, revokedAt: null });
      expect(await ctx.credentials.roomsForCredential('old')).toEqual([]);
      expect(await ctx.credentials.roomsForCredential('new')).toEqual(['r1']);
    });
  });
}
