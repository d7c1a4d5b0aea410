// Each of the 18 sync tools over /mcp against a real server process (SDK Client, Streamable HTTP,
// legacy bearers), with its denials: a read-only token, the wrong agent, an unknown room, another
// credential's embodied agent, and calls before sync_embody. Failures are isError results whose
// text starts with the D2 code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { connectMcp, type McpTestClient, type ToolOutcome } from '../support/mcp.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let http: TestClient;
const clients: McpTestClient[] = [];

interface Room {
  id: string;
  admin: string;
  view: string;
  /** as_ token of the agent alice. */
  alice: string;
  /** as_ token of the agent boss, granted "*": a second admin credential. */
  boss: string;
}

let counter = 0;
async function room(): Promise<Room> {
  const id = `tools-${++counter}`;
  const created = (await http.post('/rooms', { id })).body;
  const admin = http.as(created.token);
  const alice = (await admin.post(`/rooms/${id}/agents`, { id: 'alice', role: 'worker' })).body.token;
  const boss = (await admin.post(`/rooms/${id}/agents`, { id: 'boss', role: 'lead' })).body.token;
  await admin.request('PATCH', `/rooms/${id}/agents/boss`, { grants: ['*'] });
  await admin.post(`/rooms/${id}/agents`, { id: 'carl', role: 'lead' });
  return { id, admin: created.token, view: created.view_token, alice, boss };
}

async function mcp(token?: string): Promise<McpTestClient> {
  const c = await connectMcp(server.url, token);
  clients.push(c);
  return c;
}

function ok(outcome: ToolOutcome): any {
  expect(outcome.isError, outcome.text).toBe(false);
  return outcome.body;
}

function denied(outcome: ToolOutcome, code: string): void {
  expect(outcome.isError, outcome.text).toBe(true);
  expect(outcome.code, outcome.text).toBe(code);
  expect(outcome.text.startsWith(`${code}: `)).toBe(true);
  expect(outcome.body).toMatchObject({ error: code });
}

beforeAll(async () => {
  server = await startServer();
  http = new TestClient(server.url);
}, 30_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await server?.stop();
});

/** The beach tools of seed 003 (D26), served after the sync tools. */
const BEACH_TOOL_NAMES = ['bsp', 'bsp-floor', 'pscale_grain_reach', 'pscale_invite', 'pscale_key_publish', 'pscale_play', 'pscale_pool_engage', 'pscale_register', 'pscale_settle', 'pscale_verify_rider'];

