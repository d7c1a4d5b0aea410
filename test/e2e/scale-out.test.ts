// Two real server processes on one PostgreSQL (issue 9, must-show 1 and 2): every commit made
// through one reaches the other's waits, streams, caches and timers through the change feed.
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { connectMcp } from '../support/mcp.js';
import { adminQuery, closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { readSse, type SseEvent } from '../support/sse.js';

const available = await postgresForTests();
afterAll(closeAdmin);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('two server processes on one PostgreSQL', () => {
  let schema: TestSchema | null = null;
  const servers: ServerProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const sep = DATABASE_URL.includes('?') ? '&' : '?';
    const server = await startServer({ env: { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema!.name}`, ...env } });
    servers.push(server);
    return server;
  };
  /** Two processes, a room `r` made through the first, and alice's agent token. */
  const pair = async () => {
    schema = await freshSchema();
    const [a, b] = [await start(), await start()];
    const anon = new TestClient(a.url);
    const admin = (await anon.post('/rooms', { id: 'r' })).body.token as string;
    const alice = (await anon.post('/rooms/r/agents', { id: 'alice' })).body.token as string;
    return { a, b, admin, alice, onA: new TestClient(a.url, undefined, alice), onB: new TestClient(b.url, undefined, alice) };
  };
  /** Until `check` holds, asking again and again (no timing assumed; the test's timeout bounds it). */
  const eventually = async (check: () => Promise<boolean>) => {
    while (!(await check())) await sleep(20);
  };
  const timerRecords = async () => Number((await adminQuery<{ n: string }>(`SELECT count(*) AS n FROM ${schema!.name}.log WHERE room_id = 'r' AND kind = 'timer'`))[0]!.n);

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      removeDir(server.dataDir);
    }
    await schema?.drop();
    schema = null;
  });

  it('wakes a wait on one process with an invocation through the other', async () => {
    const { onA, onB } = await pair();
    await onB.invoke('r', '_register_action', { id: 'go', writes: [{ key: 'go', value: true }] });
    const waited = onA.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=20000`);
    // The wait is pending on A once A shows alice as waiting.
    await eventually(async () => (await onA.context('r', '?only=agents')).body.agents?.alice?.status === 'waiting');
    expect((await onB.invoke('r', 'go')).status).toBe(200);
    const answer = await waited;
    expect(answer.status).toBe(200);
    expect(answer.body.triggered).toBe(true);
    expect(answer.body.timeout).toBeUndefined();
  });

  it('shows an agent waiting on one process as waiting on the other, and a restart of the other keeps it so', async () => {
    const { b, admin, onA, onB } = await pair();
    const waited = onA.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=20000`);
    // A writes the soft state; the feed's presence notice brings it to B.
    await eventually(async () => (await onB.context('r', '?only=agents')).body.agents?.alice?.status === 'waiting');
    await b.stop();
    const again = await start();
    // Reads and writes through the room token: alice's presence is written by A alone (a read as
    // alice heartbeats her, and two processes writing one agent's soft state race, last write
    // wins until the status expires; see decisions).
    const adminAgain = new TestClient(again.url, undefined, admin);
    expect((await adminAgain.context('r', '?only=agents')).body.agents.alice).toMatchObject({ status: 'waiting', waiting_on: 'state._shared.go == true' });
    await adminAgain.invoke('r', '_register_action', { id: 'go', writes: [{ key: 'go', value: true }] });
    await adminAgain.invoke('r', 'go');
    expect((await waited).body.triggered).toBe(true);
    // The wait ended on A: B hears alice is active again.
    await eventually(async () => (await adminAgain.context('r', '?only=agents')).body.agents?.alice?.status === 'active');
  });

  it('lets a waiting status held by a killed process expire on the other, and a new process never adopts it', async () => {
    schema = await freshSchema();
    // The longest wait is 1 s here, so a `waiting` older than 1 s + WAITING_GRACE_MS (5 s) is stale.
    const [a, b] = [await start({ WAIT_MAX_MS: '1000' }), await start({ WAIT_MAX_MS: '1000' })];
    const anon = new TestClient(a.url);
    await anon.post('/rooms', { id: 'r' });
    const alice = (await anon.post('/rooms/r/agents', { id: 'alice' })).body.token as string;
    const [onA, onB] = [new TestClient(a.url, undefined, alice), new TestClient(b.url, undefined, alice)];
    // Waits on A, one after the other, until B has seen alice waiting; then A dies holding one.
    let waiting = false;
    while (!waiting) {
      void onA.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.never == true')}`).catch(() => undefined);
      await sleep(200);
      waiting = (await onB.context('r', '?only=agents')).body.agents?.alice?.status === 'waiting';
    }
    await a.kill();
    // B holds no wait of alice's: once the status is too old for any wait, B shows her active.
    await eventually(async () => (await onB.context('r', '?only=agents')).body.agents?.alice?.status === 'active');
    const c = await start({ WAIT_MAX_MS: '1000' });
    expect((await new TestClient(c.url, undefined, alice).context('r', '?only=agents')).body.agents.alice).toMatchObject({ status: 'active', waiting_on: null });
  });

  it('streams on one process every commit made through the other, once each and in order', async () => {
    const { a, alice, onA, onB } = await pair();
    expect((await onA.invoke('r', '_register_action', { id: 'tick', writes: [{ key: 'ticks', increment: 1 }] })).status).toBe(201);
    const writes: Array<Promise<number>> = [];
    let started = false;
    const read = readSse(`${a.url}/rooms/r/events`, { authorization: `Bearer ${alice}` }, (events) => {
      if (!started && events.some((e) => e.event === 'ready')) {
        started = true;
        // 30 commits through B, 10 through A, interleaved.
        for (let i = 0; i < 40; i++) writes.push((i % 4 === 0 ? onA : onB).invoke('r', 'tick').then((r) => r.status));
      }
      return events.filter(isTick).length >= 40;
    });
    const { events } = await read;
    expect(await Promise.all(writes)).toEqual(Array(40).fill(200));
    const seqs = events.filter(isTick).map((e) => Number(e.id));
    expect(seqs).toHaveLength(40);
    expect(new Set(seqs).size).toBe(40);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // Exactly the log's invocations of tick, none missing.
    const logged = await adminQuery<{ seq: string }>(`SELECT seq FROM ${schema!.name}.log WHERE room_id = 'r' AND action = 'tick' AND ok = 1 AND kind = 'invoke' ORDER BY seq`);
    expect(logged.map((r) => Number(r.seq))).toEqual(seqs);
  });

  it('notifies an MCP resource subscription on one process of each commit made through the other (issue 11)', async () => {
    const { a, admin, onB } = await pair();
    const mcp = await connectMcp(a.url, admin);
    try {
      const updates: string[] = [];
      let heard: () => void = () => {};
      mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates.push(n.params.uri);
        heard();
      });
      const next = () => new Promise<void>((resolve) => (heard = resolve));
      await mcp.client.subscribeResource({ uri: 'sync://rooms/r/context' });
      // One more request, so the client has opened the stream that carries notifications.
      await mcp.client.ping();
      let update = next();
      expect((await onB.invoke('r', '_send_message', { body: 'from B' })).status).toBe(200);
      await update;
      expect(updates).toEqual(['sync://rooms/r/context']);
      // Each commit is heard, not only the first: a second one through B brings a second update.
      update = next();
      expect((await onB.invoke('r', '_register_action', { id: 'go', writes: [{ key: 'go', value: true }] })).status).toBe(201);
      await update;
      expect(updates).toEqual(['sync://rooms/r/context', 'sync://rooms/r/context']);
      // What A's resource shows is the other process's commits.
      const read = await mcp.client.readResource({ uri: 'sync://rooms/r/context' });
      const body = JSON.parse((read.contents[0] as { text: string }).text);
      expect(JSON.stringify(body.context.messages)).toContain('from B');
      expect(Object.keys(body.context.actions)).toContain('go');
    } finally {
      await mcp.close();
    }
  });

  it('gives exactly one winner of 40 concurrent claims spread over both', async () => {
    const { a, b, onA } = await pair();
    expect((await onA.invoke('r', '_register_action', { id: 'claim', if: '!has(state._shared.owner)', writes: [{ key: 'owner', value: '${self}' }] })).status).toBe(201);
    const anonA = new TestClient(a.url);
    const claimers: TestClient[] = [];
    for (let i = 0; i < 40; i++) {
      const token = (await anonA.post('/rooms/r/agents', { id: `c${i}` })).body.token as string;
      claimers.push(new TestClient(i % 2 ? b.url : a.url, undefined, token));
    }
    const results = await Promise.all(claimers.map((c) => c.invoke('r', 'claim')));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error)).toEqual(Array(39).fill('precondition_failed'));
    const owners = await Promise.all([new TestClient(a.url), new TestClient(b.url)].map((c) => c.context('r')));
    expect(owners.map((o) => o.body.state._shared.owner)).toEqual([expect.stringMatching(/^c\d+$/), owners[0]!.body.state._shared.owner]);
  });

  it('adds exactly 100 with 100 concurrent increments spread over both, and both read 100', async () => {
    const { onA, onB } = await pair();
    await onA.invoke('r', '_register_action', { id: 'inc', writes: [{ key: 'n', increment: 1 }] });
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? onB : onA).invoke('r', 'inc').then((r) => r.status)));
    expect(statuses).toEqual(Array(100).fill(200));
    // Both caches were kept true by the feed: no write is needed to see the other's commits.
    await eventually(async () => (await onA.context('r')).body.state._shared.n === 100 && (await onB.context('r')).body.state._shared.n === 100);
  });

  it('fires a wall-clock timer exactly once although both processes schedule it', async () => {
    const { onA, onB } = await pair();
    await onA.invoke('r', '_register_action', { id: 'spark', writes: [{ key: 'spark', value: true, timer: { ms: 1500, effect: 'delete' } }] });
    expect((await onA.invoke('r', 'spark')).status).toBe(200);
    const gone = encodeURIComponent('!has(state._shared.spark)');
    const [onAWoke, onBWoke] = await Promise.all([onA.get(`/rooms/r/wait?condition=${gone}&timeout=20000`), onB.get(`/rooms/r/wait?condition=${gone}&timeout=20000`)]);
    expect([onAWoke.body.triggered, onBWoke.body.triggered]).toEqual([true, true]);
    // A wait wakes when the firing is applied; its transaction commits right after. Then each
    // process takes the room's lock once more, after any firing attempt of its own.
    await eventually(async () => (await timerRecords()) >= 1);
    await onB.invoke('r', '_register_action', { id: 'noop', writes: [{ key: 'noop', value: 1 }] });
    await onA.invoke('r', 'noop');
    expect(await timerRecords()).toBe(1);
  });

  it('refuses at once on one process a room token rotated through the other, and accepts the new one', async () => {
    const { a, b, admin } = await pair();
    const [adminA, adminB] = [new TestClient(a.url, undefined, admin), new TestClient(b.url, undefined, admin)];
    expect((await adminB.get('/rooms/r')).status).toBe(200); // B has the room and the old token cached
    const rotated = await adminA.post('/rooms/r/rotate-token');
    expect(rotated.status).toBe(200);
    const old = await adminB.get('/rooms/r');
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_token');
    expect((await adminB.as(rotated.body.token).get('/rooms/r')).status).toBe(200);
  });

  it('refuses on one process an agent token revoked by a re-join through the other', async () => {
    const { a, b, admin, onB } = await pair();
    expect((await onB.context('r')).status).toBe(200); // B caches alice's credential
    const rejoined = await new TestClient(a.url, undefined, admin).post('/rooms/r/agents', { id: 'alice' });
    expect(rejoined.status).toBeLessThan(300);
    const old = await onB.context('r');
    expect(old.status).toBe(401);
    expect((await new TestClient(b.url, undefined, rejoined.body.token).context('r')).status).toBe(200);
  });

  it('ends the streams and waits of one process when the room is deleted through the other', async () => {
    const { a, b, admin, alice, onB } = await pair();
    const waited = onB.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.never == true')}&timeout=20000`);
    await eventually(async () => (await onB.context('r', '?only=agents')).body.agents?.alice?.status === 'waiting');
    let deleted = false;
    const stream = readSse(`${b.url}/rooms/r/events`, { authorization: `Bearer ${alice}` }, (events) => {
      if (!deleted && events.some((e) => e.event === 'ready')) {
        deleted = true;
        void new TestClient(a.url, undefined, admin).request('DELETE', '/rooms/r');
      }
      return false;
    });
    const { events, ended } = await stream;
    expect(ended).toBe(true);
    expect(events.at(-1)?.event).toBe('room_deleted');
    const answer = await waited;
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: 'room_not_found', deleted: true });
    expect((await new TestClient(b.url).context('r')).status).toBe(404);
  });

  it('survives kill -9 of one process under load: the other serves, nothing acknowledged is lost, its timers fire', async () => {
    const { a, onA, onB } = await pair();
    await onA.invoke('r', '_register_action', { id: 'mark', params: { i: { type: 'string' } }, writes: [{ key: 'm_${params.i}', value: true }] });
    await onA.invoke('r', '_register_action', { id: 'spark', writes: [{ key: 'spark', value: true, timer: { ms: 2500, effect: 'delete' } }] });
    // A timer set through A only: B knows its deadline from the feed alone.
    expect((await onA.invoke('r', 'spark')).status).toBe(200);
    const acknowledged: string[] = [];
    let killed = false;
    const load = Array.from({ length: 120 }, async (_, i) => {
      const client = i % 2 ? onB : onA;
      try {
        const res = await client.invoke('r', 'mark', { i: String(i) });
        if (res.status === 200) acknowledged.push(String(i));
        else if (client === onB) throw new Error(`B answered ${res.status}: ${JSON.stringify(res.body)}`);
      } catch (error) {
        if (client === onB || !killed) throw error;
      }
    });
    await eventually(async () => acknowledged.length >= 20);
    killed = true;
    await servers[0]!.kill();
    expect(a.child.signalCode).toBe('SIGKILL');
    await Promise.all(load);
    // B keeps serving and holds every acknowledged invocation, made through either process.
    const state = (await onB.context('r')).body.state._shared;
    for (const i of acknowledged) expect(state[`m_${i}`], `acknowledged mark ${i}`).toBe(true);
    expect((await onB.invoke('r', 'mark', { i: 'after' })).status).toBe(200);
    // The dead process's timer fires on the survivor.
    const gone = await onB.get(`/rooms/r/wait?condition=${encodeURIComponent('!has(state._shared.spark)')}&timeout=20000`);
    expect(gone.body.triggered).toBe(true);
    // A wait wakes when the firing is applied; its transaction commits right after.
    await eventually(async () => (await timerRecords()) >= 1);
    expect(await timerRecords()).toBe(1);
  });
});

function isTick(e: SseEvent): boolean {
  return e.event === 'invoke' && JSON.parse(e.data!).action === 'tick';
}
