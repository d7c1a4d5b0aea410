// Conformance cases for the write lock (withRoomLock serialises one room's writers, D11) and for
// isolation: what goes in or comes out of a store is a copy the caller cannot change it through.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../core/json.js';
import type { CommitBatch } from '../../../core/room/room-state.js';
import type { RoomTx } from '../../../core/ports/room-store.js';
import type { StoreContext } from './fixtures.js';
import { batch, commit, entry, logRecord, message, put, room, seedRoom, settle } from './fixtures.js';

export function lockCopyCases(ctx: StoreContext): void {
  describe('withRoomLock', () => {
    it('returns what the function returns, and its commits persist', async () => {
      await seedRoom(ctx.store);
      const out = await ctx.store.withRoomLock('r1', async (tx) => {
        await tx.commit(batch({ entries: [put(entry('_shared', 'a', 1))], log: [logRecord(1)] }));
        await tx.commit(batch({ entries: [put(entry('_shared', 'b', 2, { createdAt: 1_001 }))], log: [logRecord(2)] }));
        return 'done';
      });
      expect(out).toBe('done');
      const data = (await ctx.store.loadRoom('r1'))!;
      expect(data.entries.map((e) => e.key)).toEqual(['a', 'b']);
      expect(data.logSeq).toBe(2);
    });

    it('reports the head seq, unless the store is the only writer', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { log: [logRecord(1), logRecord(4)] });
      const head = await ctx.store.withRoomLock('r1', (tx) => tx.headSeq());
      if (ctx.store.exclusive) expect([null, 4]).toContain(head);
      else expect(head).toBe(4);
    });

    it('keeps a commit made before the function failed, and passes the failure on', async () => {
      await seedRoom(ctx.store);
      const failing = ctx.store.withRoomLock('r1', async (tx) => {
        await tx.commit(batch({ entries: [put(entry('_shared', 'a', 1))] }));
        throw new Error('boom');
      });
      await expect(failing).rejects.toThrow('boom');
      expect((await ctx.store.loadRoom('r1'))!.entries.map((e) => e.key)).toEqual(['a']);
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'b', 2))] });
      expect((await ctx.store.loadRoom('r1'))!.entries).toHaveLength(2);
    });

    it('runs the holders of one room one at a time, in order, without blocking other rooms', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      const events: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let firstStarted!: () => void;
      const started = new Promise<void>((resolve) => (firstStarted = resolve));
      const first = ctx.store.withRoomLock('r1', async () => {
        events.push('first start');
        firstStarted();
        await gate;
        events.push('first end');
      });
      await started;
      const queued = ['second', 'third'].map((name) => ctx.store.withRoomLock('r1', async () => {
        events.push(`${name} start`);
        await settle();
        events.push(`${name} end`);
      }));
      await ctx.store.withRoomLock('r2', async () => {
        events.push('other room');
      });
      await settle();
      expect(events).toEqual(['first start', 'other room']);
      release();
      await Promise.all([first, ...queued]);
      expect(events).toEqual(['first start', 'other room', 'first end', 'second start', 'second end', 'third start', 'third end']);
    });

    it('releases the lock when the function throws', async () => {
      await seedRoom(ctx.store);
      await expect(ctx.store.withRoomLock('r1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await ctx.store.withRoomLock('r1', async () => 'next')).toBe('next');
    });

    it('refuses a commit through a tx whose lock was released', async () => {
      await seedRoom(ctx.store);
      let leaked!: RoomTx;
      await ctx.store.withRoomLock('r1', async (tx) => {
        leaked = tx;
      });
      await expect(leaked.commit(batch({ entries: [put(entry('_shared', 'late', 1))] }))).rejects.toThrow();
      expect((await ctx.store.loadRoom('r1'))!.entries).toEqual([]);
    });
  });

  describe('copies in and out', () => {
    it('keeps a room record apart from the caller’s objects', async () => {
      const record = room('r1', 100, { meta: { title: 'a', deep: { n: 1 } } });
      await ctx.store.createRoom(record);
      (record.meta.deep as JsonObject).n = 2;
      const got = (await ctx.store.getRoom('r1'))!;
      expect(got.meta).toStrictEqual({ title: 'a', deep: { n: 1 } });
      got.meta.title = 'changed';
      (await ctx.store.listRooms())[0]!.meta.title = 'changed';
      (await ctx.store.loadRoom('r1'))!.room.meta.title = 'changed';
      expect((await ctx.store.getRoom('r1'))!.meta.title).toBe('a');
    });

    it('keeps committed data apart from the batch and from what loads return', async () => {
      await seedRoom(ctx.store);
      const value: JsonObject = { list: [1, 2], deep: { s: '42' } };
      const record = () => logRecord(1, { params: { p: 1 }, writes: [{ scope: '_shared', key: 'k', value: 1 }] });
      const b: CommitBatch = batch({
        entries: [put(entry('_shared', 'k', value))],
        messages: [message(1, { body: { text: 'hi' }, to: ['bob'] })],
        log: [record()],
        counters: { n: 1 },
      });
      await commit(ctx.store, 'r1', b);
      const expected = await ctx.store.loadRoom('r1');
      (value.list as number[]).push(3);
      b.messages[0]!.to!.push('carol');
      b.log[0]!.writes.push({ scope: 'x', key: 'y' });
      b.counters.n = 99;
      expect(await ctx.store.loadRoom('r1')).toStrictEqual(expected);

      const loaded = (await ctx.store.loadRoom('r1'))!;
      (loaded.entries[0]!.value as JsonObject).deep = null;
      loaded.entries.pop();
      (loaded.messagesTail[0]!.body as JsonObject).text = 'changed';
      loaded.directed[0]!.to.push('mallory');
      loaded.counters.n = 7;
      loaded.invocationCounts.move = 40;
      (await ctx.store.readLog('r1', { limit: 1 }))[0]!.params!.p = 2;
      (await ctx.store.readMessages('r1', { after: 0, limit: 1 }))[0]!.to!.pop();
      expect(await ctx.store.loadRoom('r1')).toStrictEqual(expected);
      expect(await ctx.store.readLog('r1', { limit: 1 })).toStrictEqual([record()]);
    });

    it('keeps credentials apart from what look-ups return', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { credentials: { at: 1, issue: { agentId: 'alice', hash: 'h' } } });
      const cred = (await ctx.credentials.findAgentCredential('h'))!;
      cred.revokedAt = 5;
      cred.agentId = 'mallory';
      expect(await ctx.credentials.findAgentCredential('h')).toMatchObject({ agentId: 'alice', revokedAt: null });
      expect(await ctx.credentials.roomsForCredential('h')).toEqual(['r1']);
    });
  });
}