describe('tools/list', () => {
  it('lists the 18 tools in the order of §7.4 with titles, annotations and object schemas, then the beach tools', async () => {
    const r = await room();
    const { tools: all } = await (await mcp(r.admin)).client.listTools();
    expect(all.slice(18).map((t) => t.name)).toEqual(BEACH_TOOL_NAMES);
    const tools = all.slice(0, 18);
    expect(tools.map((t) => t.name)).toEqual([
      'sync_lobby', 'sync_embody', 'sync_disembody', 'sync_restrict_scope', 'sync_revoke_access', 'sync_create_room', 'sync_list_rooms', 'sync_join_room', 'sync_read_context',
      'sync_invoke_action', 'sync_wait', 'sync_register_action', 'sync_register_view', 'sync_send_message', 'sync_help', 'sync_eval_cel', 'sync_delete_action', 'sync_delete_view',
    ]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.title).toBeTruthy();
      expect(typeof t.annotations?.readOnlyHint).toBe('boolean');
    }
    expect(tools.find((t) => t.name === 'sync_read_context')!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools.find((t) => t.name === 'sync_delete_action')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('refuses bad arguments with invalid_body, hostile ids included, and unknown tools with a JSON-RPC error', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    denied(await c.call('sync_invoke_action', { room: r.id }), 'invalid_body');
    denied(await c.call('sync_read_context', { room: '__proto__' }), 'invalid_body');
    denied(await c.call('sync_read_context', { room: r.id, surprise: 1 }), 'invalid_body');
    denied(await c.call('sync_read_context', { room: 'x'.repeat(100_000) }), 'invalid_body');
    await expect(c.client.callTool({ name: 'sync_nope', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });
});

describe('sync_lobby', () => {
  it('shows the rooms the credential reaches, its access, agents, embodiments and other credentials\u2019 agents as in use', async () => {
    const r = await room();
    const admin = await mcp(r.admin);
    ok(await admin.call('sync_embody', { room: r.id, agent: 'alice' }));
    const lobby = ok(await admin.call('sync_lobby'));
    const entry = lobby.rooms.find((x: { id: string }) => x.id === r.id);
    expect(entry).toMatchObject({ access: 'admin', embodied_as: 'alice' });
    expect(lobby.active_embodiments).toEqual([{ room: r.id, agent: 'alice' }]);
    expect(lobby.rooms.map((x: { id: string }) => x.id)).not.toContain('tools-999');

    const viewer = ok(await (await mcp(r.view)).call('sync_lobby'));
    expect(viewer.rooms).toHaveLength(1);
    expect(viewer.rooms[0]).toMatchObject({ id: r.id, access: 'viewer', embodied_as: null });
    expect(viewer.rooms[0].agents.find((a: { id: string }) => a.id === 'alice')).toMatchObject({ in_use: true, embodied_by_you: false });

    const agent = ok(await (await mcp(r.alice)).call('sync_lobby'));
    expect(agent.rooms[0]).toMatchObject({ id: r.id, access: 'agent' });
  });
});

describe('sync_embody / sync_disembody', () => {
  it('embodies a new or existing agent and returns the context as it, with _session', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    const fresh = ok(await c.call('sync_embody', { room: r.id, agent: 'newbie', name: 'New', state: { mood: 'ok' } }));
    expect(fresh._session).toMatchObject({ agent: 'newbie', room: r.id, access: 'admin' });
    expect(fresh.context.self).toBe('newbie');
    expect((await http.as(r.admin).context(r.id)).body.agents.newbie).toBeTruthy();
    const existing = ok(await c.call('sync_embody', { room: r.id, agent: 'alice' }));
    expect(existing._session.agent).toBe('alice');
    // Switching released newbie: this session now acts as alice.
    const sent = ok(await c.call('sync_send_message', { room: r.id, body: 'hi' }));
    expect(sent.from).toBe('alice');
  });

  it('denies a read-only token, the wrong agent, an unknown room and another credential\u2019s embodied agent', async () => {
    const r = await room();
    denied(await (await mcp(r.view)).call('sync_embody', { room: r.id, agent: 'alice' }), 'read_only_token');
    denied(await (await mcp(r.alice)).call('sync_embody', { room: r.id, agent: 'boss' }), 'identity_mismatch');
    denied(await (await mcp(r.admin)).call('sync_embody', { room: 'no-such-room', agent: 'alice' }), 'room_not_found');
    denied(await (await mcp(r.alice)).call('sync_embody', { room: 'no-such-room' }), 'room_not_found');

    const first = await mcp(r.admin);
    ok(await first.call('sync_embody', { room: r.id, agent: 'carl' }));
    const other = await mcp(r.boss);
    const taken = await other.call('sync_embody', { room: r.id, agent: 'carl' });
    denied(taken, 'agent_in_use');
    expect(taken.body).toMatchObject({ agent: 'carl', room: r.id });
    // carl is still driven by the first session.
    expect(ok(await first.call('sync_send_message', { room: r.id, body: 'still me' })).from).toBe('carl');

    // Released, the agent can be embodied by the other credential.
    expect(ok(await first.call('sync_disembody', { room: r.id }))).toEqual({ ok: true, disembodied: 'carl', room: r.id });
    expect(ok(await other.call('sync_embody', { room: r.id, agent: 'carl' }))._session.agent).toBe('carl');
    denied(await first.call('sync_send_message', { room: r.id, body: 'gone' }), 'not_embodied');
  });

  it('an agent token embodies its own agent by default; a session without a credential cannot take an existing agent', async () => {
    const r = await room();
    expect(ok(await (await mcp(r.alice)).call('sync_embody', { room: r.id }))._session.agent).toBe('alice');
    // Local mode: no credential, a new agent is fine, an existing one is not.
    const local = await mcp();
    denied(await local.call('sync_embody', { room: r.id, agent: 'boss' }), 'agent_exists');
    expect(ok(await local.call('sync_embody', { room: r.id, agent: 'drifter' }))._session.agent).toBe('drifter');
  });

  it('a second session of the same credential takes the agent over; the first is no longer embodied', async () => {
    const r = await room();
    const one = await mcp(r.admin);
    const two = await mcp(r.admin);
    ok(await one.call('sync_embody', { room: r.id, agent: 'alice' }));
    ok(await two.call('sync_embody', { room: r.id, agent: 'alice' }));
    denied(await one.call('sync_invoke_action', { room: r.id, action: 'help' }), 'not_embodied');
    ok(await two.call('sync_invoke_action', { room: r.id, action: 'help' }));
  });

  it('sync_disembody without an embodiment is not_embodied; unknown room is room_not_found', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    denied(await c.call('sync_disembody', { room: r.id }), 'not_embodied');
    denied(await c.call('sync_disembody', { room: 'no-such-room' }), 'room_not_found');
  });
});

describe('sync_restrict_scope / sync_revoke_access', () => {
  it('observe makes the credential read-only in the room for all its sessions, releases the embodiment, and never widens', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    ok(await c.call('sync_embody', { room: r.id, agent: 'alice' }));
    expect(ok(await c.call('sync_restrict_scope', { room: r.id, level: 'observe' }))).toEqual({ ok: true, room: r.id, level: 'observe', role: null });
    denied(await c.call('sync_invoke_action', { room: r.id, action: 'help' }), 'read_only_token');
    denied(await c.call('sync_embody', { room: r.id, agent: 'alice' }), 'read_only_token');
    const read = ok(await c.call('sync_read_context', { room: r.id }));
    expect(read._session).toMatchObject({ agent: null, access: 'observer' });
    // A new session of the same credential is narrowed too, and a role restriction does not widen it back.
    const again = await mcp(r.admin);
    expect(ok(await again.call('sync_restrict_scope', { room: r.id, level: 'role', role: 'worker' })).level).toBe('observe');
    denied(await again.call('sync_embody', { room: r.id, agent: 'alice' }), 'read_only_token');
    denied(await again.call('sync_join_room', { room: r.id, id: 'sneaky' }), 'read_only_token');
    // Over HTTP the token is unchanged (narrowing is MCP's).
    expect((await http.as(r.admin).post(`/rooms/${r.id}/agents`, { id: 'http-ok' })).status).toBe(201);
  });

  it('role allows only agents of that role; it needs a role', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    denied(await c.call('sync_restrict_scope', { room: r.id, level: 'role' }), 'invalid_body');
    ok(await c.call('sync_embody', { room: r.id, agent: 'boss' }));
    expect(ok(await c.call('sync_restrict_scope', { room: r.id, level: 'role', role: 'worker' }))).toEqual({ ok: true, room: r.id, level: 'role', role: 'worker' });
    denied(await c.call('sync_send_message', { room: r.id, body: 'as boss' }), 'not_embodied');
    denied(await c.call('sync_embody', { room: r.id, agent: 'carl' }), 'scope_denied');
    expect(ok(await c.call('sync_embody', { room: r.id, agent: 'alice' }))._session.agent).toBe('alice');
  });

  it('revoke_access removes the room from every tool and listing for this credential only', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    ok(await c.call('sync_embody', { room: r.id, agent: 'alice' }));
    expect(ok(await c.call('sync_revoke_access', { room: r.id }))).toEqual({ ok: true, revoked: r.id });
    denied(await c.call('sync_read_context', { room: r.id }), 'scope_denied');
    denied(await c.call('sync_invoke_action', { room: r.id, action: 'help' }), 'scope_denied');
    denied(await c.call('sync_embody', { room: r.id, agent: 'alice' }), 'scope_denied');
    expect(ok(await c.call('sync_lobby')).rooms.map((x: { id: string }) => x.id)).not.toContain(r.id);
    expect(ok(await c.call('sync_list_rooms')).rooms.map((x: { id: string }) => x.id)).not.toContain(r.id);
    await expect(c.client.readResource({ uri: `sync://rooms/${r.id}/context` })).rejects.toThrow(/scope_denied/);
    // Another credential is untouched; the same credential in a new session stays revoked.
    ok(await (await mcp(r.view)).call('sync_read_context', { room: r.id }));
    denied(await (await mcp(r.admin)).call('sync_read_context', { room: r.id }), 'scope_denied');
    denied(await c.call('sync_revoke_access', { room: 'no-such-room' }), 'room_not_found');
  });
});

