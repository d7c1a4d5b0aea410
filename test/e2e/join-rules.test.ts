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
