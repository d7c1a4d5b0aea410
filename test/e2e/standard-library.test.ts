// The standard library (sync-core §14.4 under D3, D4, D12): every entry, fetched from help and
// registered as returned, registers cleanly and does what its description says.
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import type { TestClient } from '../support/http-client.js';

type Entry = { id: string; description: string; [field: string]: unknown };

const EXPECTED_IDS = ['set', 'delete', 'increment', 'append', 'update_objective', 'update_status', 'claim', 'submit_result', 'vote', 'publish_view', 'define_role', 'fill_role', 'vacate_role'];

describe('standard library', () => {
  let client: TestClient;
  let library: Entry[];
  let roomCount = 0;

  beforeAll(async () => {
    client = inProcessApp().client;
    const { tokens } = await roomWithAgents(client, 'fetch', ['reader']);
    const res = await client.as(tokens.reader).invoke('fetch', 'help', { key: 'standard_library' });
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('system');
    library = res.body.content;
  });

  /** A fresh room with alice and bob and the given library entries registered by alice as returned. */
  async function roomWith(ids: string[]) {
    const room = `lib${++roomCount}`;
    const { admin, tokens } = await roomWithAgents(client, room, ['alice', 'bob']);
    const alice = client.as(tokens.alice!);
    const bob = client.as(tokens.bob!);
    for (const id of ids) {
      const res = await alice.invoke(room, '_register_action', entry(id));
      expect(res.status, `${id}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    const shared = async () => (await client.as(admin).context(room, '?only=state._shared')).body.state._shared;
    const evalAs = async (who: TestClient, expr: string) => {
      const res = await who.post(`/rooms/${room}/eval`, { expr });
      expect(res.status, `${expr}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.value;
    };
    return { room, admin: client.as(admin), alice, bob, shared, evalAs };
  }

  function entry(id: string): Entry {
    const found = library.find((e) => e.id === id);
    if (!found) throw new Error(`no standard library entry ${id}`);
    return structuredClone(found);
  }

  it('lists the documented entries, each with a description', () => {
    expect(library.map((e) => e.id)).toEqual(EXPECTED_IDS);
    for (const e of library) expect(typeof e.description, e.id).toBe('string');
  });

  it('registers every entry, as returned, with 201 and no warning in an empty room', async () => {
    for (const e of library) {
      const room = `alone-${e.id}`;
      const { tokens } = await roomWithAgents(client, room, ['alice']);
      const res = await client.as(tokens.alice!).invoke(room, '_register_action', e);
      expect(res.status, `${e.id}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.warning, e.id).toBeUndefined();
      expect(res.body).toMatchObject({ id: e.id, description: e.description, writes: e.writes });
    }
  });

  it('set keeps the JSON type of the value (D3)', async () => {
    const { room, alice, shared, evalAs } = await roomWith(['set']);
    const values: Record<string, unknown> = { str: '42', num: 42, dbl: 2.5, yes: true, obj: { a: [1, '2'] }, list: [1, 'two', null], nil: null };
    for (const [key, value] of Object.entries(values)) {
      const res = await alice.invoke(room, 'set', { key, value });
      expect(res.status, key).toBe(200);
      expect(res.body.writes).toEqual([{ scope: '_shared', key, value }]);
    }
    expect(await shared()).toEqual(values);
    expect(await evalAs(alice, 'state._shared.str == "42" && state._shared.num == 42 && state._shared.num + 1 == 43')).toBe(true);
    await alice.invoke(room, 'set', { key: 'num', value: 'replaced' });
    expect((await shared()).num).toBe('replaced');
    const missing = await alice.invoke(room, 'set', { key: 'k' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'missing_param', param: 'value' });
  });

  it('delete removes the key (has() is false afterwards)', async () => {
    const { room, alice, shared, evalAs } = await roomWith(['set', 'delete']);
    await alice.invoke(room, 'set', { key: 'doomed', value: 1 });
    expect(await evalAs(alice, 'has(state._shared.doomed)')).toBe(true);
    const res = await alice.invoke(room, 'delete', { key: 'doomed' });
    expect(res.status).toBe(200);
    expect(res.body.writes).toEqual([{ scope: '_shared', key: 'doomed', deleted: true }]);
    expect(await evalAs(alice, 'has(state._shared.doomed)')).toBe(false);
    expect(await evalAs(alice, '"doomed" in state._shared')).toBe(false);
    expect(await shared()).not.toHaveProperty('doomed');
    expect((await alice.invoke(room, 'delete', { key: 'never-there' })).status).toBe(200);
  });

  it('increment adds by (default 1) and starts a missing counter at 0', async () => {
    const { room, alice, bob, shared } = await roomWith(['set', 'increment']);
    const first = await alice.invoke(room, 'increment', { key: 'n' });
    expect(first.status).toBe(200);
    expect(first.body.writes).toEqual([{ scope: '_shared', key: 'n', value: 1 }]);
    await bob.invoke(room, 'increment', { key: 'n', by: 5 });
    await alice.invoke(room, 'increment', { key: 'n', by: -2 });
    expect((await shared()).n).toBe(4);
    await alice.invoke(room, 'increment', { key: 'n', by: 0.5 });
    expect((await shared()).n).toBe(4.5);
    const typed = await alice.invoke(room, 'increment', { key: 'n', by: '3' });
    expect(typed.status).toBe(400);
    expect(typed.body).toMatchObject({ error: 'invalid_param_type', param: 'by', expected: 'number' });
    await alice.invoke(room, 'set', { key: 'word', value: 'abc' });
    const notNumber = await alice.invoke(room, 'increment', { key: 'word' });
    expect(notNumber.status).toBe(400);
    expect((await shared()).word).toBe('abc');
  });

  it('append adds entries to a list, starting from an empty list', async () => {
    const { room, alice, bob, shared } = await roomWith(['append']);
    const res = await alice.invoke(room, 'append', { key: 'log', entry: { who: 'alice' } });
    expect(res.status).toBe(200);
    expect(res.body.writes).toEqual([{ scope: '_shared', key: 'log', value: { who: 'alice' } }]);
    await bob.invoke(room, 'append', { key: 'log', entry: '42' });
    await bob.invoke(room, 'append', { key: 'log', entry: 42 });
    expect((await shared()).log).toEqual([{ who: 'alice' }, '42', 42]);
  });

  it('update_objective and update_status write the invoker\'s private scope', async () => {
    const { room, alice, bob, evalAs } = await roomWith(['update_objective', 'update_status']);
    const res = await alice.invoke(room, 'update_objective', { objective: 'find the key' });
    expect(res.status).toBe(200);
    expect(res.body.writes).toEqual([
      { scope: 'alice', key: 'objective', value: 'find the key' },
      { scope: 'alice', key: 'status', value: 'active' },
    ]);
    await alice.invoke(room, 'update_objective', { objective: 'open the door', status: 'blocked' });
    expect(await evalAs(alice, 'state.self')).toEqual({ objective: 'open the door', status: 'blocked' });
    await bob.invoke(room, 'update_status', { status: 'idle' });
    expect(await evalAs(bob, 'state.self')).toEqual({ status: 'idle' });
    expect(await evalAs(alice, 'state.self.status')).toBe('blocked');
    expect(await evalAs(bob, 'has(state.alice)')).toBe(false);
    // As the description says, a view publishes them.
    const view = await alice.invoke(room, '_register_view', { id: 'alice.objective', expr: 'state.alice.objective' });
    expect(view.status).toBe(201);
    expect(await evalAs(bob, 'views["alice.objective"]')).toBe('open the door');
  });

  it('claim gives a slot to the first agent and refuses everyone after', async () => {
    const { room, alice, bob, shared } = await roomWith(['claim', 'delete']);
    const won = await alice.invoke(room, 'claim', { key: 'slot' });
    expect(won.status).toBe(200);
    expect(won.body.writes).toEqual([{ scope: '_shared', key: 'slot', value: 'alice' }]);
    const lost = await bob.invoke(room, 'claim', { key: 'slot' });
    expect(lost.status).toBe(409);
    expect(lost.body).toMatchObject({ error: 'precondition_failed', action: 'claim' });
    expect((await alice.invoke(room, 'claim', { key: 'slot' })).status).toBe(409);
    expect((await shared()).slot).toBe('alice');
    await alice.invoke(room, 'delete', { key: 'slot' });
    expect((await bob.invoke(room, 'claim', { key: 'slot' })).status).toBe(200);
    expect((await shared()).slot).toBe('bob');
  });

  it('submit_result stores <id>.result with its type and overwrites on resubmission', async () => {
    const { room, alice, bob, shared } = await roomWith(['submit_result']);
    const res = await alice.invoke(room, 'submit_result', { result: '42' });
    expect(res.body.writes).toEqual([{ scope: '_shared', key: 'alice.result', value: '42' }]);
    await bob.invoke(room, 'submit_result', { result: 42 });
    expect(await shared()).toEqual({ 'alice.result': '42', 'bob.result': 42 });
    await alice.invoke(room, 'submit_result', { result: { answer: 7 } });
    expect((await shared())['alice.result']).toEqual({ answer: 7 });
  });

  it('vote keeps one vote per agent and lets an agent change it', async () => {
    const { room, alice, bob, shared, evalAs } = await roomWith(['vote']);
    await alice.invoke(room, 'vote', { choice: 'red' });
    await bob.invoke(room, 'vote', { choice: 'blue' });
    await alice.invoke(room, 'vote', { choice: 'blue' });
    expect(await shared()).toEqual({ 'votes.alice': 'blue', 'votes.bob': 'blue' });
    expect(await evalAs(alice, 'state._shared.filter(k, k.startsWith("votes.") && state._shared[k] == "blue").size()')).toBe(2);
  });

  it('publish_view publishes a value under your name, never reading your private scope', async () => {
    const { room, alice, bob, shared, evalAs } = await roomWith(['update_objective', 'publish_view']);
    await alice.invoke(room, 'update_objective', { objective: 'win', status: 'busy' });
    const res = await alice.invoke(room, 'publish_view', { key: 'objective', value: 'win' });
    expect(res.status).toBe(200);
    expect(res.body.writes).toEqual([{ scope: '_shared', key: 'alice.objective', value: 'win' }]);
    expect(await shared()).toEqual({ 'alice.objective': 'win' });
    expect(await evalAs(bob, 'state._shared["alice.objective"]')).toBe('win');
    expect(await evalAs(bob, '"alice.status" in state._shared')).toBe(false);
    const missing = await bob.invoke(room, 'publish_view', { key: 'objective' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'missing_param', param: 'value' });
  });

  it('define_role, fill_role and vacate_role manage a role\'s holder', async () => {
    const { room, alice, bob, shared } = await roomWith(['define_role', 'fill_role', 'vacate_role']);
    expect((await bob.invoke(room, 'fill_role', { role_id: 'scout' })).status).toBe(409);
    const defined = await alice.invoke(room, 'define_role', { role_id: 'scout', description: 'explores', bootstrap_actions: ['look'] });
    expect(defined.status).toBe(200);
    const role = (await shared())['roles.scout'];
    expect(role).toMatchObject({ description: 'explores', filled_by: null, bootstrap_actions: ['look'], bootstrap_views: [] });
    expect(Number.isNaN(Date.parse(role.defined_at))).toBe(false);
    const again = await alice.invoke(room, 'define_role', { role_id: 'scout' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('precondition_failed');

    expect((await bob.invoke(room, 'fill_role', { role_id: 'scout' })).status).toBe(200);
    expect((await shared())['roles.scout']).toMatchObject({ description: 'explores', filled_by: 'bob' });
    const taken = await alice.invoke(room, 'fill_role', { role_id: 'scout' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('precondition_failed');
    expect((await alice.invoke(room, 'vacate_role', { role_id: 'scout' })).status).toBe(409);
    expect((await shared())['roles.scout'].filled_by).toBe('bob');

    expect((await bob.invoke(room, 'vacate_role', { role_id: 'scout' })).status).toBe(200);
    const vacated = (await shared())['roles.scout'];
    expect(vacated.filled_by).toBeNull();
    expect(typeof vacated.vacated_at).toBe('string');
    expect((await alice.invoke(room, 'fill_role', { role_id: 'scout' })).status).toBe(200);
    expect((await shared())['roles.scout'].filled_by).toBe('alice');
  });

  it('warns about competing write targets and shows _contested and contested_actions', async () => {
    const { room, alice } = await roomWith(['set']);
    const res = await alice.invoke(room, '_register_action', entry('increment'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      warning: 'competing_write_targets',
      contested_targets: ['_shared:${params.key}'],
      competing_actions: [{ target: '_shared:${params.key}', actions: ['set', 'increment'] }],
      help: 'contested_actions',
    });
    for (const id of EXPECTED_IDS.filter((i) => i !== 'set' && i !== 'increment')) {
      expect((await alice.invoke(room, '_register_action', entry(id))).status, id).toBe(201);
    }
    const ctx = await alice.context(room);
    expect(ctx.body.views._contested).toMatchObject({
      system: true,
      value: {
        '_shared:${params.key}': ['set', 'increment', 'delete', 'append', 'claim'],
        '${self}:status': ['update_objective', 'update_status'],
        '_shared:roles.${params.role_id}': ['define_role', 'fill_role', 'vacate_role'],
      },
    });
    expect(ctx.body._context.help).toContain('contested_actions');
    const guide = await alice.invoke(room, 'help', { key: 'contested_actions' });
    expect(guide.status).toBe(200);
    expect(guide.body.content).toContain('competing_write_targets');
  });
});