describe('sync_create_room / sync_list_rooms / sync_join_room', () => {
  it('creates a room the session then administers; refuses taken and invalid ids', async () => {
    const r = await room();
    const c = await mcp(r.view);
    const created = ok(await c.call('sync_create_room', { id: 'constructor', meta: { purpose: 'x' } }));
    expect(created).toMatchObject({ id: 'constructor', meta: { purpose: 'x' } });
    expect(created.view_token).toMatch(/^view_/);
    expect(ok(await c.call('sync_embody', { room: 'constructor', agent: 'maker' }))._session.access).toBe('admin');
    denied(await c.call('sync_create_room', { id: 'constructor' }), 'room_exists');
    denied(await c.call('sync_create_room', { id: '../x' }), 'invalid_body');
    const listed = ok(await c.call('sync_list_rooms')).rooms.map((x: { id: string }) => x.id);
    expect(listed.sort()).toEqual(['constructor', r.id].sort());
  });

  it('list_rooms shows only what the credential reaches', async () => {
    const r = await room();
    const listed = ok(await (await mcp(r.alice)).call('sync_list_rooms'));
    expect(listed.rooms.map((x: { id: string }) => x.id)).toEqual([r.id]);
  });

  it('join_room adds an agent with the HTTP rules and returns its token; unknown room and read-only tokens are refused', async () => {
    const r = await room();
    const joined = ok(await (await mcp(r.admin)).call('sync_join_room', { room: r.id, id: 'joiner', name: 'J' }));
    expect(joined).toMatchObject({ id: 'joiner', name: 'J', room_id: r.id });
    expect(joined.token).toMatch(/^as_/);
    denied(await (await mcp(r.admin)).call('sync_join_room', { room: 'no-such-room', id: 'x' }), 'room_not_found');
    denied(await (await mcp(r.alice)).call('sync_join_room', { room: r.id, id: 'boss' }), 'identity_mismatch');
  });
});

