// Room lifecycle and agent membership (sync-core §3–4 under D19–D21, D23): tokens, rotation,
// listing, deletion, joins with private state and views, re-joins, grants and open joins.
import { describe, expect, it } from 'vitest';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

describe('rooms', () => {
  it('creates rooms with room and view tokens, lists them per token, and refuses duplicates', async () => {
    const { client } = inProcessApp();
    const a = await client.post('/rooms', { id: 'alpha', meta: { topic: 'x' }, label: 'Alpha' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id: 'alpha', meta: { topic: 'x', label: 'Alpha' } });
    const b = await client.post('/rooms', {});
    expect(b.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.post('/rooms', { id: 'alpha' })).body).toMatchObject({ error: 'room_exists', id: 'alpha' });

    expect((await client.get('/rooms')).body.map((r: { id: string }) => r.id).sort()).toEqual(['alpha', b.body.id].sort());
    expect((await client.as(a.body.token).get('/rooms')).body.map((r: { id: string }) => r.id)).toEqual(['alpha']);
    expect((await client.as(a.body.view_token).get('/rooms')).body.map((r: { id: string }) => r.id)).toEqual(['alpha']);
    const agent = await client.post('/rooms/alpha/agents', { id: 'alice' });
    expect((await client.as(agent.body.token).get('/rooms')).body.map((r: { id: string }) => r.id)).toEqual(['alpha']);
    expect((await client.get('/rooms/alpha')).body).toEqual({ id: 'alpha', created_at: a.body.created_at, meta: { topic: 'x', label: 'Alpha' } });
    expect((await client.get('/rooms/nope')).body.error).toBe('room_not_found');
  });

  it('rotates the room token and rotates or revokes the view token', async () => {
    const { client } = inProcessApp();
    const { admin, view, tokens } = await roomWithAgents(client, 'r', ['alice']);
    const viewer = client.as(view);
    expect((await viewer.context('r')).status).toBe(200);
    expect((await client.as(tokens.alice).post('/rooms/r/rotate-token')).body.error).toBe('admin_required');

    const rotated = await client.as(admin).post('/rooms/r/rotate-token');
    expect(rotated.body.token).toMatch(/^room_/);
    expect((await client.as(admin).context('r')).body.error).toBe('invalid_token');
    const newAdmin = client.as(rotated.body.token);
    expect((await newAdmin.context('r')).status).toBe(200);

    const views = await newAdmin.post('/rooms/r/rotate-view-token');
    expect((await viewer.context('r')).body.error).toBe('invalid_token');
    expect((await client.as(views.body.view_token).context('r')).status).toBe(200);
    expect((await newAdmin.request('DELETE', '/rooms/r/view-token')).body).toMatchObject({ ok: true, view_token: null });
    expect((await client.as(views.body.view_token).context('r')).body.error).toBe('invalid_token');
  });

  it('deletes a room with everything in it, for the admin only', async () => {
    const { client } = inProcessApp();
    const { admin, tokens } = await roomWithAgents(client, 'r', ['alice']);
    expect((await client.as(tokens.alice).request('DELETE', '/rooms/r')).body.error).toBe('admin_required');
    expect((await client.as(admin).request('DELETE', '/rooms/r')).body).toEqual({ deleted: true, room: 'r' });
    expect((await client.get('/rooms/r')).body.error).toBe('room_not_found');
    expect((await client.as(tokens.alice).context('r')).body.error).toBe('invalid_token');
    const again = await client.post('/rooms', { id: 'r' });
    expect(again.status).toBe(201);
    expect((await client.as(tokens.alice).context('r')).body.error).toBe('invalid_token');
    expect((await client.post('/rooms/r/agents', { id: 'alice' })).status).toBe(201);
  });
});

