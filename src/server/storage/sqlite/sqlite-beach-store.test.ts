// Runs the beach store conformance suite against SQLite on a real file, then what only a file store
// must do: keep blocks across a reopen, beside the rooms in the same file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withBlock } from '../../beach/beach-store.js';
import { runBeachStoreConformance } from '../conformance/beach-store-conformance.js';
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
});