describe('sync_read_context / sync_eval_cel / sync_help', () => {
  it('reads as the embodied agent or the credential; eval and help work without embodiment', async () => {
    const r = await room();
    const c = await mcp(r.admin);
    const unembodied = ok(await c.call('sync_read_context', { room: r.id, depth: 'full', messages: true, messages_limit: 5 }));
    expect(unembodied._session).toMatchObject({ agent: null, access: 'admin' });
    expect(unembodied._session.switchable).toEqual(expect.arrayContaining(['alice', 'boss', 'carl']));
    expect(ok(await c.call('sync_eval_cel', { room: r.id, expr: '1 + 2' }))).toEqual({ expression: '1 + 2', value: 3 });
    const help = ok(await c.call('sync_help', { room: r.id }));
    expect(JSON.stringify(help)).toContain('standard_library');
    ok(await c.call('sync_help', { room: r.id, key: 'standard_library' }));
    denied(await c.call('sync_help', { room: r.id, key: 'no_such_help_key' }), 'help_key_not_found');
    ok(await c.call('sync_embody', { room: r.id, agent: 'alice' }));
    expect(ok(await c.call('sync_read_context', { room: r.id })).context.self).toBe('alice');
  });

  it('denies unknown rooms, other rooms\u2019 tokens and bad expressions; a view token reads but cannot invoke help', async () => {
    const r = await room();
    const other = await room();
    const c = await mcp(r.alice);
    denied(await c.call('sync_read_context', { room: 'no-such-room' }), 'room_not_found');
    denied(await c.call('sync_read_context', { room: other.id }), 'invalid_token');
    denied(await c.call('sync_eval_cel', { room: other.id, expr: '1' }), 'invalid_token');
    denied(await c.call('sync_eval_cel', { room: r.id, expr: '1 +' }), 'invalid_cel');
    denied(await c.call('sync_read_context', { room: r.id, depth: 'deep' as never }), 'invalid_body');
    const viewer = await mcp(r.view);
    expect(ok(await viewer.call('sync_read_context', { room: r.id }))._session).toMatchObject({ access: 'viewer', switchable: [] });
    ok(await viewer.call('sync_eval_cel', { room: r.id, expr: 'true' }));
    denied(await viewer.call('sync_help', { room: r.id }), 'read_only_token');
  });
});

