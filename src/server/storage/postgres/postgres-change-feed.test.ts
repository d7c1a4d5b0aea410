// The LISTEN/NOTIFY change feed: notices name ids only and arrive only for committed changes;
// a process ignores its own; after the listening connection is lost the feed listens again and
// reports a gap, and a registry catches up from the log what it missed meanwhile.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChangeNotice } from '../../../core/ports/change-feed.js';
import type { CommitBatch } from '../../../core/room/room-state.js';
import { RoomRegistry } from '../../../core/service/room-registry.js';
import { adminQuery, closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../../../../test/support/postgres.js';
import { until } from '../../../../test/support/until.js';
import { batch, entry, logRecord, put, seedRoom } from '../conformance/fixtures.js';
import { InProcessChangeFeed } from '../../../core/service/in-process-feed.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { PostgresRoomStore } from './postgres-room-store.js';

const available = await postgresForTests();
afterAll(closeAdmin);

describe.skipIf(!available)('PostgresChangeFeed', () => {
  let schema: TestSchema | null = null;
  const closers: Array<() => Promise<void>> = [];
  /** A store and its feed, as one server process has them. */
  const node = async () => {
    const store = new PostgresRoomStore(DATABASE_URL, { schema: schema!.name, poolSize: 3 });
    const feed = new PostgresChangeFeed(DATABASE_URL, store, { schema: schema!.name, retryMs: 50 });
    await store.open();
    await feed.start();
    const notices: ChangeNotice[] = [];
    let gaps = 0;
    feed.subscribe((n) => notices.push(n), () => gaps++);
    closers.push(async () => {
      await feed.close();
      await store.close();
    });
    return { store, feed, notices, gaps: () => gaps };
  };
  const commit = (store: PostgresRoomStore, roomId: string, b: Partial<CommitBatch>) => store.withRoomLock(roomId, (tx) => tx.commit(batch(b)));

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await schema?.drop();
    schema = null;
  });

  it('tells the other process of commits, presence writes and deletions by id, after they commit', async () => {
    schema = await freshSchema();
    const [a, b] = [await node(), await node()];
    await seedRoom(a.store, 'r1');
    await commit(a.store, 'r1', { entries: [put(entry('_shared', 'k', 1, { timerAt: 5000 }))], log: [logRecord(1)] });
    await commit(a.store, 'r1', { entries: [put(entry('_agents', 'alice', { status: 'waiting' }))] });
    // A failed batch notifies nobody.
    await expect(commit(a.store, 'r1', { log: [logRecord(1)] })).rejects.toThrow();
    await a.store.deleteRoom('r1');
    await until(() => b.notices.length >= 3);
    expect(b.notices).toEqual([
      { kind: 'commit', roomId: 'r1', seq: 1, origin: a.feed.origin, timerAt: 5000, createdAt: 0 },
      { kind: 'presence', roomId: 'r1', seq: 0, origin: a.feed.origin, timerAt: null, createdAt: 0 },
      { kind: 'deleted', roomId: 'r1', seq: 0, origin: a.feed.origin, timerAt: null, createdAt: expect.any(Number) },
    ]);
    // A hears its own notices too, marked with its own origin (the registry ignores them).
    await until(() => a.notices.length >= 3);
    expect(a.notices.every((n) => n.origin === a.feed.origin)).toBe(true);
    expect(a.feed.origin).not.toBe(b.feed.origin);
  });

  it('does not hear a store in another schema', async () => {
    schema = await freshSchema();
    const a = await node();
    const other = await freshSchema();
    const foreign = new PostgresRoomStore(DATABASE_URL, { schema: other.name, poolSize: 1 });
    const foreignFeed = new PostgresChangeFeed(DATABASE_URL, foreign, { schema: other.name });
    try {
      await seedRoom(foreign, 'r1');
      await commit(foreign, 'r1', { log: [logRecord(1)] });
      await seedRoom(a.store, 'mine');
      await commit(a.store, 'mine', { log: [logRecord(1)] });
      await until(() => a.notices.length >= 1);
      expect(a.notices.map((n) => n.roomId)).toEqual(['mine']);
    } finally {
      await foreignFeed.close();
      await foreign.close();
      await other.drop();
    }
  });

  it('listens again after losing its connection, reports the gap, and hears new notices', async () => {
    schema = await freshSchema();
    const [a, b] = [await node(), await node()];
    await seedRoom(a.store, 'r1');
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`agent-sync-feed:${b.feed.origin}`]);
    await until(() => b.gaps() >= 1, 2000);
    await commit(a.store, 'r1', { log: [logRecord(1)] });
    await until(() => b.notices.length >= 1, 2000);
    expect(b.notices[0]).toMatchObject({ kind: 'commit', roomId: 'r1', seq: 1 });
  });

  it('catches a registry up from the log after a gap: what it missed, once each, in order', async () => {
    schema = await freshSchema();
    const a = await node();
    const b = new PostgresRoomStore(DATABASE_URL, { schema: schema.name, poolSize: 3 });
    closers.push(() => b.close());
    // B hears nothing of A (a feed of its own), as while its listening connection was down.
    const deaf = new InProcessChangeFeed('b');
    await seedRoom(a.store, 'r1');
    const registry = new RoomRegistry(b, (e) => { throw e; }, null, { feed: deaf });
    const told: Array<{ seqs: number[]; remote: boolean }> = [];
    registry.onCommit((_room, batch, _touches, remote) => told.push({ seqs: batch.log.map((l) => l.seq), remote }));
    expect((await registry.get('r1')).logSeq).toBe(0);
    await commit(a.store, 'r1', { entries: [put(entry('_shared', 'k', 'missed'))], log: [logRecord(1)] });
    await commit(a.store, 'r1', { log: [logRecord(2)] });
    expect((await registry.get('r1')).logSeq).toBe(0);

    deaf.gap();
    const room = await registry.get('r1');
    expect(room.logSeq).toBe(2);
    expect(room.entry('_shared', 'k')?.value).toBe('missed');
    expect(told).toEqual([{ seqs: [1, 2], remote: true }]);
    // A second gap finds nothing new and tells nobody again.
    deaf.gap();
    await registry.get('r1');
    expect(told).toHaveLength(1);
  });
});
