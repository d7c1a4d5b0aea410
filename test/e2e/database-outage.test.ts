// Issue 9, must-show 3: the PostgreSQL server goes away for a while and comes back. A real server
// process reaches PostgreSQL through a TCP proxy that the test cuts and restores (stopping the
// shared PostgreSQL would disturb every other test). Meanwhile requests answer 503 in the D2 shape
// with Retry-After, none hangs past the configured bound, /healthz says not ready, and once the
// database is back the same process serves again without a restart.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestClient, type Fetcher } from '../support/http-client.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const available = await postgresForTests();
afterAll(closeAdmin);

/** DATABASE_TIMEOUT for the server under test: store calls are cut off after 2·1+1 = 3 s. */
const DATABASE_TIMEOUT = 1;
/** A request still open this long has hung (far past the server's 3 s bound): the fetch aborts and the test fails. */
const HANG_MS = 20_000;
const bounded: Fetcher = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });

async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, tries = 10): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await attempt();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not reached; last: ${JSON.stringify(last)}`);
}

describe.skipIf(!available)('a server whose PostgreSQL goes away and comes back', () => {
  let schema: TestSchema | null = null;
  let proxy: TcpProxy | null = null;
  let server: ServerProcess | null = null;

  afterEach(async () => {
    if (server) {
      await server.stop();
      removeDir(server.dataDir);
    }
    await proxy?.close();
    await schema?.drop();
    server = null;
    proxy = null;
    schema = null;
  });

  /** A server on a fresh schema, reaching PostgreSQL only through the proxy; a room with one counter action. */
  async function setUp() {
    schema = await freshSchema();
    const target = new URL(DATABASE_URL);
    // Only the server's connections go through the proxy; the test's own (schema set-up) do not.
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const through = new URL(DATABASE_URL);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    through.searchParams.set('search_path', schema.name);
    server = await startServer({ env: { DATABASE_URL: through.toString(), DATABASE_TIMEOUT: String(DATABASE_TIMEOUT) } });
    const anon = new TestClient(server.url, bounded);
    const admin = (await anon.post('/rooms', { id: 'steady' })).body.token as string;
    const alice = (await anon.post('/rooms/steady/agents', { id: 'alice' })).body.token as string;
    const agent = anon.as(alice);
    expect((await agent.invoke('steady', '_register_action', { id: 'tick', writes: [{ key: 'ticks', increment: 1 }] })).status).toBe(201);
    expect((await agent.invoke('steady', 'tick')).status).toBe(200);
    expect((await anon.get('/healthz')).status).toBe(200);
    return { anon, admin: anon.as(admin), agent };
  }

  /** Every kind of request a client may send while the database is away. */
  function duringOutage(anon: TestClient, admin: TestClient, agent: TestClient) {
    return Promise.all([
      agent.invoke('steady', 'tick'),
      agent.invoke('steady', 'tick'),
      anon.post('/rooms', { id: 'new-room' }),
      anon.post('/rooms/steady/agents', { id: 'bob' }),
      admin.get('/rooms'),
      admin.request('PATCH', '/rooms/steady', { meta: { topic: 'x' } }),
      admin.post('/rooms/steady/rotate-view-token'),
      agent.context('steady'),
      agent.get('/rooms/steady/poll'),
      agent.get('/rooms/steady/wait?condition=false&timeout=1000'),
      agent.post('/rooms/steady/eval', { expr: 'true' }),
    ]);
  }

  function expectUnavailable(res: { status: number; body: any; headers: Headers }) {
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('service_unavailable');
    expect(typeof res.body.message).toBe('string');
    expect(res.headers.get('retry-after')).toBe('1');
  }

  for (const how of ['refuse', 'silence'] as const) {
    const what = how === 'refuse' ? 'resets every connection (a stopped database)' : 'stops answering without a reset (a partition)';
    it(`answers 503 with Retry-After while the path ${what}, never hangs, and resumes by itself`, { timeout: 90_000 }, async () => {
      const { anon, admin, agent } = await setUp();
      proxy![how]();

      const answers = await duringOutage(anon, admin, agent);
      // Nothing answers 500 and nothing hangs (a hang would have aborted the fetch and thrown).
      for (const res of answers) {
        expect([200, 503]).toContain(res.status);
        if (res.status === 503) expectUnavailable(res);
      }
      // Whatever has to reach the database is refused, with the D2 body and Retry-After.
      for (const res of answers.slice(0, 7)) expectUnavailable(res);
      const health = await eventually(() => anon.get('/healthz'), (r) => r.status === 503);
      expectUnavailable(health);
      // Still down a few seconds later: asked again, the server answers the same way (no pile-up).
      for (const res of (await duringOutage(anon, admin, agent)).slice(0, 7)) expectUnavailable(res);
      proxy!.restore();
      // The same process reconnects by itself: no restart, no operator.
      await eventually(() => agent.invoke('steady', 'tick'), (r) => r.status === 200);
      await eventually(() => anon.get('/healthz'), (r) => r.status === 200);
      expect((await anon.post('/rooms', { id: 'after' })).status).toBe(201);
      expect((await anon.post('/rooms/steady/agents', { id: 'carol' })).status).toBe(201);
      const ticks = (await agent.context('steady')).body.state._shared.ticks as number;
      // The first tick and the one after the outage: none of those answered 503 was carried out
      // later (a lock not obtained in time is given up before the client is told to retry).
      expect(ticks).toBe(2);
      expect(server!.output()).not.toMatch(/unhandled error/);
    });
  }
});
