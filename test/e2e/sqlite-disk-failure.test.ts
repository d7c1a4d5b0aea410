// The embedded store's storage fails under a running server (a full disk, here simulated by
// capping the database file with PRAGMA max_page_count): requests answer 503 in the D2 shape with
// Retry-After (the beach in its own shape), never 500, and the server serves again once there is
// room. The app is the one the server builds (openStore's guard included) over a real file.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import type { SqliteRoomStore } from '../../src/server/storage/sqlite/sqlite-room-store.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, tempDataDir } from '../support/server-process.js';

describe('a SQLite file that cannot grow (disk full)', () => {
  let app: App | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await app?.close();
    if (dir) removeDir(dir);
    app = null;
    dir = null;
  });

  it('answers 503 with Retry-After instead of 500, and serves again when there is room', async () => {
    dir = tempDataDir();
    app = createApp(loadConfig(['--data-dir', dir], {}), { log: pino({ level: 'silent' }) });
    await app.start();
    app.setReady(true);
    const client = new TestClient('http://local', async (url, init) => app!.http.request(url, init));
    await client.post('/rooms', { id: 'full' });
    const alice = client.as((await client.post('/rooms/full/agents', { id: 'alice' })).body.token as string);
    expect((await alice.invoke('full', '_register_action', { id: 'note', params: { text: { type: 'string' } }, writes: [{ key: 'note', value: '${params.text}' }] })).status).toBe(201);

    const db = (app.store as SqliteRoomStore).db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(200_000);
    const refused = await alice.invoke('full', 'note', { text: big });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'service_unavailable', retry_after: 1 });
    expect(refused.headers.get('retry-after')).toBe('1');
    const beach = await app.http.request('/.well-known/pscale-beach', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ block: 'diskfull', content: { _: 'A full disk', 1: big } }),
    });
    expect(beach.status).toBe(503);
    expect(beach.headers.get('retry-after')).toBe('1');
    expect(await beach.json()).toMatchObject({ code: 'service_unavailable' });

    db.pragma('max_page_count = 1073741823');
    expect((await alice.invoke('full', 'note', { text: big })).status).toBe(200);
    expect((await alice.context('full')).body.state._shared.note).toBe(big);
  });
});
