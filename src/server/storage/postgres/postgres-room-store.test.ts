// Runs the room and credential store conformance suites against PostgreSQL, each test in a schema of its own, then
// what only a shared store must do: migrate once when processes start together, serialise one
// room's writers across processes (D11), and let a process see what another one committed.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../../core/service/room-registry.js';
import { emptyBatch } from '../../../core/room/room-state.js';
import { adminQuery, closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../../../../test/support/postgres.js';
import { until } from '../../../../test/support/until.js';
import { TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { runCredentialStoreConformance, runRoomStoreConformance } from '../conformance/room-store-conformance.js';
import { batch, entry, logRecord, put, room, seedRoom } from '../conformance/fixtures.js';
import { migrate } from './migrate.js';
import { PostgresRoomStore } from './postgres-room-store.js';
import { MIGRATIONS } from './schema.js';
import { isDatabaseUnavailable } from './unavailable.js';

const available = await postgresForTests();
afterAll(closeAdmin);

describe.skipIf(!available)('PostgreSQL', () => {
  for (const run of [runRoomStoreConformance, runCredentialStoreConformance]) run({
    name: 'PostgresRoomStore',
    create: async () => {
      const schema = await freshSchema();
      const store = new PostgresRoomStore(DATABASE_URL, { schema: schema.name, poolSize: 4 });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await schema.drop();
        },
      };
    },
  });

  describe('PostgresRoomStore shared by processes', () => {
    let schema: TestSchema | null = null;
    const open: PostgresRoomStore[] = [];
    /** A store with its own connection pool, as a separate server process would have. */
    const process = (poolSize = 4) => {
      const store = new PostgresRoomStore(DATABASE_URL, { schema: schema!.name, poolSize });
      open.push(store);
      return store;
    };
    const setup = async () => {
      schema = await freshSchema();
    };

    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
      await schema?.drop();
      schema = null;
    });

    it('migrates once when processes start together, and not again on restart', async () => {
      await setup();
      const stores = [process(), process(), process()];
      await Promise.all(stores.map((s) => s.open()));
      const rows = await adminQuery<{ version: number }>(`SELECT version FROM ${schema!.name}.schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const again = process();
      await again.open();
      expect(await adminQuery(`SELECT version FROM ${schema!.name}.schema_migrations`)).toHaveLength(MIGRATIONS.length);
    });

    it('applies only the migrations a database lacks, and refuses one it does not know', async () => {
      await setup();
      const store = process();
      await store.open();
      const extra = { version: MIGRATIONS.length + 1, name: 'test column', sql: 'ALTER TABLE rooms ADD COLUMN test_extra text' };
      const { default: postgres } = await import('postgres');
      const sql = postgres(DATABASE_URL, { max: 1, connection: { search_path: schema!.name }, onnotice: () => {} });
      try {
        expect(await migrate(sql, [...MIGRATIONS, extra])).toEqual([extra.version]);
        expect(await migrate(sql, [...MIGRATIONS, extra])).toEqual([]);
        await expect(migrate(sql, MIGRATIONS)).rejects.toThrow(`migration ${extra.version}, which this agent-sync does not know`);
      } finally {
        await sql.end();
      }
      const newerCode = process();
      await expect(newerCode.open()).rejects.toThrow(/does not know/);
    });

    it('reports a commit made by another process as the head seq, so the registry reloads', async () => {
      await setup();
      const [a, b] = [process(), process()];
      await seedRoom(a, 'r1');
      await a.withRoomLock('r1', (tx) => tx.commit(batch({ log: [logRecord(1)] })));
      await b.withRoomLock('r1', (tx) => tx.commit(batch({ log: [logRecord(2)] })));
      expect(await a.withRoomLock('r1', (tx) => tx.headSeq())).toBe(2);
      expect((await a.loadRoom('r1'))!.logSeq).toBe(2);
    });

    it('makes a second process wait for a room another process holds, and not for other rooms', async () => {
      await setup();
      const [a, b] = [process(), process()];
      await seedRoom(a, 'r1');
      await seedRoom(a, 'r2');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const events: string[] = [];
      const first = a.withRoomLock('r1', async (tx) => {
        held();
        await gate;
        await tx.commit(batch({ log: [logRecord(1)] }));
        events.push('a done');
      });
      await holding;
      const second = b.withRoomLock('r1', async (tx) => {
        events.push(`b sees head ${await tx.headSeq()}`);
      });
      // b's transaction is queued on the advisory lock inside PostgreSQL.
      await untilAsync(async () => (await roomLockWaiters(schema!.name, 'r1')) > 0);
      await b.withRoomLock('r2', async () => void events.push('b other room'));
      expect(events).toEqual(['b other room']);
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(['b other room', 'a done', 'b sees head 1']);
    });

    it('releases a room whose holder’s connection dies (a crashed process holds nothing)', async () => {
      await setup();
      const [a, b] = [process(), process()];
      await seedRoom(a, 'r1');
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      let pid = 0;
      const doomed = a.withRoomLock('r1', async (tx) => {
        void tx;
        held();
        await new Promise(() => {}); // hangs until its connection is killed
      });
      doomed.catch(() => undefined);
      await holding;
      pid = await roomLockHolder(schema!.name, 'r1');
      await adminQuery('SELECT pg_terminate_backend($1)', [pid]);
      await expect(doomed).rejects.toThrow();
      expect(await b.withRoomLock('r1', async (tx) => {
        await tx.commit(batch({ log: [logRecord(1)] }));
        return tx.headSeq();
      })).toBe(1);
    });

    it('ends a lock whose holder hangs with its transaction idle, so other processes get the room', async () => {
      await setup();
      const hanging = new PostgresRoomStore(DATABASE_URL, { schema: schema!.name, poolSize: 2, lockIdleTimeoutSeconds: 1 });
      open.push(hanging);
      const other = process();
      await seedRoom(other, 'r1');
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const stuck = hanging.withRoomLock('r1', async () => {
        held();
        await new Promise(() => {}); // a frozen holder: never commits, never returns
      });
      stuck.catch(() => undefined);
      await holding;
      expect(await other.withRoomLock('r1', async (tx) => {
        await tx.commit(batch({ log: [logRecord(1)] }));
        return tx.headSeq();
      })).toBe(1);
      await expect(stuck).rejects.toThrow();
      // The hung holder's process still works for the next caller.
      expect(await hanging.withRoomLock('r1', (tx) => tx.headSeq())).toBe(1);
    });

    it('retries a migration that failed (here: its schema did not exist yet) on the next call', async () => {
      await setup();
      const later = `${schema!.name}_later`;
      const store = new PostgresRoomStore(DATABASE_URL, { schema: later, poolSize: 2 });
      open.push(store);
      try {
        await expect(store.open()).rejects.toThrow();
        await expect(store.createRoom(room('r1'))).rejects.toThrow();
        await adminQuery(`CREATE SCHEMA ${later}`);
        expect(await store.createRoom(room('r1'))).toBe(true);
        expect(await store.getRoom('r1')).toStrictEqual(room('r1'));
      } finally {
        await adminQuery(`DROP SCHEMA IF EXISTS ${later} CASCADE`);
      }
    });

    it('tells a lost or unreachable database apart from a failing statement', async () => {
      await setup();
      const store = process();
      await seedRoom(store, 'r1');
      const failure = async (p: Promise<unknown>) => p.then(() => expect.unreachable('it should fail'), (error: unknown) => error);
      // A statement that fails is the request's or the code's fault.
      const duplicate = await failure(store.withRoomLock('r1', async (tx) => {
        await tx.commit(batch({ log: [logRecord(1)] }));
        await tx.commit(batch({ log: [logRecord(1)] }));
      }));
      expect(isDatabaseUnavailable(duplicate)).toBe(false);
      // The server ends the session under a holder: unavailable.
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const doomed = store.withRoomLock('r1', async () => {
        held();
        await new Promise(() => {});
      });
      doomed.catch(() => undefined);
      await holding;
      await adminQuery('SELECT pg_terminate_backend($1)', [await roomLockHolder(schema!.name, 'r1')]);
      expect(isDatabaseUnavailable(await failure(doomed))).toBe(true);
      // Nothing listens where the database should be: unavailable.
      const nowhere = new PostgresRoomStore('postgres://postgres@127.0.0.1:1/test', { connectTimeoutSeconds: 2 });
      open.push(nowhere);
      expect(isDatabaseUnavailable(await failure(nowhere.getRoom('r1')))).toBe(true);
      // A store that was closed (shutting down): unavailable.
      const closed = process();
      expect(await closed.getRoom('r1')).not.toBeNull();
      await closed.close();
      expect(isDatabaseUnavailable(await failure(closed.getRoom('r1')))).toBe(true);
      expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    });

    it('adds exactly 100 when 100 increments race through two processes’ registries', async () => {
      await setup();
      const stores = [process(3), process(3)];
      await seedRoom(stores[0]!, 'hot');
      const registries = stores.map((s) => new RoomRegistry(s));
      const increment = (i: number) => {
        const registry = registries[i % 2]!;
        return registry.exclusive('hot', async (current, tx) => {
          const n = (current.entry('_shared', 'n')?.value as number | undefined) ?? 0;
          const b = emptyBatch();
          b.entries.push(put(entry('_shared', 'n', n + 1, { revision: n + 1 })));
          b.log.push(logRecord(current.logSeq + 1, { agent: `p${i % 2}`, action: 'increment' }));
          await registry.commit(current, tx, b);
        });
      };
      await Promise.all(Array.from({ length: 100 }, (_, i) => increment(i)));
      const data = (await stores[1]!.loadRoom('hot'))!;
      expect(data.entries.find((e) => e.key === 'n')!.value).toBe(100);
      expect(data.logSeq).toBe(100);
      expect(data.invocationCounts).toEqual({ increment: 100 });
      const agents = (await stores[0]!.readLog('hot', { after: 0, limit: 200 })).map((l) => l.agent);
      expect(new Set(agents)).toEqual(new Set(['p0', 'p1']));
    });

    it('adds exactly 100 when 100 raw load-check-commit increments race through two stores', async () => {
      await setup();
      const stores = [process(2), process(2)];
      await seedRoom(stores[0]!, 'hot');
      const increment = (i: number) => stores[i % 2]!.withRoomLock('hot', async (tx) => {
        const head = await tx.headSeq();
        const data = (await stores[i % 2]!.loadRoom('hot'))!;
        expect(data.logSeq).toBe(head);
        const n = (data.entries[0]?.value as number | undefined) ?? 0;
        await tx.commit(batch({ entries: [put(entry('_shared', 'n', n + 1))], log: [logRecord(head! + 1)] }));
      });
      await Promise.all(Array.from({ length: 100 }, (_, i) => increment(i)));
      expect((await stores[1]!.loadRoom('hot'))!.entries[0]!.value).toBe(100);
    });

    it('settles every call when its connections are cut, and serves again once they are back (a fresh pool)', async () => {
      await setup();
      const target = new URL(DATABASE_URL);
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
      try {
        const through = new URL(DATABASE_URL);
        through.hostname = '127.0.0.1';
        through.port = String(proxy.port);
        const store = new PostgresRoomStore(through.toString(), { schema: schema!.name, poolSize: 10, connectTimeoutSeconds: 1, statementTimeoutSeconds: 1 });
        open.push(store);
        await seedRoom(store, 'r1');
        // Fill the pool: every connection is open when the path goes silent.
        // (loadRoom outside a lock is one snapshot transaction, so plain reads fill the pool.)
        await Promise.all([...Array.from({ length: 9 }, () => store.listRooms()), store.loadRoom('r1'), store.withRoomLock('r1', (tx) => tx.headSeq())]);
        proxy.silence();
        const settled = (p: Promise<unknown>) => p.then(() => 'ok', () => 'failed');
        // Lock holders queue one behind the other; each begins its transaction when the one before ends.
        const during = [
          ...Array.from({ length: 5 }, () => settled(store.withRoomLock('r1', async (tx) => {
            await store.loadRoom('r1');
            return tx.headSeq();
          }))),
          settled(store.listRooms()),
          settled(store.createRoom(room('r2'))),
        ];
        await until(() => proxy.connections >= 10);
        proxy.restore();
        // With the driver alone, a transaction begun right after the resets stayed pending forever
        // and held the room's queue; every one of these settles now.
        const outcomes = await Promise.all(during);
        expect(outcomes).toContain('failed');
        expect(await store.withRoomLock('r1', async (tx) => {
          await tx.commit(batch({ log: [logRecord(1)] }));
          return tx.headSeq();
        })).toBe(1);
        expect((await store.listRooms()).map((r) => r.id)).toContain('r1');
      } finally {
        await proxy.close();
      }
    });

    it('runs calls made inside a lock on the lock’s connection, so a full pool cannot deadlock', async () => {
      await setup();
      const store = process(2);
      const ids = ['a', 'b', 'c', 'd', 'e'];
      for (const id of ids) await store.createRoom(room(id));
      // Five rooms locked at once on a pool of two, each loading and deleting inside its lock.
      const results = await Promise.all(ids.map((id) => store.withRoomLock(id, async (tx) => {
        await tx.commit(batch({ entries: [put(entry('_shared', 'k', id))], log: [logRecord(1)] }));
        const seen = (await store.loadRoom(id))!.entries.map((e) => e.value);
        return { seen, deleted: await store.deleteRoom(id) };
      })));
      expect(results).toEqual(ids.map((id) => ({ seen: [id], deleted: true })));
      expect(await store.listRooms()).toEqual([]);
    });

    it('keeps JSON exactly: key order, NUL characters, and large integers', async () => {
      await setup();
      const [a, b] = [process(), process()];
      await seedRoom(a, 'r1');
      const value = { zeta: 1, alpha: { y: '\u0000', b: 2 ** 53 - 1, a: -0.5 }, mid: [3, { z: 1, a: 2 }] };
      await a.withRoomLock('r1', (tx) => tx.commit(batch({ entries: [put(entry('_shared', 'v', value, { timerAt: 2 ** 50 }))] })));
      const [loaded] = (await b.loadRoom('r1'))!.entries;
      expect(JSON.stringify(loaded!.value)).toBe(JSON.stringify(value));
      expect(loaded!.timerAt).toBe(2 ** 50);
    });

    it('runs commit hooks inside the commit transaction, so a NOTIFY arrives only for commits that happen', async () => {
      await setup();
      const store = process();
      await seedRoom(store, 'r1');
      const { default: postgres } = await import('postgres');
      const listener = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
      const channel = `${schema!.name}_commits`;
      const heard: string[] = [];
      try {
        await listener.listen(channel, (payload) => heard.push(payload));
        store.onCommit((roomId, b) => ['SELECT pg_notify($1, $2)', [channel, `${roomId}:${b.log.at(-1)?.seq ?? 0}`]]);
        // A later hook that fails the commit after the NOTIFY's hook ran: the NOTIFY goes with it.
        const veto = store.onCommit((_roomId, b) => {
          if (b.log[0]?.seq === 2) throw new Error('vetoed');
          return null;
        });
        await store.withRoomLock('r1', (tx) => tx.commit(batch({ log: [logRecord(1)] })));
        await expect(store.withRoomLock('r1', (tx) => tx.commit(batch({ log: [logRecord(2)] })))).rejects.toThrow('vetoed');
        veto();
        await store.withRoomLock('r1', async (tx) => {
          await tx.commit(batch({ log: [logRecord(2)] }));
          await expect(tx.commit(batch({ log: [logRecord(2)] }))).rejects.toThrow();
          await tx.commit(batch({ log: [logRecord(3)] }));
        });
        await until(() => heard.length >= 3);
        expect(heard).toEqual(['r1:1', 'r1:2', 'r1:3']);
        expect((await store.loadRoom('r1'))!.logSeq).toBe(3);
      } finally {
        await listener.end();
      }
    });
  });
});

async function untilAsync(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

// The advisory lock of one room, as ROOM_LOCK computes its key (a bigint split into classid, objid).
const ROOM_LOCK_ROWS = `FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('agent-sync:room:' || $1 || ':' || $2, 0)`;

async function roomLockWaiters(schema: string, roomId: string): Promise<number> {
  const [row] = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n ${ROOM_LOCK_ROWS} AND NOT granted`, [schema, roomId]);
  return row!.n;
}

async function roomLockHolder(schema: string, roomId: string): Promise<number> {
  const [row] = await adminQuery<{ pid: number }>(`SELECT pid ${ROOM_LOCK_ROWS} AND granted`, [schema, roomId]);
  return row!.pid;
}
