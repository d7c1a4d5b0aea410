// Bad input against a real server (--body-limit 2048; SQLite, or PostgreSQL on the PostgreSQL
// pass): malformed and mistyped JSON, oversized bodies, invalid ids, CEL errors and runaway
// expressions. Each is a clear D2 4xx.
import { connect as connectSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectD2, expectStillServing } from '../support/bad-input.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { TEST_STORE } from '../support/test-store.js';

const LIMIT = 2048;
const HUNDRED = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
const RUNAWAY = `${HUNDRED}.all(x, ${HUNDRED}.all(y, ${HUNDRED}.all(z, x + y + z >= 0)))`;

describe(`bad input (real server, ${TEST_STORE})`, () => {
  let server: ServerProcess;
  let anon: TestClient;
  let admin: TestClient;
  let alice: TestClient;
  const room = 'bad';

  beforeAll(async () => {
    server = await startServer({ args: ['--body-limit', String(LIMIT)] });
    anon = new TestClient(server.url);
    const created = await anon.post('/rooms', { id: room });
    expect(created.status).toBe(201);
    admin = anon.as(created.body.token);
    const joined = await anon.post(`/rooms/${room}/agents`, { id: 'alice' });
    alice = anon.as(joined.body.token);
    expect((await alice.invoke(room, '_register_action', { id: 'ping', writes: [{ key: 'pings', increment: 1 }] })).status).toBe(201);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const bodyRoutes = (): Array<[string, string]> => [
    ['POST', '/rooms'],
    ['POST', `/rooms/${room}/agents`],
    ['PATCH', `/rooms/${room}/agents/alice`],
    ['POST', `/rooms/${room}/actions/help/invoke`],
    ['POST', `/rooms/${room}/actions/_register_action/invoke`],
    ['POST', `/rooms/${room}/eval`],
  ];
  const actionIds = async () => Object.keys((await alice.context(room, '?only=actions')).body.actions).sort();
  const roomIds = async () => ((await anon.get('/rooms')).body as Array<{ id: string }>).map((r) => r.id).sort();

  it('malformed JSON is 400 invalid_json on every route that takes a body', async () => {
    const rooms = await roomIds();
    for (const [method, path] of bodyRoutes()) {
      for (const text of ['{', '{"id": "x",}', "{'id': 'x'}", '{"id": "x"} trailing', 'nul', '{"id": "\\uZZZZ"}']) {
        const res = await admin.request(method, path, text);
        expectD2(res, 'invalid_json');
        expect(typeof res.body.detail).toBe('string');
      }
    }
    expect(await roomIds()).toEqual(rooms);
    await expectStillServing(anon, alice, room);
  });

  it('a body that is not a JSON object is 400 invalid_body', async () => {
    for (const [method, path] of bodyRoutes()) {
      for (const text of ['[]', '[{"id": "x"}]', '"text"', '42', 'null', 'true']) {
        expectD2(await admin.request(method, path, text), 'invalid_body');
      }
    }
    await expectStillServing(anon, alice, room);
  });

  it('wrong JSON types inside the body are named by field', async () => {
    const actions = await actionIds();
    for (const params of ['key=guide', ['guide'], 42, true]) {
      expectD2(await alice.post(`/rooms/${room}/actions/help/invoke`, { params }), 'invalid_body', { field: 'params' });
    }
    expectD2(await alice.invoke(room, 'help', {}, { agent: 7 }), 'invalid_body', { field: 'agent' });
    for (const writes of [{ key: 'k', value: 1 }, 'k', 5, true]) {
      expectD2(await alice.invoke(room, '_register_action', { id: 'typed', writes }), 'invalid_definition', { field: 'writes' });
    }
    expectD2(await alice.invoke(room, '_register_action', { id: 'typed', writes: [{ key: 5, value: 1 }] }), 'invalid_definition', { field: 'writes[0].key' });
    expectD2(await alice.invoke(room, '_register_action', { id: 'typed', writes: ['k'] }), 'invalid_definition', { field: 'writes[0]' });
    expectD2(await alice.invoke(room, '_register_action', { id: 'typed', params: 'n' }), 'invalid_definition', { field: 'params' });
    expectD2(await alice.invoke(room, '_register_action', { id: 'typed', if: 5 }), 'invalid_param_type', { param: 'if', expected: 'string' });
    for (const id of [42, ['a'], { a: 1 }, false]) {
      expectD2(await alice.invoke(room, '_register_action', { id }), 'invalid_param_type', { param: 'id', expected: 'string' });
      expectD2(await alice.invoke(room, '_delete_action', { id }), 'invalid_param_type', { param: 'id' });
      expectD2(await anon.post('/rooms', { id }), 'invalid_id', { field: 'id' });
      expectD2(await anon.post(`/rooms/${room}/agents`, { id }), 'invalid_id', { field: 'id' });
    }
    expectD2(await anon.post('/rooms', { id: 'typed', meta: 'x' }), 'invalid_body', { field: 'meta' });
    expectD2(await anon.post(`/rooms/${room}/agents`, { id: 'typed', name: 5 }), 'invalid_body', { field: 'name' });
    expectD2(await anon.post(`/rooms/${room}/agents`, { id: 'typed', state: [1] }), 'invalid_body', { field: 'state' });
    expectD2(await admin.request('PATCH', `/rooms/${room}/agents/alice`, { grants: 'all' }), 'invalid_body', { field: 'grants' });
    expectD2(await alice.post(`/rooms/${room}/eval`, { expr: 5 }), 'missing_param', { param: 'expr' });
    expectD2(await alice.invoke(room, '_send_message', { body: 'hi', to: 5 }), 'invalid_param', { param: 'to' });
    expectD2(await alice.invoke(room, 'help', { key: 5 }), 'invalid_param_type', { param: 'key' });
    expect(await actionIds()).toEqual(actions);
    expect((await anon.get('/rooms/typed')).status).toBe(404);
    expect(Object.keys((await alice.context(room)).body.agents)).toEqual(['alice']);
    await expectStillServing(anon, alice, room);
  });

  it('an oversized body is 413 payload_too_large, with or without a content length', async () => {
    const pad = 'x'.repeat(LIMIT + 100);
    expectD2(await anon.post('/rooms', { id: 'huge', meta: { pad } }), 'payload_too_large', { limit: LIMIT });
    expectD2(await alice.invoke(room, '_send_message', { body: pad }), 'payload_too_large', { limit: LIMIT });
    expectD2(await alice.post(`/rooms/${room}/eval`, { expr: `"${pad}" != ""` }), 'payload_too_large');
    expectD2(await admin.request('PATCH', `/rooms/${room}/agents/alice`, { meta: { pad } }), 'payload_too_large');
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? '{"id": "streamed", "meta": {"pad": "' : 'y'.repeat(1000)));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/rooms`, { method: 'POST', body: chunks, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: 'payload_too_large', limit: LIMIT });
    expect((await anon.get('/rooms/huge')).status).toBe(404);
    expect((await anon.get('/rooms/streamed')).status).toBe(404);
    const fits = await alice.invoke(room, '_send_message', { body: 'y'.repeat(LIMIT - 200) });
    expect(fits.status, JSON.stringify(fits.body)).toBe(200);
    await expectStillServing(anon, alice, room);
  });

  it('after a much larger body is refused, streamed or not, the next requests from the same client still answer', async () => {
    for (let round = 0; round < 3; round++) {
      expectD2(await alice.invoke(room, '_send_message', { body: 'z'.repeat(2_000_000) }), 'payload_too_large', { limit: LIMIT });
      const size = [64 * 1024, 1024 * 1024, 10 * 1024 * 1024][round]!;
      const chunks = new ReadableStream({
        start(controller) {
          for (let sent = 0; sent < size; sent += 64 * 1024) controller.enqueue(new TextEncoder().encode('z'.repeat(64 * 1024)));
          controller.close();
        },
      });
      const streamed = await fetch(`${server.url}/rooms/${room}/eval`, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toMatchObject({ error: 'payload_too_large', limit: LIMIT });
      for (let i = 0; i < 3; i++) expect((await anon.get('/healthz')).status).toBe(200);
      await expectStillServing(anon, alice, room);
    }
  });

  it('a deeply nested body or an unrepresentable number is 400 invalid_body, never a 500', async () => {
    const big = await startServer();
    try {
      const client = new TestClient(big.url);
      const made = await client.post('/rooms', { id: 'deep' });
      const agent = client.as((await client.post('/rooms/deep/agents', { id: 'alice' })).body.token);
      const def = { id: 'keep', params: { v: { type: 'any' } }, writes: [{ key: 'v', value: '${params.v}' }] };
      expect((await agent.invoke('deep', '_register_action', def)).status).toBe(201);
      const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
      const ok = await agent.request('POST', '/rooms/deep/actions/keep/invoke', `{"params": {"v": ${nest(90)}}}`);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      for (const n of [100, 5000, 100_000]) {
        const cases: Array<[TestClient, string, string]> = [
          [agent, '/rooms/deep/actions/keep/invoke', `{"params": {"v": ${nest(n)}}}`],
          [agent, '/rooms/deep/actions/_send_message/invoke', `{"params": {"body": ${nest(n)}}}`],
          [agent, '/rooms/deep/eval', `{"expr": "1", "x": ${nest(n)}}`],
          [client, '/rooms/deep/agents', `{"id": "bob", "state": {"x": ${nest(n)}}}`],
          [client, '/rooms', `{"id": "deeper", "meta": {"x": ${nest(n)}}}`],
        ];
        for (const [who, path, text] of cases) expectD2(await who.request('POST', path, text), 'invalid_body', { max_depth: 100 });
      }
      for (const text of ['{"params": {"v": 1e999}}', '{"params": {"v": [-1e400]}}']) {
        expectD2(await agent.request('POST', '/rooms/deep/actions/keep/invoke', text), 'invalid_body');
      }
      expect((await client.get('/rooms/deeper')).status).toBe(404);
      const ctx = await client.as(made.body.token).context('deep');
      expect(Object.keys(ctx.body.agents)).toEqual(['alice']);
      expect(ctx.body.state._shared.v).toEqual(JSON.parse(nest(90)));
      expect(ctx.body.messages.count).toBe(0);
      expect((await client.get('/healthz')).status).toBe(200);
      expect(big.output()).not.toMatch(/unhandled error/);
    } finally {
      await big.stop();
      removeDir(big.dataDir);
    }
  });

  it('an over-long URL is a D2 error too', async () => {
    const res = await anon.get(`/rooms/${room}/context?only=${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.body).toMatchObject({ error: 'headers_too_large', message: expect.any(String) });
    await expectStillServing(anon, alice, room);
  });

  it('a request the HTTP parser cannot read gets a D2 400', async () => {
    const { hostname, port } = new URL(server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connectSocket(Number(port), hostname, () => socket.write('NOT A REQUEST\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    await expectStillServing(anon, alice, room);
  });

  it('invalid room, agent and action ids in the path are 400 invalid_id', async () => {
    const long = 'a'.repeat(65);
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['GET', '/rooms/-x/context', { id: '-x' }],
      ['GET', `/rooms/${long}/context`, { id: long }],
      ['POST', '/rooms/a%20b/agents', { id: 'a b' }],
      ['GET', '/rooms/caf%C3%A9/poll', { id: 'café' }],
      ['POST', '/rooms/_r/eval', { id: '_r' }],
      ['GET', '/rooms/.hidden', { id: '.hidden' }],
      ['PATCH', `/rooms/${room}/agents/_x`, { agentId: '_x' }],
      ['PATCH', `/rooms/${room}/agents/${long}`, { agentId: long }],
      ['POST', `/rooms/${room}/actions/__x/invoke`, { action: '__x' }],
      ['POST', `/rooms/${room}/actions/a%2Fb/invoke`, { action: 'a/b' }],
      ['POST', `/rooms/${room}/actions/${long}/invoke`, { action: long }],
    ];
    for (const [method, path, details] of cases) {
      const body = method === 'GET' ? undefined : {};
      expectD2(await admin.request(method, path, body), 'invalid_id', details);
    }
    await expectStillServing(anon, alice, room);
  });

  it('invalid room, agent, action and view ids in the body are 400 invalid_id', async () => {
    const long = 'x'.repeat(65);
    const rooms = await roomIds();
    for (const id of ['has space', '../etc', long, '', '_room', 'a/b', 'é']) {
      expectD2(await anon.post('/rooms', { id }), 'invalid_id', { field: 'id' });
    }
    for (const id of ['self', '_agent', 'a/b', long, ' alice']) {
      expectD2(await anon.post(`/rooms/${room}/agents`, { id }), 'invalid_id', { field: 'id' });
    }
    for (const id of ['_sneaky', 'a b', long, '-x']) {
      expectD2(await alice.invoke(room, '_register_action', { id }), 'invalid_id', { param: 'id' });
      expectD2(await alice.invoke(room, '_register_view', { id, expr: 'true' }), 'invalid_id', { param: 'id' });
    }
    expect(await roomIds()).toEqual(rooms);
    expect(Object.keys((await alice.context(room)).body.agents)).toEqual(['alice']);
    await expectStillServing(anon, alice, room);
  });

  it('CEL syntax errors at registration are 400 invalid_cel and register nothing', async () => {
    const actions = await actionIds();
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['_register_action', { id: 'c1', if: 'state._shared.x ==' }, 'if', 'parse'],
      ['_register_action', { id: 'c2', enabled: 'true &&& false' }, 'enabled', 'parse'],
      ['_register_action', { id: 'c3', result: '"unclosed' }, 'result', 'parse'],
      ['_register_action', { id: 'c4', if: '1 + 2' }, 'if', 'check'],
      ['_register_action', { id: 'c5', if: 'state | size()' }, 'if', 'parse'],
      ['_register_action', { id: 'c6', writes: [{ key: 'k', value: 'a b c', expr: true }] }, 'writes[0].value', 'parse'],
      ['_register_action', { id: 'c7', writes: [{ key: 'k', value: 1, enabled: '((' }] }, 'writes[0].enabled', 'parse'],
      ['_register_view', { id: 'v1', expr: '1 +' }, 'expr', 'parse'],
      ['_register_view', { id: 'v2', expr: 'true', enabled: 'nope(' }, 'enabled', 'parse'],
    ];
    for (const [builtin, def, field, stage] of cases) {
      const res = await alice.invoke(room, builtin, def);
      expectD2(res, 'invalid_cel', { field, stage });
      expect(typeof res.body.detail).toBe('string');
      expect(typeof res.body.hint).toBe('string');
    }
    expect(await actionIds()).toEqual(actions);
    expect((await alice.context(room)).body.views).toEqual({});
    await expectStillServing(anon, alice, room);
  });

  it('a regex RE2 cannot run (lookaround, back-reference) is 400 invalid_cel everywhere; hostile patterns RE2 runs answer at once', async () => {
    const stall = `"${'a'.repeat(300)}".matches("(?=a*a*a*b)")`;
    const refused = await alice.post(`/rooms/${room}/eval`, { expr: stall });
    expectD2(refused, 'invalid_cel', { field: 'expr', stage: 'check' });
    expect(refused.body.detail).toContain('lookaround');
    expect(refused.body.hint).toContain('RE2');
    expectD2(await alice.post(`/rooms/${room}/eval`, { expr: '"aa".matches("^(a)\\\\1$")' }), 'invalid_cel', { field: 'expr' });
    expectD2(await alice.invoke(room, '_register_view', { id: 'stall', expr: stall }), 'invalid_cel', { field: 'expr' });
    expectD2(await alice.invoke(room, '_register_action', { id: 'stall', if: stall }), 'invalid_cel', { field: 'if' });
    expectD2(await alice.get(`/rooms/${room}/wait?condition=${encodeURIComponent(stall)}&timeout=1`), 'invalid_cel');
    const hostile = `"${'a'.repeat(900)}!"`;
    const [backtracks, health] = await Promise.all([
      alice.post(`/rooms/${room}/eval`, { expr: `${hostile}.matches("^(a+)+$") || ${hostile}.matches("^(a|aa)+$")` }),
      anon.get('/healthz'),
    ]);
    expect(backtracks.status, JSON.stringify(backtracks.body)).toBe(200);
    expect(backtracks.body.value).toBe(false);
    expect(health.status).toBe(200);
    await expectStillServing(anon, alice, room);
  });

  it('a runaway expression is stopped with 400 cel_cost_exceeded while other requests are served', async () => {
    expectD2(await alice.post(`/rooms/${room}/eval`, { expr: RUNAWAY }), 'cel_cost_exceeded', { field: 'expr' });

    expect((await alice.invoke(room, '_register_action', { id: 'spin', if: RUNAWAY, writes: [{ key: 'spun', value: true }] })).status).toBe(201);
    expectD2(await alice.invoke(room, 'spin'), 'cel_cost_exceeded', { field: 'if' });
    expect((await alice.context(room)).body.state._shared.spun).toBeUndefined();

    const runaways = Array.from({ length: 4 }, () => alice.post(`/rooms/${room}/eval`, { expr: RUNAWAY }));
    const [h, c, ...spun] = await Promise.all([anon.get('/healthz'), alice.context(room), ...runaways]);
    expect(h.status).toBe(200);
    expect(c.status).toBe(200);
    for (const r of spun) expectD2(r, 'cel_cost_exceeded');
    await expectStillServing(anon, alice, room);
  });

  it('a view that runs away is refused at registration, and views that grow expensive share one budget per read', async () => {
    expectD2(await alice.invoke(room, '_register_view', { id: 'spin', expr: RUNAWAY, scope: '_shared' }), 'cel_cost_exceeded', { field: 'expr' });
    const grows = 'state._shared.big.all(x, state._shared.big.all(y, state._shared.big.all(z, x + y + z >= 0)))';
    expect((await alice.invoke(room, '_register_action', { id: 'grow', params: { list: { type: 'array' } }, writes: [{ key: 'big', value: '${params.list}' }] })).status).toBe(201);
    expect((await alice.invoke(room, 'grow', { list: [] })).status).toBe(200);
    for (let i = 0; i < 30; i++) {
      expect((await alice.invoke(room, '_register_view', { id: `spin${i}`, expr: grows, scope: '_shared' })).status).toBe(201);
    }
    expect((await alice.invoke(room, 'grow', { list: Array.from({ length: 100 }, (_, i) => i) })).status).toBe(200);
    const [read, health] = await Promise.all([alice.context(room, '?only=views'), anon.get('/healthz')]);
    expect(read.status).toBe(200);
    expect(health.status).toBe(200);
    for (let i = 0; i < 30; i++) expect(read.body.views[`spin${i}`]._error).toMatch(/cost limit/);
    for (let i = 0; i < 30; i++) await alice.invoke(room, '_delete_view', { id: `spin${i}` });
    await expectStillServing(anon, alice, room);
  });
});
