// Conformance cases for room records: create, get, list, update, delete (and what deleting removes).
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './fixtures.js';
import { commit, entry, logRecord, message, put, room, seedRoom } from './fixtures.js';

export function roomCases(ctx: StoreContext): void {
  describe('rooms', () => {
    it('creates a room and reads it back with every field', async () => {
      const record = room('r1', 1_700_000_000_123, { meta: { title: 'A room', n: 3, tags: ['a', '42'], nested: { x: null } }, viewTokenHash: null });
      expect(await ctx.store.createRoom(record)).toBe(true);
      expect(await ctx.store.getRoom('r1')).toStrictEqual(record);
      expect(await ctx.store.getRoom('nope')).toBeNull();
      expect(await ctx.store.loadRoom('nope')).toBeNull();
    });

    it('refuses a duplicate id and keeps the first room', async () => {
      const first = room('r1', 100, { meta: { v: 1 } });
      expect(await ctx.store.createRoom(first)).toBe(true);
      expect(await ctx.store.createRoom(room('r1', 200, { meta: { v: 2 }, tokenHash: 'other' }))).toBe(false);
      expect(await ctx.store.getRoom('r1')).toStrictEqual(first);
      expect(await ctx.store.listRooms()).toHaveLength(1);
    });

    it('lists rooms newest first, optionally only the given ids', async () => {
      for (const [id, at] of [['old', 100], ['new', 300], ['mid', 200]] as const) await seedRoom(ctx.store, id, at);
      expect((await ctx.store.listRooms()).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
      expect((await ctx.store.listRooms(['old', 'new', 'missing'])).map((r) => r.id)).toEqual(['new', 'old']);
      expect(await ctx.store.listRooms([])).toEqual([]);
      expect((await ctx.store.listRooms(['mid']))[0]).toStrictEqual(room('mid', 200));
    });

    it('lists the given ids exactly, whatever characters they hold', async () => {
      const ids = ['a,b', '"q"', '{x}', 'back\\slash', 'NULL', ' sp ', 'é'];
      for (const [i, id] of ids.entries()) await seedRoom(ctx.store, id, 100 + i);
      await seedRoom(ctx.store, 'a', 50);
      expect((await ctx.store.listRooms(ids)).map((r) => r.id)).toEqual([...ids].reverse());
      expect((await ctx.store.listRooms(['NULL', 'b', '{x}'])).map((r) => r.id)).toEqual(['NULL', '{x}']);
    });

    it('updates meta and token hashes but keeps the creation time', async () => {
      await seedRoom(ctx.store, 'r1', 100);
      await seedRoom(ctx.store, 'r2', 200);
      const updated = room('r1', 100, { meta: { title: 'renamed' }, tokenHash: 'rotated', viewTokenHash: null });
      await ctx.store.updateRoom(updated);
      expect(await ctx.store.getRoom('r1')).toStrictEqual(updated);
      expect(await ctx.credentials.roomsForCredential('room-hash-r1')).toEqual([]);
      expect(await ctx.credentials.roomsForCredential('view-hash-r1')).toEqual([]);
      expect(await ctx.credentials.roomsForCredential('rotated')).toEqual(['r1']);
      await ctx.store.updateRoom({ ...updated, createdAt: 999 });
      expect((await ctx.store.getRoom('r1'))?.createdAt).toBe(100);
      expect((await ctx.store.listRooms()).map((r) => r.id)).toEqual(['r2', 'r1']);
    });

    it('commits a new meta with the batch that audits it, and keeps tokens and creation time', async () => {
      const before = await seedRoom(ctx.store, 'r1', 100);
      await commit(ctx.store, 'r1', { meta: { open_join: true, label: 'x' }, log: [logRecord(1, { kind: 'room_update', detail: { meta: { open_join: true } } })] });
      expect(await ctx.store.getRoom('r1')).toStrictEqual({ ...before, meta: { open_join: true, label: 'x' } });
      const loaded = await ctx.store.loadRoom('r1');
      expect(loaded!.room.meta).toStrictEqual({ open_join: true, label: 'x' });
      expect((await ctx.store.readLog('r1', { after: 0, limit: 10 })).map((l) => l.kind)).toEqual(['room_update']);
    });

    it('commits rotated token hashes with the batch that audits them, and keeps meta', async () => {
      const before = await seedRoom(ctx.store, 'r1', 100);
      await commit(ctx.store, 'r1', { tokens: { tokenHash: 'rotated-room', viewTokenHash: null }, log: [logRecord(1, { kind: 'room_update', detail: { token: 'room' } })] });
      expect(await ctx.store.getRoom('r1')).toStrictEqual({ ...before, tokenHash: 'rotated-room', viewTokenHash: null });
      expect((await ctx.store.loadRoom('r1'))!.room.tokenHash).toBe('rotated-room');
      expect(await ctx.credentials.roomsForCredential('rotated-room')).toEqual(['r1']);
      expect(await ctx.credentials.roomsForCredential('room-hash-r1')).toEqual([]);
    });

    it('does not create a room by updating one that does not exist', async () => {
      await ctx.store.updateRoom(room('ghost'));
      expect(await ctx.store.getRoom('ghost')).toBeNull();
      expect(await ctx.store.listRooms()).toEqual([]);
    });

    it('deletes a room with its entries, messages, log, counters and credentials', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      const full = {
        entries: [put(entry('_shared', 'k', 1))],
        messages: [message(1, { to: ['bob'] })],
        log: [logRecord(1)],
        counters: { ticks: 4 },
      };
      await commit(ctx.store, 'r1', { ...full, credentials: { at: 10, issue: { agentId: 'alice', hash: 'cred-r1' } } });
      await commit(ctx.store, 'r2', { ...full, credentials: { at: 10, issue: { agentId: 'alice', hash: 'cred-r2' } } });
      const r2Before = await ctx.store.loadRoom('r2');

      expect(await ctx.store.deleteRoom('r1')).toBe(true);
      expect(await ctx.store.deleteRoom('r1')).toBe(false);
      expect(await ctx.store.getRoom('r1')).toBeNull();
      expect(await ctx.store.loadRoom('r1')).toBeNull();
      expect((await ctx.store.listRooms()).map((r) => r.id)).toEqual(['r2']);
      expect(await ctx.store.readLog('r1', { limit: 10 })).toEqual([]);
      expect(await ctx.store.readMessages('r1', { after: 0, limit: 10 })).toEqual([]);
      expect(await ctx.credentials.findAgentCredential('cred-r1')).toBeNull();
      for (const hash of ['cred-r1', 'room-hash-r1', 'view-hash-r1']) expect(await ctx.credentials.roomsForCredential(hash)).toEqual([]);

      // A room created again under the same id starts empty: nothing of the old one is left behind.
      await seedRoom(ctx.store, 'r1', 5_000);
      const again = await ctx.store.loadRoom('r1');
      expect(again).toMatchObject({ entries: [], messagesTail: [], directed: [], messageSeq: 0, logSeq: 0, counters: {}, invocationCounts: {} });
      expect(await ctx.credentials.findAgentCredential('cred-r1')).toBeNull();

      // The other room is untouched.
      expect(await ctx.store.loadRoom('r2')).toStrictEqual(r2Before);
      expect(await ctx.credentials.findAgentCredential('cred-r2')).toMatchObject({ roomId: 'r2', revokedAt: null });
    });

    it('answers false when deleting a room that never existed', async () => {
      expect(await ctx.store.deleteRoom('never')).toBe(false);
    });
  });
}
