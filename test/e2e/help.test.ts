// The help system (sync-core §14 under D8): keys, versions, situational hints, room overrides
// with proof of read, and each help text checked against what the server actually does.
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import type { TestClient } from '../support/http-client.js';
import { ManualClock } from '../../src/core/ports/clock.js';

const SYSTEM_KEYS = ['index', 'guide', 'standard_library', 'vocabulary_bootstrap', 'expressions', 'views', 'contested_actions', 'directed_messages', 'context_shaping', 'if_version', 'timers', 'waiting'];
const HEX16 = /^[0-9a-f]{16}$/;

describe('help', () => {
  let client: TestClient;
  let clock: ManualClock;
  let rooms = 0;

  beforeAll(() => {
    clock = new ManualClock();
    client = inProcessApp({ clock }).client;
  });

  async function room(agents = ['alice', 'bob']) {
    const id = `help${++rooms}`;
    const { admin, view, tokens } = await roomWithAgents(client, id, agents);
    const as = Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, client.as(t)]));
    const evalAs = async (who: TestClient, expr: string) => {
      const res = await who.post(`/rooms/${id}/eval`, { expr });
      expect(res.status, `${expr}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.value;
    };
    const register = async (who: TestClient, definition: Record<string, unknown>) => {
      const res = await who.invoke(id, '_register_action', definition);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res;
    };
    return { id, admin: client.as(admin), view: client.as(view), as, evalAs, register };
  }

  const SET = { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] };

  describe('keys and versions', () => {
    it('help({}) lists every key, index first', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, 'help', {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ invoked: true, action: 'help', keys: SYSTEM_KEYS });
      expect(typeof res.body.usage).toBe('string');
      const index = await r.as.alice!.invoke(r.id, 'help', { key: 'index' });
      expect(Object.keys(index.body.content.keys)).toEqual(SYSTEM_KEYS.slice(1));
    });

    it('every key answers with system content, revision 0 and a 16-hex version', async () => {
      const r = await room();
      const versions = new Set<string>();
      for (const key of SYSTEM_KEYS) {
        const res = await r.as.alice!.invoke(r.id, 'help', { key });
        expect(res.status, key).toBe(200);
        expect(res.body).toMatchObject({ invoked: true, action: 'help', key, source: 'system', revision: 0 });
        expect(res.body.version, key).toMatch(HEX16);
        expect(res.body.content, key).toBeTruthy();
        versions.add(res.body.version);
        const again = await r.as.bob!.invoke(r.id, 'help', { key });
        expect(again.body.version, key).toBe(res.body.version);
      }
      expect(versions.size).toBe(SYSTEM_KEYS.length);
      expect(Array.isArray((await r.as.alice!.invoke(r.id, 'help', { key: 'standard_library' })).body.content)).toBe(true);
      expect(typeof (await r.as.alice!.invoke(r.id, 'help', { key: 'index' })).body.content).toBe('object');
      expect(typeof (await r.as.alice!.invoke(r.id, 'help', { key: 'guide' })).body.content).toBe('string');
    });

    it('an unknown key is 404 help_key_not_found with the available keys', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, 'help', { key: 'nope' });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'help_key_not_found', key: 'nope', available: SYSTEM_KEYS });
      expect(typeof res.body.message).toBe('string');
      const typed = await r.as.alice!.invoke(r.id, 'help', { key: 7 });
      expect(typed.status).toBe(400);
      expect(typed.body.error).toBe('invalid_param_type');
    });
  });

  describe('_context.help', () => {
    it('suggests vocabulary_bootstrap in an empty room only', async () => {
      const r = await room();
      expect((await r.as.alice!.context(r.id)).body._context.help).toEqual(['vocabulary_bootstrap']);
      await r.register(r.as.alice!, SET);
      expect((await r.as.alice!.context(r.id)).body._context.help).toBeUndefined();
    });

    it('suggests directed_messages while a message to the reader is unread', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.as.bob!.invoke(r.id, '_send_message', { body: 'alice, a word', to: 'alice' });
      expect((await r.as.bob!.context(r.id)).body._context.help).toBeUndefined();
      const first = await r.as.alice!.context(r.id);
      expect(first.body.messages.directed_unread).toBe(1);
      expect(first.body._context.help).toEqual(['directed_messages']);
      expect((await r.as.alice!.context(r.id)).body._context.help).toBeUndefined();
    });

    it('suggests contested_actions when two actions write one target', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.register(r.as.bob!, { ...SET, id: 'overwrite' });
      const ctx = await r.as.alice!.context(r.id);
      expect(ctx.body._context.help).toEqual(['contested_actions']);
      expect(ctx.body.views._contested.value).toEqual({ '_shared:${params.key}': ['set', 'overwrite'] });
    });

    it('suggests context_shaping when messages are truncated', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      for (let i = 0; i < 5; i++) await r.as.bob!.invoke(r.id, '_send_message', { body: `m${i}` });
      const ctx = await r.as.alice!.context(r.id, '?messages_limit=2');
      expect(ctx.body._context.help).toEqual(['context_shaping']);
      expect(ctx.body._context.messages_truncated).toEqual({ missing: 3, oldest_seq: 4, _expand: '?messages_after=0&messages_limit=5' });
      const expanded = await r.as.alice!.context(r.id, `${ctx.body._context.messages_truncated._expand}`);
      expect(expanded.body.messages.recent.map((m: { body: string }) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(expanded.body._context.help).toBeUndefined();
    });
  });

  describe('room overrides of _help', () => {
    const OVERRIDE = {
      id: 'override_help',
      description: 'Replace a help entry, given the version you read',
      params: { key: { type: 'string', required: true }, content: { type: 'any', required: true }, version: { type: 'string', required: true } },
      writes: [{ scope: '_help', key: '${params.key}', value: '${params.content}', if_version: '${params.version}' }],
    };

    it('refuses an action writing _help without if_version at registration', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, '_register_action', { ...OVERRIDE, writes: [{ scope: '_help', key: '${params.key}', value: '${params.content}' }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'reserved_scope', scope: '_help' });
    });

    it('overrides guide with the system version as proof of read, then refuses stale versions', async () => {
      const r = await room();
      await r.register(r.as.alice!, OVERRIDE);
      const system = await r.as.alice!.invoke(r.id, 'help', { key: 'guide' });
      const v0 = system.body.version;

      const wrong = await r.as.alice!.invoke(r.id, 'override_help', { key: 'guide', content: 'nope', version: '0123456789abcdef' });
      expect(wrong.status).toBe(409);
      expect(wrong.body).toMatchObject({ error: 'version_conflict', expected_version: '0123456789abcdef', current: { version: v0, revision: 0 } });

      const first = await r.as.alice!.invoke(r.id, 'override_help', { key: 'guide', content: '# Our room\nBe kind.', version: v0 });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const room1 = await r.as.bob!.invoke(r.id, 'help', { key: 'guide' });
      expect(room1.body).toMatchObject({ key: 'guide', content: '# Our room\nBe kind.', source: 'room', revision: 1 });
      expect(room1.body.version).toMatch(HEX16);
      expect(room1.body.version).not.toBe(v0);

      const stale = await r.as.bob!.invoke(r.id, 'override_help', { key: 'guide', content: 'lost update', version: v0 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ error: 'version_conflict', expected_version: v0, current: { version: room1.body.version, revision: 1, value: '# Our room\nBe kind.' } });

      const second = await r.as.bob!.invoke(r.id, 'override_help', { key: 'guide', content: { steps: ['read', 'act'] }, version: room1.body.version });
      expect(second.status).toBe(200);
      const room2 = await r.as.alice!.invoke(r.id, 'help', { key: 'guide' });
      expect(room2.body).toMatchObject({ content: { steps: ['read', 'act'] }, source: 'room', revision: 2 });
      const listing = await r.as.alice!.invoke(r.id, 'help', {});
      expect(listing.body.keys).toEqual(SYSTEM_KEYS);
    });

    it('refuses a templated scope that resolves to _help without if_version', async () => {
      const r = await room();
      await r.register(r.as.alice!, { id: 'anywhere', params: { scope: { type: 'string' } }, writes: [{ scope: '${params.scope}', key: 'guide', value: 'overwritten' }] });
      const res = await r.as.alice!.invoke(r.id, 'anywhere', { scope: '_help' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('reserved_scope');
      expect((await r.as.alice!.invoke(r.id, 'help', { key: 'guide' })).body.source).toBe('system');
    });

    it('adds a room key with if_version "" and lists it after the system keys', async () => {
      const r = await room();
      await r.register(r.as.alice!, OVERRIDE);
      const missing = await r.as.alice!.invoke(r.id, 'override_help', { key: 'house_rules', content: 'x', version: 'abcdefabcdefabcd' });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('not_found');
      for (const key of ['zebra', 'house_rules']) {
        expect((await r.as.alice!.invoke(r.id, 'override_help', { key, content: `about ${key}`, version: '' })).status).toBe(200);
      }
      const again = await r.as.alice!.invoke(r.id, 'override_help', { key: 'house_rules', content: 'y', version: '' });
      expect(again.status).toBe(409);
      const listing = await r.as.alice!.invoke(r.id, 'help', {});
      expect(listing.body.keys).toEqual([...SYSTEM_KEYS, 'house_rules', 'zebra']);
      expect((await r.as.bob!.invoke(r.id, 'help', { key: 'house_rules' })).body).toMatchObject({ content: 'about house_rules', source: 'room', revision: 1 });
      const unknown = await r.as.alice!.invoke(r.id, 'help', { key: 'nope' });
      expect(unknown.body.available).toEqual(SYSTEM_KEYS);
    });
  });

  describe('the texts are true to behaviour', () => {
    it('guide: six built-ins, declarations visible at depth=full, D2 errors', async () => {
      const r = await room();
      const text: string = (await r.as.alice!.invoke(r.id, 'help', { key: 'guide' })).body.content;
      const builtins = ['_register_action', '_delete_action', '_register_view', '_delete_view', '_send_message', 'help'];
      for (const id of builtins) expect(text).toContain(`\`${id}\``);
      const ctx = await r.as.alice!.context(r.id);
      expect(Object.keys(ctx.body.actions).sort()).toEqual([...builtins].sort());
      await r.register(r.as.alice!, SET);
      const full = await r.as.bob!.context(r.id, '?depth=full');
      expect(full.body.actions.set.writes).toEqual(SET.writes);
      const err = await r.as.bob!.invoke(r.id, 'missing_action');
      expect(Object.keys(err.body).slice(0, 2)).toEqual(['error', 'message']);
      expect(err.body.error).toMatch(/^[a-z_]+$/);
      // "help({}) lists all keys" and every key the guide points to exists.
      for (const key of ['expressions', 'views', 'vocabulary_bootstrap', 'contested_actions', 'directed_messages', 'context_shaping', 'if_version', 'timers', 'waiting', 'standard_library']) {
        expect(text).toContain(key);
        expect(SYSTEM_KEYS).toContain(key);
      }
    });

    it('expressions: every example evaluates as the text says', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      for (const [key, value] of Object.entries({ turn: 3, price: 2, alpha: 'abc', list: [1, 2, 3] })) {
        expect((await r.as.alice!.invoke(r.id, 'set', { key, value })).status).toBe(200);
      }
      await r.register(r.as.alice!, { id: 'mine', writes: [{ scope: '${self}', key: 'hp', value: 5 }] });
      await r.as.alice!.invoke(r.id, 'mine');
      const e = (expr: string) => r.evalAs(r.as.alice!, expr);
      expect(await e('state._shared.turn + 1')).toBe(4);
      expect(await e('state._shared.price * 1.5')).toBe(3);
      expect(await e('has(state._shared.phase)')).toBe(false);
      expect(await e('"phase" in state._shared')).toBe(false);
      expect(await e('state._shared.?phase.orValue("")')).toBe('');
      expect(await e('state.self.hp == state.alice.hp && state.self.hp == 5')).toBe(true);
      expect(await e('state._shared.filter(k, k.startsWith("p"))')).toEqual(['price']);
      expect(await e('state._shared.exists(k, k == "turn") && state._shared.all(k, size(k) > 2)')).toBe(true);
      expect(await e('state._shared.list.map(x, x * 2)')).toEqual([2, 4, 6]);
      expect(await e('size(state._shared) == 4 && size(state._shared.keys()) == size(state._shared.values())')).toBe(true);
      expect(await e('"turn" in state._shared.keys() && 3 in state._shared.values()')).toBe(true);
      expect(await e('state._shared.alpha.contains("b") && state._shared.alpha.startsWith("a") && state._shared.alpha.endsWith("c") && state._shared.alpha.matches("^a")')).toBe(true);
      expect(await e('self')).toBe('alice');
      expect(await e('agents.bob.name == "bob" && agents.bob.role == "agent" && agents.bob.status == "active" && agents.bob.waiting_on == null && size(agents.bob.last_heartbeat) > 0')).toBe(true);
      expect(await e('actions.set.enabled && actions.set.available')).toBe(true);
      expect(await e('messages.count == 0 && messages.unread == 0 && messages.directed_unread == 0')).toBe(true);
      await r.as.alice!.invoke(r.id, '_register_view', { id: 'turns', expr: 'state._shared.turn', scope: '_shared' });
      expect(await e('views["turns"] == 3')).toBe(true);
      expect(await r.evalAs(r.as.bob!, 'has(state.alice)')).toBe(false);

      // `params.key in state._shared` in a condition.
      await r.register(r.as.alice!, { id: 'touch', params: { key: { type: 'string' } }, if: 'params.key in state._shared', writes: [{ key: 'touched', value: '${params.key}' }] });
      expect((await r.as.alice!.invoke(r.id, 'touch', { key: 'turn' })).status).toBe(200);
      expect((await r.as.alice!.invoke(r.id, 'touch', { key: 'nope' })).status).toBe(409);

      // Conditions hold only when true; an error counts as not true.
      await r.register(r.as.alice!, { id: 'erring', if: 'state._shared.missing > 0', writes: [{ key: 'x', value: 1 }] });
      expect((await r.as.alice!.context(r.id, '?only=actions')).body.actions.erring.available).toBe(false);
      expect(await e('actions.erring.available')).toBe(false);
      const erring = await r.as.alice!.invoke(r.id, 'erring');
      expect(erring.status).toBe(409);
      expect(erring.body).toMatchObject({ error: 'precondition_failed', action: 'erring', detail: expect.stringContaining('missing') });
      expect(typeof erring.body.hint).toBe('string');

      // Checked at registration: 400 invalid_cel with stage, detail and hint.
      const bad = await r.as.alice!.invoke(r.id, '_register_action', { id: 'bad', if: 'state._shared.turn >', writes: [] });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'invalid_cel', field: 'if', stage: 'parse' });
      expect(typeof bad.body.detail).toBe('string');
      expect(typeof bad.body.hint).toBe('string');

      // Each evaluation has a cost limit.
      const costly = await r.as.alice!.post(`/rooms/${r.id}/eval`, { expr: '[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, a))))).size()' });
      expect(costly.status).toBe(400);
      expect(costly.body.error).toBe('cel_cost_exceeded');
    });

    it('views: the example publishes one key, scope defaults to the registrar, views are per reader', async () => {
      const r = await room(['alice', 'bob']);
      await r.register(r.as.alice!, { id: 'mine', writes: [{ scope: '${self}', key: 'hp', value: 7 }, { scope: '${self}', key: 'gold', value: 100 }] });
      await r.as.alice!.invoke(r.id, 'mine');
      const reg = await r.as.alice!.invoke(r.id, '_register_view', { id: 'alice.hp', expr: 'state.alice.hp', render: { type: 'metric', label: 'HP' } });
      expect(reg.status).toBe(201);
      expect(reg.body).toMatchObject({ scope: 'alice', value: 7, render: { type: 'metric', label: 'HP' } });
      const bob = await r.as.bob!.context(r.id, '?include=_views');
      expect(bob.body.views['alice.hp']).toBe(7);
      expect(JSON.stringify(bob.body)).not.toContain('gold');
      expect(bob.body.state._views['alice.hp'].render).toEqual({ type: 'metric', label: 'HP' });

      await r.as.alice!.invoke(r.id, '_register_view', { id: 'me', expr: 'self', scope: '_shared' });
      await r.as.alice!.invoke(r.id, '_register_view', { id: 'double', expr: 'views["alice.hp"] * 2', scope: '_shared' });
      await r.as.alice!.invoke(r.id, '_register_view', { id: 'broken', expr: 'state._shared.nothing', scope: '_shared' });
      await r.as.alice!.invoke(r.id, '_register_view', { id: 'hidden', expr: '1', scope: '_shared', enabled: 'has(state._shared.open)' });
      const seen = async (who: TestClient) => (await who.context(r.id, '?only=views')).body.views;
      expect((await seen(r.as.alice!)).me).toBe('alice');
      const views = await seen(r.as.bob!);
      expect(views.me).toBe('bob');
      expect(views.double).toBe(14);
      expect(views.broken).toHaveProperty('_error');
      expect(views).not.toHaveProperty('hidden');
      await r.register(r.as.alice!, { id: 'open', writes: [{ key: 'open', value: true }] });
      await r.as.alice!.invoke(r.id, 'open');
      expect((await seen(r.as.bob!)).hidden).toBe(1);

      const steal = await r.as.bob!.invoke(r.id, '_register_view', { id: 'alice.hp', expr: '0', scope: '_shared' });
      expect(steal.status).toBe(403);
      expect(steal.body.error).toBe('view_owned');
      const del = await r.as.bob!.invoke(r.id, '_delete_view', { id: 'alice.hp' });
      expect(del.status).toBe(403);
      expect(del.body.error).toBe('view_owned');

      const carol = await client.post(`/rooms/${r.id}/agents`, { id: 'carol', state: { hp: 3, secret: 'x' }, public_keys: ['hp'] });
      expect(carol.status).toBe(201);
      const after = await seen(r.as.bob!);
      expect(after['carol.hp']).toBe(3);
    });

    it('if_version: versions, conflicts, must-not-exist, and params alone do nothing', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.register(r.as.alice!, {
        id: 'cas',
        params: { key: { type: 'string' }, value: { type: 'any' }, version: { type: 'string' } },
        writes: [{ key: '${params.key}', value: '${params.value}', if_version: '${params.version}' }],
      });
      const text: string = (await r.as.alice!.invoke(r.id, 'help', { key: 'if_version' })).body.content;
      expect(text).toContain('version_conflict');

      expect((await r.as.alice!.invoke(r.id, 'cas', { key: 'doc', value: 'v1', version: '' })).status).toBe(200);
      const row = async () => (await r.as.alice!.get(`/rooms/${r.id}/poll`)).body.state.find((e: { key: string }) => e.key === 'doc');
      const first = await row();
      expect(first.version).toMatch(HEX16);
      expect(first.revision).toBe(1);

      const exists = await r.as.alice!.invoke(r.id, 'cas', { key: 'doc', value: 'again', version: '' });
      expect(exists.status).toBe(409);
      expect(exists.body).toMatchObject({ error: 'version_conflict', expected_version: '', current: { version: first.version, revision: 1, value: 'v1' } });

      expect((await r.as.bob!.invoke(r.id, 'cas', { key: 'doc', value: 'v2', version: first.version })).status).toBe(200);
      const stale = await r.as.alice!.invoke(r.id, 'cas', { key: 'doc', value: 'v3', version: first.version });
      expect(stale.status).toBe(409);
      const second = await row();
      expect(stale.body.current).toEqual({ version: second.version, revision: 2, value: 'v2' });

      const missing = await r.as.alice!.invoke(r.id, 'cas', { key: 'absent', value: 1, version: first.version });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('not_found');

      // The version is a hash of the content: writing the same value again keeps it, the revision grows.
      await r.as.alice!.invoke(r.id, 'set', { key: 'doc', value: 'v2' });
      const rewritten = await row();
      expect(rewritten).toMatchObject({ version: second.version, revision: 3 });

      // if_version as a plain param does nothing unless the template uses it.
      const ignored = await r.as.alice!.invoke(r.id, 'set', { key: 'doc', value: 'v4', if_version: 'not-a-version' });
      expect(ignored.status).toBe(200);
      expect((await row()).value).toBe('v4');
    });

    it('context_shaping: every parameter does what the text says', async () => {
      const r = await room();
      await r.register(r.as.alice!, { ...SET, description: null, if: 'true' });
      const a = r.as.alice!;
      const lean = await a.context(r.id);
      expect(lean.body.actions.set).toEqual({ available: true, description: null });
      expect(lean.body._context).toMatchObject({ sections: ['state', 'views', 'agents', 'actions', 'messages', 'self'], depth: 'lean', request: {} });
      const full = await a.context(r.id, '?depth=full&messages=false');
      expect(full.body.actions.set).toMatchObject({ params: SET.params, writes: SET.writes, if: 'true' });
      await a.invoke(r.id, 'set', { key: 'k', value: 1 });
      const usage = await a.context(r.id, '?depth=usage&messages=false');
      expect(usage.body.actions.set.invocation_count).toBe(1);

      const only = await a.context(r.id, '?only=state,views&messages=false');
      expect(Object.keys(only.body).filter((k) => k !== '_context').sort()).toEqual(['self', 'state', 'views']);
      expect(only.body._context.elided).toEqual(expect.arrayContaining(['agents', 'actions']));
      const scope = await a.context(r.id, '?only=state._shared&messages=false');
      expect(scope.body.state).toEqual({ _shared: { k: 1 } });

      const noActions = await a.context(r.id, '?actions=false&messages=false');
      expect(noActions.body.actions).toBeUndefined();
      expect(noActions.body.messages).toBeUndefined();
      expect(noActions.body._context).toMatchObject({ elided: ['actions', 'messages'], _expand: ['?actions=true', '?messages=true'], request: { actions: false, messages: false } });

      // messages=false skips read marking; reading messages marks them read.
      for (let i = 0; i < 3; i++) await r.as.bob!.invoke(r.id, '_send_message', { body: `m${i}` });
      expect((await a.context(r.id, '?messages=false')).body.messages).toBeUndefined();
      expect(await r.evalAs(a, 'messages.unread')).toBe(3);
      const after = await a.context(r.id, '?messages_after=1');
      expect(after.body.messages.recent.map((m: { seq: number }) => m.seq)).toEqual([2, 3]);
      expect(await r.evalAs(a, 'messages.unread')).toBe(0);
      expect((await a.context(r.id, '?messages_limit=501')).status).toBe(400);
      expect((await a.context(r.id, '?messages_limit=500')).status).toBe(200);

      const includes = await a.context(r.id, '?include=_audit,_messages,_actions,_views,_agents');
      expect(Object.keys(includes.body.state)).toEqual(expect.arrayContaining(['_audit', '_messages', '_actions', '_views', '_agents']));
      const compact = await a.context(r.id, '?compact=true');
      expect(JSON.stringify(compact.body)).not.toContain('null');
      expect(JSON.stringify(lean.body)).toContain('null');
    });

    it('directed_messages: to routes attention, not privacy; counters and read marking', async () => {
      const r = await room(['alice', 'bob', 'carol']);
      const sent = await r.as.bob!.invoke(r.id, '_send_message', { body: 'psst', to: 'alice' });
      expect(sent.body).toMatchObject({ ok: true, seq: 1, to: ['alice'] });
      await r.as.bob!.invoke(r.id, '_send_message', { body: 'both of you', to: ['alice', 'carol'] });
      const carol = await r.as.carol!.context(r.id);
      expect(carol.body.messages.recent.map((m: { body: string }) => m.body)).toEqual(['psst', 'both of you']);
      expect(carol.body.messages).toMatchObject({ count: 2, unread: 2, directed_unread: 1 });
      expect(await r.evalAs(r.as.alice!, 'messages.directed_unread > 0')).toBe(true);
      const quiet = await r.as.alice!.context(r.id, '?messages=false');
      expect(quiet.body.messages).toBeUndefined();
      expect(await r.evalAs(r.as.alice!, 'messages.directed_unread')).toBe(2);
      await r.as.alice!.context(r.id);
      expect(await r.evalAs(r.as.alice!, '[messages.count, messages.unread, messages.directed_unread]')).toEqual([2, 0, 0]);
    });

    it('vocabulary_bootstrap: the example view works', async () => {
      const r = await room();
      const text: string = (await r.as.alice!.invoke(r.id, 'help', { key: 'vocabulary_bootstrap' })).body.content;
      const match = /(\{"id": "answers".*?\})`/.exec(text);
      expect(match).not.toBeNull();
      const view = JSON.parse(match![1]!);
      await r.register(r.as.alice!, { id: 'submit_answer', params: { answer: { type: 'any', required: true } }, writes: [{ key: '${self}.answer', value: '${params.answer}' }] });
      await r.as.alice!.invoke(r.id, 'submit_answer', { answer: 42 });
      await r.as.bob!.invoke(r.id, 'submit_answer', { answer: 'forty-two' });
      const reg = await r.as.alice!.invoke(r.id, '_register_view', view);
      expect(reg.status).toBe(201);
      expect(reg.body.value).toEqual(['alice.answer', 'bob.answer']);
    });

    it('contested_actions: redefinition warning, owned actions, contest clears', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.as.alice!.invoke(r.id, 'set', { key: 'k', value: 1 });
      const redefined = await r.register(r.as.bob!, { ...SET, writes: [{ key: 'fixed', value: '${params.value}' }] });
      expect(redefined.body).toMatchObject({
        warning: 'action_redefined',
        help: 'contested_actions',
        redefinition: { previous_registrant: 'alice', writes_changed: true, params_changed: false, invocation_count: 1, previous_writes: SET.writes, risk: 'high — action has been invoked and write behavior changed' },
      });
      await r.register(r.as.alice!, { id: 'also_fixed', writes: [{ key: 'fixed', value: 0 }] });
      expect((await r.as.alice!.context(r.id)).body.views._contested).toBeDefined();
      expect((await r.as.bob!.invoke(r.id, '_delete_action', { id: 'also_fixed' })).status).toBe(200);
      const cleared = await r.as.alice!.context(r.id);
      expect(cleared.body.views._contested).toBeUndefined();
      expect(cleared.body._context.help).toBeUndefined();

      await r.register(r.as.alice!, { id: 'alices', scope: 'alice', writes: [{ scope: 'alice', key: 'x', value: 1 }] });
      expect((await r.as.bob!.invoke(r.id, '_register_action', { id: 'alices', writes: [] })).body.error).toBe('action_owned');
      expect((await r.as.bob!.invoke(r.id, '_delete_action', { id: 'alices' })).body.error).toBe('action_owned');
    });

    it('timers: entry, action and cooldown timers behave as described', async () => {
      const r = await room();
      await r.register(r.as.alice!, {
        id: 'flash',
        writes: [
          { key: 'flash', value: 'now you see me', timer: { ms: 1000, effect: 'delete' } },
          { key: 'later', value: 'here at last', timer: { ms: 1000, effect: 'enable' } },
        ],
      });
      await r.as.alice!.invoke(r.id, 'flash');
      const shared = async () => (await r.as.bob!.context(r.id, '?only=state._shared')).body.state._shared;
      expect(await shared()).toEqual({ flash: 'now you see me' });
      expect(await r.evalAs(r.as.bob!, 'has(state._shared.later)')).toBe(false);
      clock.advance(1000);
      expect(await shared()).toEqual({ later: 'here at last' });

      await r.register(r.as.alice!, { id: 'rest', on_invoke: { timer: { ms: 15000, effect: 'enable' } }, writes: [{ key: 'rested', increment: 1 }] });
      expect((await r.as.alice!.invoke(r.id, 'rest')).status).toBe(200);
      const cooling = await r.as.bob!.invoke(r.id, 'rest');
      expect(cooling.status).toBe(409);
      expect(cooling.body).toMatchObject({ error: 'action_cooldown', action: 'rest', available_at: new Date(clock.now() + 15000).toISOString() });
      expect((await r.as.bob!.context(r.id, '?only=actions')).body.actions).not.toHaveProperty('rest');
      clock.advance(15000);
      expect((await r.as.bob!.invoke(r.id, 'rest')).status).toBe(200);

      await r.register(r.as.alice!, { id: 'offer', timer: { ms: 5000, effect: 'delete' }, writes: [{ key: 'taken', value: true }] });
      clock.advance(5000);
      const expired = await r.as.bob!.invoke(r.id, 'offer');
      expect(expired.status).toBe(404);
      expect(expired.body.error).toBe('action_expired');
      expect(await r.evalAs(r.as.bob!, '"offer" in actions')).toBe(false);

      await r.as.alice!.invoke(r.id, '_register_view', { id: 'teaser', expr: '"soon"', scope: '_shared', timer: { ms: 1000, effect: 'enable' } });
      expect((await r.as.bob!.context(r.id, '?only=views')).body.views).not.toHaveProperty('teaser');
      clock.advance(1000);
      expect((await r.as.bob!.context(r.id, '?only=views')).body.views.teaser).toBe('soon');
    });

    it('timers: ticks count committed writes to the tick_on key', async () => {
      const r = await room();
      await r.register(r.as.alice!, {
        id: 'plant',
        writes: [{ key: 'after_turns', value: 'two turns later', timer: { ticks: 2, tick_on: 'state._shared.turn', effect: 'enable' } }],
      });
      await r.register(r.as.alice!, { id: 'turn', writes: [{ key: 'turn', increment: 1 }] });
      await r.as.alice!.invoke(r.id, 'plant');
      const shared = async () => (await r.as.bob!.context(r.id, '?only=state._shared')).body.state._shared;
      expect(await shared()).toEqual({});
      await r.as.bob!.invoke(r.id, 'turn');
      expect(await shared()).toEqual({ turn: 1 });
      await r.as.alice!.invoke(r.id, 'turn');
      expect(await shared()).toEqual({ after_turns: 'two turns later', turn: 2 });
    });

    it('waiting: /wait answers at once or when a change makes the condition true; status is waiting meanwhile', async () => {
      const r = await room();
      const text: string = (await r.as.alice!.invoke(r.id, 'help', { key: 'waiting' })).body.content;
      expect(text).toContain('/wait?condition=');
      const now = await r.as.alice!.get(`/rooms/${r.id}/wait?condition=${encodeURIComponent('self == "alice"')}`);
      expect(now.status).toBe(200);
      expect(now.body).toMatchObject({ triggered: true, condition: 'self == "alice"' });
      expect(now.body.context).toBeDefined();

      await r.register(r.as.bob!, SET);
      const condition = 'has(state._shared.go) && state._shared.go == true';
      const pending = r.as.alice!.get(`/rooms/${r.id}/wait?condition=${encodeURIComponent(condition)}`);
      let agents: any = {};
      for (let i = 0; i < 50 && agents.alice?.status !== 'waiting'; i++) {
        await new Promise((res) => setTimeout(res, 10));
        agents = (await r.as.bob!.context(r.id, '?only=agents&messages=false')).body.agents;
      }
      expect(agents.alice).toMatchObject({ status: 'waiting', waiting_on: condition });
      await r.as.bob!.invoke(r.id, 'set', { key: 'go', value: true });
      const woken = await pending;
      expect(woken.status).toBe(200);
      expect(woken.body.triggered).toBe(true);
      expect((await r.as.bob!.context(r.id, '?only=agents&messages=false')).body.agents.alice.status).toBe('active');
    });
  });
});
