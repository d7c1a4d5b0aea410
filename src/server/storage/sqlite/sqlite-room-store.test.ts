// Runs the room and credential store conformance suites against SQLite on a real file, then what only a file store
// must do: keep data across a reopen, and refuse a second process on the same file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCredentialStoreConformance, runRoomStoreConformance } from '../conformance/room-store-conformance.js';
import { SqliteRoomStore } from './sqlite-room-store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'agent-sync-sqlite-'));

for (const run of [runRoomStoreConformance, runCredentialStoreConformance]) run({
  name: 'SqliteRoomStore',
  create: async () => {
    const dir = tempDir();
    const store = new SqliteRoomStore(join(dir, 'agent-sync.db'));
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SqliteRoomStore on disk', () => {
  const open: SqliteRoomStore[] = [];
  let dir = '';
  const openAt = (path: string) => {
    const store = new SqliteRoomStore(path);
    open.push(store);
    return store;
  };

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps everything across close and reopen', async () => {
    dir = tempDir();
    const path = join(dir, 'agent-sync.db');
    const first = openAt(path);
    const room = { id: 'r1', createdAt: 100, meta: { title: 't' }, tokenHash: 'th', viewTokenHash: 'vh' };
    expect(await first.createRoom(room)).toBe(true);
    await first.withRoomLock('r1', (tx) => tx.commit({
      entries: [{ op: 'put', entry: { scope: '_shared', key: 'n', value: '42', version: '0123456789abcdef', revision: 1, createdAt: 1, updatedAt: 1, writer: 'alice', sortKey: null, timer: null, enabled: null, enabledAuthority: null, timerAt: 500 } }],
      messages: [{ seq: 1, ts: 2, from: 'alice', kind: 'chat', body: { text: 'hi' }, to: ['bob'] }],
      log: [{ seq: 1, ts: 2, kind: 'invoke', agent: 'alice', action: 'say', builtin: false, params: {}, ok: true, error: null, writes: [], detail: null }],
      counters: { ticks: 3 },
      credentials: { at: 2, issue: { agentId: 'alice', hash: 'cred' } },
    }));
    const before = await first.loadRoom('r1');
    await first.close();

    const second = openAt(path);
    expect(await second.loadRoom('r1')).toStrictEqual(before);
    expect(before!.entries[0]!.value).toBe('42');
    expect(await second.readLog('r1', { limit: 5 })).toHaveLength(1);
    expect(await second.credentials.findAgentCredential('cred')).toMatchObject({ roomId: 'r1', agentId: 'alice', revokedAt: null });
    expect(await second.pendingTimers()).toEqual([{ roomId: 'r1', at: 500 }]);
  });

  it('refuses a second store on a file that is open, fresh or already migrated', async () => {
    dir = tempDir();
    const path = join(dir, 'agent-sync.db');
    const first = openAt(path);
    expect(() => openAt(path)).toThrow(`another agent-sync process is using ${path}`);
    await first.close();

    const reopened = openAt(path);
    expect(() => openAt(path)).toThrow(/another agent-sync process is using/);
    // The owner is not disturbed by the refused attempt.
    expect(await reopened.createRoom({ id: 'r1', createdAt: 1, meta: {}, tokenHash: 'h', viewTokenHash: null })).toBe(true);
    await reopened.close();
    expect(await openAt(path).getRoom('r1')).toMatchObject({ id: 'r1' });
  });
});
