// Keys must survive a restart exactly (finding 13): a lone UTF-16 surrogate cannot be stored as
// UTF-8, so `s\uD800` and `s\uDBFF` would come back as one key. They are refused with 400; a
// well-formed key with a surrogate pair (an emoji) round-trips through SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRoomStore } from '../../src/server/storage/sqlite/sqlite-room-store.js';
import { inProcessApp, roomWithAgents, type TestApp } from '../support/in-process.js';

describe('keys with lone surrogates', () => {
  const dirs: string[] = [];
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const { app } of apps.splice(0)) await app.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const open = (path: string) => {
    const opened = inProcessApp({ store: new SqliteRoomStore(path) });
    apps.push(opened);
    return opened;
  };

  it('are refused with 400, while a surrogate pair round-trips through a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-sync-surrogates-'));
    dirs.push(dir);
    const path = join(dir, 'agent-sync.db');
    const first = open(path);
    const { tokens } = await roomWithAgents(first.client, 'r', ['alice']);
    const alice = first.client.as(tokens.alice);
    await alice.invoke('r', '_register_action', { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] });
    for (const key of ['s\ud800', 's\udbff', '\udc00x']) {
      const res = await alice.invoke('r', 'set', { key, value: key });
      expect([res.status, res.body.error], JSON.stringify(key)).toEqual([400, 'invalid_write']);
    }
    const joined = await first.client.post('/rooms/r/agents', { id: 'bob', state: { 'k\ud800': 1 } });
    expect([joined.status, joined.body.error]).toEqual([400, 'invalid_body']);
    expect((await alice.invoke('r', 'set', { key: 's\ud83d\ude00', value: 'pair' })).status).toBe(200);
    expect((await alice.invoke('r', 'set', { key: 'plain', value: 'lone \ud800 in a value' })).status).toBe(200);
    apps.pop();
    await first.app.close();

    const second = open(path);
    const state = (await second.client.as(tokens.alice).context('r', '?only=state')).body.state._shared;
    expect(state['s\ud83d\ude00']).toBe('pair');
    expect(state.plain).toBe('lone \ud800 in a value');
    expect(Object.keys(state).sort()).toEqual(['plain', 's\ud83d\ude00']);
  });
});
