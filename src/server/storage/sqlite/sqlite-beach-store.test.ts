// Runs the beach store conformance suite against SQLite on a real file, then what only a file store
// must do: keep blocks across a reopen, beside the rooms in the same file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withBlock } from '../../beach/beach-store.js';
import { runBeachStoreConformance } from '../conformance/beach-store-conformance.js';
import { MIGRATIONS } from './schema.js';
import { SqliteBeachStore } from './sqlite-beach-store.js';
import { SqliteRoomStore } from './sqlite-room-store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'agent-sync-beach-'));

runBeachStoreConformance({
  name: 'SqliteBeachStore',
  create: async () => {
    const dir = tempDir();
    const rooms = new SqliteRoomStore(join(dir, 'agent-sync.db'));
    const store = new SqliteBeachStore(rooms.db);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rooms.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SqliteBeachStore on disk', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps blocks and locks across close and reopen, beside the rooms', async () => {
    dir = tempDir();
    const path = join(dir, 'agent-sync.db');
    const rooms = new SqliteRoomStore(path);
    await rooms.createRoom({ id: 'r1', createdAt: 1, meta: {}, tokenHash: 'h', viewTokenHash: null });
    const record = { block: { _: 'kept', 1: 'one' }, locks: { 1: 'hash' }, touched: '2026-06-01T12:00:00.000Z' };
    await withBlock(new SqliteBeachStore(rooms.db), 'a', () => ({ result: undefined, next: record }));
    await rooms.close();

    const reopened = new SqliteRoomStore(path);
    const beach = new SqliteBeachStore(reopened.db);
    expect(await beach.get('a')).toEqual(record);
    expect(await beach.list()).toEqual([{ name: 'a', bytes: JSON.stringify(record.block).length }]);
    expect(await reopened.getRoom('r1')).toMatchObject({ id: 'r1' });
    await reopened.close();
  });

  it('adds the beach table to a database made before the beach, keeping its rooms', async () => {
    dir = tempDir();
    const path = join(dir, 'agent-sync.db');
    const before = MIGRATIONS.findIndex((sql) => sql.includes('beach_blocks'));
    expect(before).toBeGreaterThan(0);
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    old.prepare("INSERT INTO rooms (id, created_at, meta, token_hash) VALUES ('old', 1, '{}', 'h')").run();
    old.close();

    const rooms = new SqliteRoomStore(path);
    const beach = new SqliteBeachStore(rooms.db);
    expect(await rooms.getRoom('old')).toMatchObject({ id: 'old' });
    await withBlock(beach, 'new', () => ({ result: undefined, next: { block: { _: 'first block' }, locks: {} } }));
    expect(await beach.list()).toEqual([{ name: 'new', bytes: JSON.stringify({ _: 'first block' }).length }]);
    expect(rooms.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    await rooms.close();
  });
});
