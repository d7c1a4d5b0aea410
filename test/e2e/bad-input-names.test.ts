// Names that are also Object.prototype members (`constructor`, `toString`, …) against a real
// server (SQLite, or PostgreSQL on the PostgreSQL pass): as agent ids, state keys, view ids,
// action ids, help keys and param names they behave like any other name, in CEL and in every
// lookup; `__proto__` is refused at the door.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectD2, expectStillServing } from '../support/bad-input.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { TEST_STORE } from '../support/test-store.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

describe(`names that are Object.prototype members (real server, ${TEST_STORE})`, () => {
  let server: ServerProcess;
  let anon: TestClient;
  let admin: TestClient;
  let alice: TestClient;
  const room = 'names';
  const evalAs = async (client: TestClient, expr: string) => {
    const res = await client.post(`/rooms/${room}/eval`, { expr });
    expect(res.status, `${expr}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body.value;
  };

  beforeAll(async () => {
    server = await startServer();
    anon = new TestClient(server.url);
    admin = anon.as((await anon.post('/rooms', { id: room })).body.token);
    const joined = await anon.post(`/rooms/${room}/agents`, { id: 'alice', state: Object.fromEntries(NAMES.map((n, i) => [n, i])) });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    alice = anon.as(joined.body.token);
    expect((await alice.invoke(room, '_register_action', { id: 'ping', writes: [{ key: 'pings', increment: 1 }] })).status).toBe(201);
    const set = { id: 'set', params: { k: { type: 'string' }, v: { type: 'any' } }, writes: [{ key: '${params.k}', value: '${params.v}' }] };
    expect((await alice.invoke(room, '_register_action', set)).status).toBe(201);
    const gated = { id: 'gated', enabled: 'state._shared.size() >= 0 && agents.size() > 0', writes: [{ key: 'gated_ran', increment: 1 }] };
    expect((await alice.invoke(room, '_register_action', gated)).status).toBe(201);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('as agent ids: they join, appear in agents, read their own scope, and every expression over agents still works', async () => {
    for (const [i, name] of NAMES.entries()) {
      const joined = await anon.post(`/rooms/${room}/agents`, { id: name, state: { mine: i } });
      expect(joined.status, JSON.stringify(joined.body)).toBe(201);
      const agent = anon.as(joined.body.token);
      expect(await evalAs(agent, `"${name}" in agents && agents["${name}"].status != "" && state.self.mine == ${i}`)).toBe(true);
      expect(await evalAs(agent, `state["${name}"].mine`)).toBe(i);
      const ctx = await agent.context(room);
      expect(ctx.status).toBe(200);
      expect(ctx.body.state[name]).toEqual({ mine: i });
      expect(ctx.body.state.self).toEqual({ mine: i });
      expect(Object.keys(ctx.body.agents)).toContain(name);
      expect((await alice.invoke(room, '_send_message', { body: 'hi', to: [name] })).status).toBe(200);
      expect((await agent.context(room, '?only=messages')).body.messages.directed_unread).toBe(1);
    }
    expect(await evalAs(alice, 'agents.size()')).toBe(NAMES.length + 1);
    expect(await evalAs(alice, `agents.all(id, agents[id].status != "")`)).toBe(true);
    expect((await alice.invoke(room, 'gated')).status).toBe(200);
    expect((await admin.get(`/rooms/${room}/poll`)).status).toBe(200);
    expect((await admin.context(room, `?only=state.${NAMES[0]}`)).body.state[NAMES[0]!]).toEqual({ mine: 0 });
    await expectStillServing(anon, alice, room);
  });

  it('as state keys: shared and private keys are ordinary keys, and actions gated on _shared still run', async () => {
    for (const [i, name] of NAMES.entries()) {
      const res = await alice.invoke(room, 'set', { k: name, v: { [name]: i } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    for (const [i, name] of NAMES.entries()) {
      expect(await evalAs(alice, `state._shared["${name}"]["${name}"] == ${i} && "${name}" in state._shared && state.self["${name}"] == ${i}`)).toBe(true);
    }
    expect(await evalAs(alice, `state._shared.filter(k, k != "pings" && k != "gated_ran").size()`)).toBe(NAMES.length);
    const literal = { id: 'literal', writes: [{ key: 'literal', value: '{"constructor": 1, "__proto__": 2, "prototype": 3}', expr: true }] };
    expect((await alice.invoke(room, '_register_action', literal)).status).toBe(201);
    expect((await alice.invoke(room, 'literal')).status).toBe(200);
    const stored = (await alice.context(room, '?only=state')).body.state._shared.literal;
    expect(Object.keys(stored)).toEqual(['constructor', '__proto__', 'prototype']);
    await alice.invoke(room, '_delete_action', { id: 'literal' });
    const gated = await alice.invoke(room, 'gated');
    expect(gated.status, JSON.stringify(gated.body)).toBe(200);
    const shared = (await alice.context(room, '?only=state')).body.state._shared;
    for (const [i, name] of NAMES.entries()) expect(shared[name]).toEqual({ [name]: i });
    await expectStillServing(anon, alice, room);
  });

  it('as view and action ids: they register, evaluate, list and invoke like any other id', async () => {
    for (const [i, name] of NAMES.entries()) {
      expect((await alice.invoke(room, '_register_view', { id: name, expr: `${i} + 1`, scope: '_shared' })).status).toBe(201);
      const action = { id: name, params: { [name]: { type: 'integer' } }, writes: [{ key: `by_${i}`, value: `\${params.${name}}` }], result: `params.${name} * 2` };
      const registered = await alice.invoke(room, '_register_action', action);
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    }
    for (const [i, name] of NAMES.entries()) {
      expect(await evalAs(alice, `views["${name}"] == ${i + 1} && "${name}" in actions && actions["${name}"].available`)).toBe(true);
      const invoked = await alice.invoke(room, name, { [name]: i });
      expect(invoked.status, JSON.stringify(invoked.body)).toBe(200);
      expect(invoked.body.result).toBe(i * 2);
      expect((await alice.context(room, '?only=state')).body.state._shared[`by_${i}`]).toBe(i);
    }
    expect(await evalAs(alice, 'views.size()')).toBe(NAMES.length);
    const ctx = await alice.context(room, '?only=views,actions');
    for (const [i, name] of NAMES.entries()) {
      expect(ctx.body.views[name]).toBe(i + 1);
      expect(ctx.body.actions[name]).toMatchObject({ available: true });
    }
    for (const name of NAMES) {
      expect((await alice.invoke(room, '_delete_view', { id: name })).status).toBe(200);
      expect((await alice.invoke(room, '_delete_action', { id: name })).status).toBe(200);
      expectD2(await alice.invoke(room, name), 'action_not_found');
    }
    await expectStillServing(anon, alice, room);
  });

  it('as help keys: an unknown key is a 404 and a room entry under that key is served', async () => {
    for (const name of [...NAMES, '__proto__']) {
      expectD2(await alice.invoke(room, 'help', { key: name }), 'help_key_not_found', { key: name });
    }
    const def = { id: 'write_help', params: { k: { type: 'string' } }, writes: [{ scope: '_help', key: '${params.k}', value: 'room text', if_version: '' }] };
    const reg = await admin.invoke(room, '_register_action', def);
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    for (const name of NAMES) {
      const written = await admin.invoke(room, 'write_help', { k: name });
      expect(written.status, JSON.stringify(written.body)).toBe(200);
      const read = await alice.invoke(room, 'help', { key: name });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ key: name, content: 'room text', source: 'room' });
    }
    await expectStillServing(anon, alice, room);
  });

  it('__proto__ is refused at the door as an id, a state key and a param name, never a 500', async () => {
    expectD2(await anon.post(`/rooms/${room}/agents`, { id: '__proto__' }), 'invalid_id', { field: 'id' });
    expectD2(await anon.post(`/rooms/${room}/agents`, JSON.parse('{"id": "proto_joiner", "state": {"__proto__": 1}}')), 'invalid_body', { field: 'state' });
    expectD2(await alice.invoke(room, '_register_view', { id: '__proto__', expr: '1' }), 'invalid_id', { param: 'id' });
    expectD2(await alice.invoke(room, '_register_action', { id: '__proto__' }), 'invalid_id', { param: 'id' });
    expectD2(await alice.post(`/rooms/${room}/actions/__proto__/invoke`, {}), 'invalid_id', { action: '__proto__' });
    const setProto = await alice.invoke(room, 'set', { k: '__proto__', v: 1 });
    expect(setProto.status).toBeGreaterThanOrEqual(400);
    expect(setProto.status).toBeLessThan(500);
    const paramDef = JSON.parse('{"id": "proto_param", "params": {"__proto__": {"type": "string"}}, "writes": [{"key": "pp", "value": "${params.__proto__}"}]}');
    const registered = await alice.invoke(room, '_register_action', paramDef);
    expect(registered.status, JSON.stringify(registered.body)).toBeLessThan(500);
    if (registered.status === 201) {
      const invoked = await alice.request('POST', `/rooms/${room}/actions/proto_param/invoke`, '{"params": {"__proto__": "v"}}');
      expect(invoked.status, JSON.stringify(invoked.body)).toBeLessThan(500);
    }
    expect(await evalAs(alice, '"__proto__" in state._shared')).toBe(false);
    await expectStillServing(anon, alice, room);
  });
});
