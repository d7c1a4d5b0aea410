// Joining follows the same rules as the built-ins (issue 7, finding 5): views declared at join
// (`views`, `public_keys`) are registered exactly as `_register_view` registers them; and a
// re-join cannot promote the agent's role (finding 14).
import { beforeEach, describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import type { TestClient } from '../support/http-client.js';

const HUNDRED = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
const RUNAWAY = `${HUNDRED}.all(x, ${HUNDRED}.all(y, ${HUNDRED}.all(z, x + y + z >= 0)))`;
let n = 0;

describe('views declared at join follow _register_view\'s rules', () => {
  let client: TestClient;
  let room: string;
  let admin: TestClient;
  let alice: TestClient;

  beforeEach(async () => {
    client = inProcessApp().client;
    room = `join${++n}`;
    const made = await roomWithAgents(client, room, ['alice']);
    admin = client.as(made.admin);
    alice = client.as(made.tokens.alice!);
    expect((await alice.invoke(room, '_register_view', { id: 'score', expr: '"alice wins"' })).status).toBe(201);
    expect((await alice.invoke(room, '_register_view', { id: 'bob.hp', expr: '"alice says 0"' })).status).toBe(201);
  });

  async function viewsNow() {
    return (await admin.context(room, '?only=views')).body.views;
  }

  it('a joiner cannot replace a view another agent owns (403 view_owned), by views or by public_keys', async () => {
    const stolen = await client.post(`/rooms/${room}/agents`, { id: 'bob', views: [{ id: 'score', expr: '"bob wins"' }] });
    expect(stolen.status).toBe(403);
    expect(stolen.body).toMatchObject({ error: 'view_owned', view: 'score', owner: 'alice' });
    const keyed = await client.post(`/rooms/${room}/agents`, { id: 'bob', state: { hp: 9 }, public_keys: ['hp'] });
    expect(keyed.status).toBe(403);
    expect(keyed.body).toMatchObject({ error: 'view_owned', view: 'bob.hp', owner: 'alice' });
    // Nothing of the refused joins was kept: no agent bob, the views are alice's.
    expect((await admin.context(room, '?only=agents')).body.agents.bob).toBeUndefined();
    expect(await viewsNow()).toMatchObject({ score: 'alice wins', 'bob.hp': 'alice says 0' });
    // A re-join by alice herself, or by an admin, may replace alice's views.
    expect((await alice.post(`/rooms/${room}/agents`, { id: 'alice', views: [{ id: 'score', expr: '"still alice"' }] })).status).toBe(201);
    expect((await viewsNow()).score).toBe('still alice');
  });

  it('applies the cost check, the id grammar and the known fields of _register_view', async () => {
    const runaway = await client.post(`/rooms/${room}/agents`, { id: 'carol', views: [{ id: 'spin', expr: RUNAWAY }] });
    expect(runaway.status).toBe(400);
    expect(runaway.body).toMatchObject({ error: 'cel_cost_exceeded', field: 'expr' });
    const reserved = await client.post(`/rooms/${room}/agents`, { id: 'carol', views: [{ id: '_contested', expr: '1' }] });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error).toBe('invalid_id');
    const unknown = await client.post(`/rooms/${room}/agents`, { id: 'carol', views: [{ id: 'v', expr: '1', colour: 'red' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_definition', field: 'colour' });
    const twice = await client.post(`/rooms/${room}/agents`, { id: 'carol', views: [{ id: 'v', expr: '1' }, { id: 'v', expr: '2' }] });
    expect(twice.status).toBe(400);
    expect((await admin.context(room, '?only=agents')).body.agents.carol).toBeUndefined();
    // A valid declaration still works, owned by the joiner, and publishes its state.
    const ok = await client.post(`/rooms/${room}/agents`, { id: 'carol', state: { hp: 7 }, public_keys: ['hp'], views: [{ id: 'carol_mood', expr: '"fine"', description: 'mood' }] });
    expect(ok.status).toBe(201);
    expect(await viewsNow()).toMatchObject({ 'carol.hp': 7, carol_mood: 'fine' });
    // Owned by carol: alice cannot replace it either.
    expect((await alice.invoke(room, '_register_view', { id: 'carol_mood', expr: '"sad"' })).body).toMatchObject({ error: 'view_owned', owner: 'carol' });
  });
});

describe('role is a label only a room admin changes (finding 14)', () => {
  it('a re-join cannot change the agent\'s role; a first join cannot claim admin; PATCH by an admin can', async () => {
    const { client } = inProcessApp();
    const { admin: adminToken, tokens } = await roomWithAgents(client, 'roles', ['alice']);
    const alice = client.as(tokens.alice!);
    const admin = client.as(adminToken);
    const promoted = await alice.post('/rooms/roles/agents', { id: 'alice', role: 'admin' });
    expect(promoted.status).toBe(403);
    expect(promoted.body).toMatchObject({ error: 'admin_required', field: 'role' });
    const renamed = await alice.post('/rooms/roles/agents', { id: 'alice', role: 'narrator' });
    expect(renamed.status).toBe(403);
    // Re-joining with the same role, or none, is fine and keeps it.
    const again = await alice.post('/rooms/roles/agents', { id: 'alice', role: 'agent' });
    expect(again.status).toBe(201);
    const rejoined = await client.as(again.body.token).post('/rooms/roles/agents', { id: 'alice' });
    expect(rejoined.status).toBe(201);
    expect(rejoined.body.role).toBe('agent');
    // A new agent names its own role, except one that claims authority.
    expect((await client.post('/rooms/roles/agents', { id: 'bob', role: 'Admin' })).body).toMatchObject({ error: 'admin_required', field: 'role' });
    expect((await client.post('/rooms/roles/agents', { id: 'bob', role: 'player' })).body.role).toBe('player');
    // The room admin sets roles, by PATCH or by joining an agent.
    expect((await admin.request('PATCH', '/rooms/roles/agents/alice', { role: 'admin' })).body.role).toBe('admin');
    expect((await admin.post('/rooms/roles/agents', { id: 'carol', role: 'admin' })).body.role).toBe('admin');
    const agents = (await admin.post('/rooms/roles/eval', { expr: '[agents.alice.role, agents.bob.role, agents.carol.role]' })).body.value;
    expect(agents).toEqual(['admin', 'player', 'admin']);
  });
});

describe('an expression that reads a scope its author can never read is refused when declared (finding 15)', () => {
  const q = encodeURIComponent;

  async function darkRoom() {
    const { client } = inProcessApp();
    const { admin, tokens } = await roomWithAgents(client, 'dark-room', ['narrator', 'player']);
    return { client, admin: client.as(admin), narrator: client.as(tokens.narrator!), player: client.as(tokens.player!) };
  }

  it('seed 004: the path module joined without a token is refused and told whose token can; the narrator\'s token works', async () => {
    const { client, narrator, admin } = await darkRoom();
    const anonymous = await client.post('/rooms/dark-room/agents', { id: 'path', name: 'The Path', role: 'module', enabled: 'has(state.narrator.compass)' });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toMatchObject({ error: 'unreadable_scope', field: 'enabled', scope: 'narrator' });
    expect(anonymous.body.message).toContain('path');
    expect(anonymous.body.hint).toContain("narrator's own agent token or the room token");
    expect((await admin.context('dark-room', '?only=agents')).body.agents.path).toBeUndefined();

    // The narrator joins the module (a new id) with its own token, and owns its `enabled`.
    const joined = await narrator.post('/rooms/dark-room/agents', { id: 'path-module', name: 'The Path', role: 'module', enabled: 'has(state.narrator.compass)' });
    expect(joined.status).toBe(201);
    const path = client.as(joined.body.token);
    expect((await admin.post('/rooms/dark-room/eval', { expr: '"path-module" in agents' })).body.value).toBe(false);
    expect((await path.invoke('dark-room', 'help')).body.error).toBe('agent_disabled');
    await narrator.invoke('dark-room', '_register_action', { id: 'find_compass', scope: 'narrator', writes: [{ scope: 'narrator', key: 'compass', value: true }] });
    expect((await narrator.invoke('dark-room', 'find_compass')).status).toBe(200);
    expect((await admin.post('/rooms/dark-room/eval', { expr: '"path-module" in agents' })).body.value).toBe(true);
    expect((await path.invoke('dark-room', 'help')).status).toBe(200);
    // The room token may declare anything.
    expect((await admin.post('/rooms/dark-room/agents', { id: 'path2', enabled: 'has(state.narrator.compass)' })).status).toBe(201);
  });

  it('refuses action conditions, results, expr writes, views and waits that read another agent\'s scope', async () => {
    const { narrator, player, admin } = await darkRoom();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ id: 'a1', enabled: 'has(state.narrator.compass)', writes: [] }, 'enabled'],
      [{ id: 'a2', if: 'state.narrator.wood > 0', writes: [] }, 'if'],
      [{ id: 'a3', result: 'state["narrator"]', writes: [] }, 'result'],
      [{ id: 'a4', writes: [{ key: 'x', value: 'state.narrator.plot', expr: true }] }, 'writes[0].value'],
      [{ id: 'a5', writes: [{ key: 'x', value: 1, enabled: 'state.narrator.plot == "x"' }] }, 'writes[0].enabled'],
      [{ id: 'a6', scope: 'player', if: 'has(state.narrator.compass)', writes: [] }, 'if'],
    ];
    for (const [definition, field] of cases) {
      const res = await player.invoke('dark-room', '_register_action', definition);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ error: 'unreadable_scope', field, scope: 'narrator' });
    }
    // A _shared action never reads its invoker's scope either: state.self there can never exist.
    const self = await player.invoke('dark-room', '_register_action', { id: 'a7', if: 'state.self.hp > 0', writes: [] });
    expect(self.body).toMatchObject({ error: 'unreadable_scope', field: 'if', scope: 'self' });
    // The owner's own rules, an owned action reading state.self, and an admin's actions are accepted.
    expect((await narrator.invoke('dark-room', '_register_action', { id: 'ok1', scope: 'narrator', enabled: 'has(state.narrator.compass)', writes: [] })).status).toBe(201);
    expect((await player.invoke('dark-room', '_register_action', { id: 'ok2', scope: 'player', if: 'state.self.hp > 0 || true', writes: [] })).status).toBe(201);
    expect((await admin.invoke('dark-room', '_register_action', { id: 'ok3', if: 'has(state.narrator.compass)', writes: [] })).status).toBe(201);
    // Views: the registrar's authority (plus each reader's own scope).
    const view = await player.invoke('dark-room', '_register_view', { id: 'peek', expr: 'state.narrator.plot' });
    expect(view.body).toMatchObject({ error: 'unreadable_scope', field: 'expr', scope: 'narrator' });
    expect((await player.invoke('dark-room', '_register_view', { id: 'peek', expr: '"x"', enabled: 'has(state.narrator.compass)' })).body).toMatchObject({ error: 'unreadable_scope', field: 'enabled' });
    expect((await player.invoke('dark-room', '_register_view', { id: 'mine', expr: 'state.self' })).status).toBe(201);
    expect((await narrator.invoke('dark-room', '_register_view', { id: 'compass', expr: 'has(state.narrator.compass)' })).status).toBe(201);
    // A wait answers at once instead of waiting for a condition that can never hold.
    const wait = await player.get(`/rooms/dark-room/wait?condition=${q('has(state.narrator.compass)')}&timeout=50`);
    expect(wait.status).toBe(403);
    expect(wait.body).toMatchObject({ error: 'unreadable_scope', field: 'condition', scope: 'narrator' });
    expect((await narrator.get(`/rooms/dark-room/wait?condition=${q('!has(state.narrator.compass)')}&timeout=50`)).body.triggered).toBe(true);
  });
});