describe('mutating tools: sync_invoke_action, sync_register_action, sync_register_view, sync_send_message, sync_delete_action, sync_delete_view', () => {
  it('need an embodiment, refuse read-only tokens and unknown rooms', async () => {
    const r = await room();
    const admin = await mcp(r.admin);
    const viewer = await mcp(r.view);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['sync_invoke_action', { action: 'help' }],
      ['sync_register_action', { id: 'a1', writes: [{ scope: '_shared', key: 'k', value: 1 }] }],
      ['sync_register_view', { id: 'v1', expr: '1' }],
      ['sync_send_message', { body: 'hi' }],
      ['sync_delete_action', { id: 'a1' }],
      ['sync_delete_view', { id: 'v1' }],
    ];
    for (const [name, args] of calls) {
      denied(await admin.call(name, { room: r.id, ...args }), 'not_embodied');
      denied(await viewer.call(name, { room: r.id, ...args }), 'read_only_token');
      denied(await admin.call(name, { room: 'no-such-room', ...args }), 'room_not_found');
    }
  });

  it('act as the embodied agent, with the HTTP authorisation (another agent\u2019s action and view are refused)', async () => {
    const r = await room();
    const a = await mcp(r.alice);
    ok(await a.call('sync_embody', { room: r.id }));
    const reg = ok(await a.call('sync_register_action', { room: r.id, id: 'mine', scope: 'alice', writes: [{ scope: 'alice', key: 'n', value: '${params.n}' }], params: { n: { type: 'number' } } }));
    expect(reg).toMatchObject({ id: 'mine', registered_by: 'alice' });
    expect(ok(await a.call('sync_register_view', { room: r.id, id: 'myview', scope: 'alice', expr: '1 + 1' }))).toMatchObject({ id: 'myview' });
    expect(ok(await a.call('sync_invoke_action', { room: r.id, action: 'mine', params: { n: 5 } }))).toMatchObject({ invoked: true, agent: 'alice', writes: [{ scope: 'alice', key: 'n', value: 5 }] });
    denied(await a.call('sync_invoke_action', { room: r.id, action: 'nope' }), 'action_not_found');
    denied(await a.call('sync_invoke_action', { room: r.id, action: 'mine', params: { n: 'five' } }), 'invalid_param_type');
    expect(ok(await a.call('sync_send_message', { room: r.id, body: 'to boss', to: 'boss', kind: 'chat' }))).toMatchObject({ from: 'alice', to: ['boss'] });

    const other = await mcp(r.admin);
    ok(await other.call('sync_embody', { room: r.id, agent: 'carl' }));
    denied(await other.call('sync_delete_action', { room: r.id, id: 'mine' }), 'action_owned');
    denied(await other.call('sync_delete_view', { room: r.id, id: 'myview' }), 'view_owned');
    denied(await other.call('sync_register_action', { room: r.id, id: 'mine', scope: 'alice', writes: [] }), 'action_owned');

    expect(ok(await a.call('sync_delete_view', { room: r.id, id: 'myview' }))).toMatchObject({ deleted: true, id: 'myview' });
    expect(ok(await a.call('sync_delete_action', { room: r.id, id: 'mine' }))).toMatchObject({ deleted: true, id: 'mine' });
    denied(await a.call('sync_delete_action', { room: r.id, id: 'mine' }), 'action_not_found');
    denied(await a.call('sync_delete_view', { room: r.id, id: 'myview' }), 'view_not_found');
  });
});

describe('sync_wait', () => {
  it('answers at once when the condition holds, times out otherwise, and refuses bad conditions and rooms', async () => {
    const r = await room();
    const c = await mcp(r.view);
    expect(ok(await c.call('sync_wait', { room: r.id, condition: 'true' }))).toMatchObject({ triggered: true, condition: 'true' });
    expect(ok(await c.call('sync_wait', { room: r.id, condition: 'false', timeout: 0 }))).toMatchObject({ triggered: false, timeout: true });
    denied(await c.call('sync_wait', { room: r.id, condition: 'state.' }), 'invalid_cel');
    denied(await c.call('sync_wait', { room: 'no-such-room', condition: 'true' }), 'room_not_found');
    denied(await (await mcp(r.alice)).call('sync_wait', { room: (await room()).id, condition: 'true' }), 'invalid_token');
  });
});
