// Bad writes against a real server (SQLite, or PostgreSQL on the PostgreSQL pass): reserved
// scopes at registration and through templated scopes, and all-or-nothing invocations and
// registrations (D8, D11), across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/protocol/error-codes.js';
import { expectD2, expectStillServing, roomSnapshot } from '../support/bad-input.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { TEST_STORE } from '../support/test-store.js';

const RESERVED = ['_actions', '_views', '_agents', '_messages', '_audit', '_config'];

describe(`bad writes (real server, ${TEST_STORE})`, () => {
  let server: ServerProcess;
  let anon: TestClient;
  let admin: TestClient;
  let alice: TestClient;
  const tokens = { admin: '', alice: '' };
  const room = 'writes';
  const register = (def: Record<string, unknown>) => alice.invoke(room, '_register_action', def);
  const connect = () => {
    anon = new TestClient(server.url);
    admin = anon.as(tokens.admin);
    alice = anon.as(tokens.alice);
  };
  const lastAudit = async () => (await admin.get(`/rooms/${room}/poll?limit=1`)).body.audit[0];

  beforeAll(async () => {
    server = await startServer();
    anon = new TestClient(server.url);
    tokens.admin = (await anon.post('/rooms', { id: room })).body.token;
    tokens.alice = (await anon.post(`/rooms/${room}/agents`, { id: 'alice' })).body.token;
    await anon.post(`/rooms/${room}/agents`, { id: 'bob' });
    connect();
    expect((await register({ id: 'ping', writes: [{ key: 'pings', increment: 1 }] })).status).toBe(201);
    const seed = { id: 'seed', writes: [{ key: 'counter', value: 5 }, { key: 'log', value: ['start'] }, { key: 'label', value: 'text' }, { key: 'slot', value: 'v1' }] };
    expect((await register(seed)).status).toBe(201);
    expect((await alice.invoke(room, 'seed')).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('a write into each reserved scope is refused at registration with 400 reserved_scope', async () => {
    const before = await roomSnapshot(admin, alice, room);
    for (const scope of RESERVED) {
      const single = await register({ id: `into${scope}`, writes: [{ scope, key: 'k', value: 1 }] });
      expectD2(single, 'reserved_scope', { scope, field: 'writes[0]' });
      const third = await register({ id: `late${scope}`, writes: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { scope, key: 'k', value: 3 }] });
      expectD2(third, 'reserved_scope', { scope, field: 'writes[2]' });
    }
    expectD2(await register({ id: 'help_no_proof', writes: [{ scope: '_help', key: 'guide', value: 'mine' }] }), 'reserved_scope', { scope: '_help' });
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    await expectStillServing(anon, alice, room);
  });

  it('a templated scope that resolves to a reserved scope is refused at invocation and writes nothing', async () => {
    const def = { id: 'sneak', params: { s: { type: 'string' } }, writes: [{ scope: '${params.s}', key: 'k', value: 1 }] };
    expect((await register(def)).status).toBe(201);
    for (const scope of RESERVED) {
      const before = await roomSnapshot(admin, alice, room);
      expectD2(await alice.invoke(room, 'sneak', { s: scope }), 'reserved_scope', { action: 'sneak', scope });
      expect(await roomSnapshot(admin, alice, room)).toEqual(before);
      expect(await lastAudit()).toMatchObject({ action: 'sneak', ok: false, error: 'reserved_scope' });
      expect((await lastAudit()).writes).toBeUndefined();
    }
    expect(Object.keys((await alice.context(room)).body.actions)).not.toContain('k');
    await expectStillServing(anon, alice, room);
  });

  it('a templated scope that resolves to _help without if_version is refused (D8)', async () => {
    expectD2(await alice.invoke(room, 'sneak', { s: '_help' }), 'reserved_scope', { scope: '_help' });
    expect((await alice.invoke(room, 'help', { key: 'k' })).status).toBe(404);
  });

  const failingThird: Array<[string, Record<string, unknown>, Record<string, unknown>, ErrorCode]> = [
    ['reserved templated scope', { scope: '${params.s}', key: 'k', value: 3 }, { s: '_agents' }, 'reserved_scope'],
    ['bad increment target', { key: 'label', increment: 1 }, {}, 'invalid_write'],
    ['if_version conflict', { key: 'slot', value: 'v2', if_version: '${params.v}' }, { v: 'stale0123456789a' }, 'version_conflict'],
    ['if_version on a missing key', { key: 'nowhere', value: 1, if_version: '${params.v}' }, { v: 'abc' }, 'not_found'],
    ["another agent's scope", { scope: '${params.who}', key: 'k', value: 3 }, { who: 'bob' }, 'scope_denied'],
    ['an invalid scope name', { scope: '${params.s}', key: 'k', value: 3 }, { s: 'not a scope' }, 'invalid_scope'],
    ['an empty key', { key: '${params.k}', value: 3 }, {}, 'write_key_required'],
    ['a failing expression', { key: 'k', value: 'state._shared.nope', expr: true }, {}, 'cel_error'],
  ];

  it.each(failingThird)('an invocation whose third write fails (%s) leaves the first two unwritten', async (name, third, params, code) => {
    const id = `three_${failingThird.findIndex(([n]) => n === name)}`;
    const writes = [{ key: `${id}.first`, value: 'written?' }, { key: 'counter', increment: 10 }, third];
    expect((await register({ id, writes })).status).toBe(201);
    const before = await roomSnapshot(admin, alice, room);
    expectD2(await alice.invoke(room, id, params), code);
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    const shared = (await alice.context(room, '?only=state')).body.state._shared;
    expect(shared[`${id}.first`]).toBeUndefined();
    expect(shared.counter).toBe(5);
    const polled = (await admin.get(`/rooms/${room}/poll`)).body.state as Array<{ scope: string; key: string }>;
    expect(polled.find((r) => r.key === `${id}.first`)).toBeUndefined();
    expect(await lastAudit()).toMatchObject({ action: id, ok: false, error: code });
    await expectStillServing(anon, alice, room);
  });

  it('a failed registration leaves no action behind', async () => {
    const before = await roomSnapshot(admin, alice, room);
    const failures: Array<[Record<string, unknown>, ErrorCode]> = [
      [{ id: 'f1', writes: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { scope: '_views', key: 'c', value: 3 }] }, 'reserved_scope'],
      [{ id: 'f2', writes: [{ key: 'a', value: 1 }], result: 'size(' }, 'invalid_cel'],
      [{ id: 'f3', writes: [{ key: 'a', value: 1 }], timer: { ms: 1000 } }, 'invalid_timer'],
      [{ id: 'f4', writes: [{ key: 'a', value: 1 }, { key: '${nope}', value: 2 }] }, 'invalid_template'],
      [{ id: 'f5', writes: [{ key: 'a', value: 1 }, { value: 2 }] }, 'write_key_required'],
      [{ id: 'f6', writes: [{ key: 'a', value: 1 }], params: { n: { type: 'float' } } }, 'invalid_definition'],
      [{ id: 'f7', writes: [{ key: 'a', value: 1 }], on_invoke: { timer: 'soon' } }, 'invalid_timer'],
    ];
    for (const [def, code] of failures) {
      expectD2(await register(def), code);
      expectD2(await alice.invoke(room, def.id as string), 'action_not_found');
    }
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    await expectStillServing(anon, alice, room);
  });

  it('a failed re-registration keeps the previous definition', async () => {
    expect((await register({ id: 'stable', writes: [{ key: 'stable', value: 'old' }] })).status).toBe(201);
    const before = await roomSnapshot(admin, alice, room);
    expectD2(await register({ id: 'stable', writes: [{ key: 'stable', value: 'new' }, { scope: '_audit', key: 'x', value: 1 }] }), 'reserved_scope');
    expectD2(await register({ id: 'stable', writes: [{ key: 'stable', value: 'new' }], if: 'state.' }), 'invalid_cel');
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    const ran = await alice.invoke(room, 'stable');
    expect(ran.body.writes).toEqual([{ scope: '_shared', key: 'stable', value: 'old' }]);
  });

  it('an increment that overflows is refused with 400 invalid_write and keeps the counter', async () => {
    expect((await register({ id: 'huge_inc', params: { by: { type: 'number' } }, writes: [{ key: 'huge', increment: '${params.by}' }] })).status).toBe(201);
    expect((await alice.invoke(room, 'huge_inc', { by: 1.7e308 })).status).toBe(200);
    expectD2(await alice.invoke(room, 'huge_inc', { by: 1.7e308 }), 'invalid_write', { key: 'huge' });
    expect((await alice.context(room, '?only=state')).body.state._shared.huge).toBe(1.7e308);
  });

  it('a CEL value JSON cannot hold (Infinity, NaN) or an int64 overflow is a 400 cel_error that writes nothing', async () => {
    const def = { id: 'nonfinite', params: { e: { type: 'string', enum: ['inf', 'nan', 'min', 'neg'] } }, writes: [{ key: 'quotient', value: 'params.e == "inf" ? 1.0 / 0.0 : params.e == "nan" ? [0.0 / 0.0] : params.e == "min" ? dyn(-9223372036854775808 / -1) : dyn(-(-9223372036854775808))', expr: true }] };
    expect((await register(def)).status).toBe(201);
    const before = await roomSnapshot(admin, alice, room);
    for (const [e, detail] of [['inf', /Infinity, which JSON cannot hold/], ['nan', /NaN, which JSON cannot hold/], ['min', /overflow/], ['neg', /overflow/]] as const) {
      const res = await alice.invoke(room, 'nonfinite', { e });
      expectD2(res, 'cel_error', { field: 'writes[0].value', key: 'quotient' });
      expect(res.body.detail, e).toMatch(detail);
      expect(typeof res.body.hint).toBe('string');
    }
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    for (const expr of ['1.0 / 0.0', '[0.0 / 0.0]', '-9223372036854775808 / -1', '-9223372036854775808 % -1']) {
      const res = await alice.post(`/rooms/${room}/eval`, { expr });
      expectD2(res, 'cel_error', { field: 'expr', expression: expr });
      expect(res.body.detail).toMatch(/JSON cannot hold|overflow/);
    }
    expect((await alice.post(`/rooms/${room}/eval`, { expr: '1.0 / 0.0 > 0.0' })).body.value).toBe(true);
    const result = { id: 'inf_result', writes: [{ key: 'inf_ran', value: true }], result: '1.0 / 0.0' };
    expect((await register(result)).status).toBe(201);
    const ran = await alice.invoke(room, 'inf_result');
    expect(ran.status).toBe(200);
    expect(ran.body.result).toEqual({ _error: expect.stringContaining('JSON cannot hold') });
    expect((await alice.invoke(room, '_register_view', { id: 'inf_view', expr: '1.0 / 0.0' })).status).toBe(201);
    expect((await alice.context(room, '?only=views')).body.views.inf_view).toEqual({ _error: expect.stringContaining('JSON cannot hold') });
    await alice.invoke(room, '_delete_view', { id: 'inf_view' });
    await expectStillServing(anon, alice, room);
  });

  it('after a restart, nothing from the failed requests is there and the server still serves', async () => {
    const before = await roomSnapshot(admin, alice, room);
    const { dataDir } = server;
    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir });
    connect();
    expect(await roomSnapshot(admin, alice, room)).toEqual(before);
    const shared = (await alice.context(room, '?only=state')).body.state._shared;
    expect(Object.keys(shared).filter((k) => k.endsWith('.first'))).toEqual([]);
    expect(shared.counter).toBe(5);
    expect(shared.slot).toBe('v1');
    await expectStillServing(anon, alice, room);
  });
});