describe('agents', () => {
  it('joins with private state, public keys and inline views', async () => {
    const { client } = inProcessApp();
    await client.post('/rooms', { id: 'r' });
    const joined = await client.post('/rooms/r/agents', {
      id: 'alice', name: 'Alice', role: 'scout', meta: { team: 'red' },
      state: { hp: 80, secret: 'x' }, public_keys: ['hp'],
      views: [{ id: 'alive', expr: 'state.alice.hp > 0', description: 'alice is alive', render: { type: 'metric' } }],
    });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ id: 'alice', room_id: 'r', name: 'Alice', role: 'scout', status: 'active', meta: { team: 'red' }, grants: [], last_seen_seq: 0 });
    const bob = client.as((await client.post('/rooms/r/agents', { id: 'bob' })).body.token);
    const ctx = await bob.context('r', '?include=_views');
    expect(ctx.body.views).toEqual({ 'alice.hp': 80, alive: true });
    expect(ctx.body.state.alice).toBeUndefined();
    expect(ctx.body.state._views.alive).toMatchObject({ scope: 'alice', render: { type: 'metric' }, description: 'alice is alive' });
    expect(ctx.body.agents.alice).toMatchObject({ name: 'Alice', role: 'scout', status: 'active' });
    const bad = await client.post('/rooms/r/agents', { id: 'carol', views: [{ id: 'broken', expr: 'state.carol.' }] });
    expect(bad.body.error).toBe('invalid_cel');
    expect((await bob.context('r')).body.agents.carol).toBeUndefined();
  });

  it('re-joins only with the agent\'s own token or the room token, rotating the token', async () => {
    const { client } = inProcessApp();
    const { admin, tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const alice = client.as(tokens.alice);
    await alice.invoke('r', '_send_message', { body: 'hello' });
    await alice.context('r');
    expect((await client.post('/rooms/r/agents', { id: 'alice' })).body).toMatchObject({ error: 'agent_exists', agent: 'alice' });
    expect((await client.as(tokens.bob).post('/rooms/r/agents', { id: 'alice' })).body.error).toBe('identity_mismatch');

    const rejoined = await alice.post('/rooms/r/agents', { id: 'alice', name: 'Alice II' });
    expect(rejoined.status).toBe(201);
    expect(rejoined.body).toMatchObject({ name: 'Alice II', last_seen_seq: 1 });
    expect((await alice.context('r')).body.error).toBe('invalid_token');
    const fresh = client.as(rejoined.body.token);
    expect((await fresh.context('r')).body.self).toBe('alice');

    const byAdmin = await client.as(admin).post('/rooms/r/agents', { id: 'alice' });
    expect(byAdmin.status).toBe(201);
    expect((await fresh.context('r')).body.error).toBe('invalid_token');
  });

  it('lets an admin patch agents; a "*" grant makes an agent an admin', async () => {
    const { client } = inProcessApp();
    const { admin, tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const patched = await client.as(admin).request('PATCH', '/rooms/r/agents/bob', { role: 'moderator', grants: ['*'], meta: { shift: 'night' } });
    expect(patched.body).toMatchObject({ id: 'bob', role: 'moderator', grants: ['*'], meta: { shift: 'night' } });
    const bob = client.as(tokens.bob);
    await client.as(tokens.alice).invoke('r', '_register_action', { id: 'mine', writes: [{ scope: '${self}', key: 'k', value: 'private' }] });
    await client.as(tokens.alice).invoke('r', 'mine');
    expect((await bob.context('r')).body.state.alice).toEqual({ k: 'private' });
    expect((await bob.request('PATCH', '/rooms/r/agents/alice', { name: 'A' })).status).toBe(200);
    expect((await client.as(admin).request('PATCH', '/rooms/r/agents/zed', { name: 'Z' })).body.error).toBe('agent_not_found');
    expect((await client.as(admin).request('PATCH', '/rooms/r/agents/bob', { status: 'idle' })).body.error).toBe('invalid_body');
  });

  it('outside local mode, joining needs a token of the room or the room\'s open_join', async () => {
    const store = new MemoryRoomStore();
    const local = inProcessApp({ store });
    const closed = await local.client.post('/rooms', { id: 'closed' });
    await local.client.post('/rooms', { id: 'open', meta: { open_join: true } });
    const remote = inProcessApp({ store, host: '0.0.0.0' });
    expect((await remote.client.post('/rooms', { id: 'x' })).body.error).toBe('authentication_required');
    expect((await remote.client.post('/rooms/closed/agents', { id: 'mallory' })).body.error).toBe('join_not_open');
    expect((await remote.client.context('closed')).body.error).toBe('authentication_required');
    const member = await remote.client.as(closed.body.token).post('/rooms/closed/agents', { id: 'alice' });
    expect(member.status).toBe(201);
    expect((await remote.client.as(member.body.token).post('/rooms/closed/agents', { id: 'helper' })).status).toBe(201);
    expect((await remote.client.post('/rooms/open/agents', { id: 'guest' })).status).toBe(201);
  });
});
