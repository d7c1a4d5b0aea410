// Real server processes on PostgreSQL (D25), selected by DATABASE_URL: data survives a restart,
// and two processes on one database serialise a room's writers between them (D11).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { BeachClient } from '../support/beach-client.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { removeDir, runServerToExit, startServer, type ServerProcess } from '../support/server-process.js';

const available = await postgresForTests();
afterAll(closeAdmin);

describe('a server whose PostgreSQL cannot be reached', () => {
  it('says so in one line that names the database but not its password, and exits non-zero', async () => {
    const run = await runServerToExit(['--port', '0'], { DATABASE_URL: 'postgres://agent:s3cret-pw@127.0.0.1:1/nowhere' });
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agent-sync: cannot reach or set up PostgreSQL at postgres:\/\/agent:\*\*\*@127\.0\.0\.1:1\/nowhere \(.*ECONNREFUSED.*\); check DATABASE_URL/);
    expect(run.stderr).not.toContain('s3cret-pw');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(!available)('real servers on PostgreSQL', () => {
  let schema: TestSchema | null = null;
  const servers: ServerProcess[] = [];
  /** The test's schema travels as a connection parameter in the URL. */
  const start = async () => {
    const sep = DATABASE_URL.includes('?') ? '&' : '?';
    const server = await startServer({ env: { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema!.name}` }, args: ['--public-url', 'http://beach.test:9999'] });
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.stop();
      removeDir(server.dataDir);
    }
    await schema?.drop();
    schema = null;
  });

  it('keeps rooms, agents and state across a restart', async () => {
    schema = await freshSchema();
    const first = await start();
    const anon = new TestClient(first.url);
    const admin = (await anon.post('/rooms', { id: 'kept' })).body.token as string;
    const alice = (await anon.post('/rooms/kept/agents', { id: 'alice' })).body.token as string;
    expect((await anon.as(alice).invoke('kept', '_register_action', { id: 'seed', writes: [{ key: 'label', value: '42' }] })).status).toBe(201);
    expect((await anon.as(alice).invoke('kept', 'seed')).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start();
    const again = new TestClient(second.url);
    const context = await again.as(alice).context('kept');
    expect(context.status).toBe(200);
    expect(context.body.state._shared.label).toBe('42');
    expect((await again.as(admin).get('/rooms/kept')).status).toBe(200);
  });

  it('adds exactly 100 when 100 increments are spread over two processes', async () => {
    schema = await freshSchema();
    const [a, b] = [await start(), await start()];
    const anon = new TestClient(a.url);
    await anon.post('/rooms', { id: 'hot' });
    const alice = (await anon.post('/rooms/hot/agents', { id: 'alice' })).body.token as string;
    const clients = [new TestClient(a.url, undefined, alice), new TestClient(b.url, undefined, alice)];
    expect((await clients[0]!.invoke('hot', '_register_action', { id: 'ping', writes: [{ key: 'pings', increment: 1 }] })).status).toBe(201);
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => clients[i % 2]!.invoke('hot', 'ping').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    for (const client of clients) {
      // Each process serves its latest write; a new write through it reloads what the other committed.
      expect((await client.invoke('hot', 'ping')).status).toBe(200);
    }
    expect((await clients[1]!.context('hot')).body.state._shared.pings).toBe(102);
  }, 120_000);

  it('keeps the beach in PostgreSQL: a block written through one process is read and guarded through another', async () => {
    schema = await freshSchema();
    const [a, b] = [await start(), await start()];
    const first = new BeachClient(new TestClient(a.url));
    const second = new BeachClient(new TestClient(b.url));
    expect((await first.post('diary', { content: { _: 'my diary', 1: 'day one' }, new_lock: 'mine' })).status).toBe(200);
    expect(await second.block('diary')).toEqual({ _: 'my diary', 1: 'day one' });
    expect((await second.post('diary', { spindle: '2', content: 'day two' })).status).toBe(403);
    expect((await second.post('diary', { spindle: '2', content: 'day two', secret: 'mine' })).status).toBe(200);
    expect(await first.block('diary')).toEqual({ _: 'my diary', 1: 'day one', 2: 'day two' });
    expect((await first.get()).body).toMatchObject({ blocks: ['diary'] });
  });
});
