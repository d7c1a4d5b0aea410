// Each help text checked against what the server actually does (sync-core §14): an agent that
// follows the help must get the behaviour it describes.
import { describe, expect, it } from 'vitest';
import { HEX16, SET, SYSTEM_KEYS, helpRooms } from '../support/help-rooms.js';
import type { TestClient } from '../support/http-client.js';

describe('help texts', () => {
  const { room, client, clock } = helpRooms('texts');

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
      expect(sent.body).toMatchObject({ invoked: true, seq: 1, to: ['alice'] });
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
