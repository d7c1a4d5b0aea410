// Private scopes (D7, D9): bob never reads alice's private values through any surface, until
// alice publishes one with a view; admins read everything, view tokens read no private scope.
// One scenario in one file (longer than most): the last test searches every response the others got.
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessApp, type TestApp } from '../support/in-process.js';
import { TestClient, type Fetcher, type JsonResponse } from '../support/http-client.js';

const ROOM = 'privacy';
const SECRET = 's3cr3t';

interface Seen {
  label: string;
  text: string;
}

/** A client whose every response body is kept, so a test can search all of them at once. */
function recordingClient(fetcher: Fetcher, seen: Seen[]): TestClient {
  return new TestClient('http://local', async (url, init) => {
    const res = await fetcher(url, init);
    const text = await res.text();
    seen.push({ label: `${init.method} ${url.replace('http://local', '')} ${typeof init.body === 'string' ? init.body : ''}`, text });
    return new Response(text, { status: res.status, headers: res.headers });
  });
}

function expectNoSecret(res: JsonResponse, what = ''): void {
  expect(JSON.stringify(res.body), what).not.toContain(SECRET);
}

describe('private scopes (D7, D9)', () => {
  const seenByBob: Seen[] = [];
  const seenByViewer: Seen[] = [];
  let client: TestClient;
  let admin: TestClient;
  let alice: TestClient;
  let bob: TestClient;
  let viewer: TestClient;
  let app: TestApp['app'];
  let bobToken: string;

  beforeAll(async () => {
    const made = inProcessApp();
    app = made.app;
    client = made.client;
    const fetcher: Fetcher = async (url, init) => app.http.request(url, init);
    const room = await client.post('/rooms', { id: ROOM });
    expect(room.status).toBe(201);
    admin = client.as(room.body.token);
    const a = await client.post(`/rooms/${ROOM}/agents`, { id: 'alice', name: 'Alice', state: { secret: SECRET, hp: 80 } });
    expect(a.status).toBe(201);
    alice = client.as(a.body.token);
    const b = await client.post(`/rooms/${ROOM}/agents`, { id: 'bob', name: 'Bob', state: { mine: 'bob-own' } });
    expect(b.status).toBe(201);
    bobToken = b.body.token;
    bob = recordingClient(fetcher, seenByBob).as(bobToken);
    viewer = recordingClient(fetcher, seenByViewer).as(room.body.view_token);

    // alice writes more private keys through her own actions: a shared action writing ${self},
    // and actions she owns that write her scope whoever invokes them.
    const stash = await alice.invoke(ROOM, '_register_action', {
      id: 'stash',
      description: 'Keep a private note in your own scope',
      params: { text: { type: 'string', required: true } },
      writes: [{ scope: '${self}', key: 'diary', value: '${params.text}' }],
    });
    expect(stash.status).toBe(201);
    const stashed = await alice.invoke(ROOM, 'stash', { text: `diary-${SECRET}` });
    expect(stashed.status).toBe(200);
    expect(stashed.body.writes).toEqual([{ scope: 'alice', key: 'diary', value: `diary-${SECRET}` }]);

    const poke = await alice.invoke(ROOM, '_register_action', {
      id: 'poke',
      scope: 'alice',
      description: 'Poke alice: she counts pokes and echoes her secret into her own scope',
      if: 'state.alice.hp > 0',
      writes: [
        { scope: 'alice', key: 'pokes', increment: 1 },
        { scope: 'alice', key: 'echo', value: 'state.alice.secret + "-echo"', expr: true },
      ],
    });
    expect(poke.status).toBe(201);

    const rewrite = await alice.invoke(ROOM, '_register_action', {
      id: 'rewrite_secret',
      scope: 'alice',
      description: 'Replace alice\'s secret given proof of read',
      params: { version: { type: 'string', required: true }, value: { type: 'string', required: true } },
      writes: [{ scope: 'alice', key: 'secret', value: '${params.value}', if_version: '${params.version}' }],
    });
    expect(rewrite.status).toBe(201);
  });

  it('keeps alice\'s scope out of every context bob reads', async () => {
    const onlies = [undefined, 'state', 'views', 'agents', 'actions', 'messages', 'self', 'state.alice', 'state._shared', 'state,views,agents,actions,messages'];
    const includes = [undefined, '_audit', '_audit,_agents,_actions,_views', '_messages', '_audit,_messages,_agents,_actions,_views'];
    for (const depth of ['lean', 'full', 'usage']) {
      for (const only of onlies) {
        for (const include of includes) {
          const query = new URLSearchParams({ depth, ...(only ? { only } : {}), ...(include ? { include } : {}) });
          const res = await bob.context(ROOM, `?${query}`);
          expect(res.status, query.toString()).toBe(200);
          expectNoSecret(res, query.toString());
          const state = res.body.state ?? {};
          if (only !== 'state.alice') expect(state.alice, query.toString()).toBeUndefined();
          else expect(state.alice).toEqual({});
        }
      }
    }
    const plain = await bob.context(ROOM);
    expect(plain.body.self).toBe('bob');
    expect(plain.body.state.self).toEqual({ mine: 'bob-own' });
    expect(plain.body.state.bob).toEqual({ mine: 'bob-own' });
    expect(JSON.stringify(plain.body)).not.toContain('"hp"');
  });

  it('refuses alice\'s scope in bob\'s eval and shows bob his own self', async () => {
    for (const expr of ['state.alice', 'state["alice"]', 'state.alice.secret', 'state["alice"]["secret"]', 'state.alice.hp + 1']) {
      const res = await bob.post(`/rooms/${ROOM}/eval`, { expr });
      expect(res.status, expr).toBe(400);
      expect(res.body.error).toBe('cel_error');
      expectNoSecret(res, expr);
    }
    const probes: Record<string, unknown> = {
      'has(state.alice)': false,
      '"alice" in state': false,
      'state.exists(s, s == "alice")': false,
      'state.self': { mine: 'bob-own' },
      'state.self == state.bob': true,
      self: 'bob',
      'state.?alice.?secret.orValue("none")': 'none',
    };
    for (const [expr, expected] of Object.entries(probes)) {
      const res = await bob.post(`/rooms/${ROOM}/eval`, { expr });
      expect(res.status, `${expr}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.value, expr).toEqual(expected);
    }
  });

  it('evaluates views bob registers with bob\'s authority only', async () => {
    for (const [id, scope] of [['peek_bob', 'bob'], ['peek_shared', '_shared']] as const) {
      // A literal path into alice's scope is refused when declared (it could never show anything)…
      const literal = await bob.invoke(ROOM, '_register_view', { id, scope, expr: 'state.alice.secret' });
      expect(literal.status).toBe(403);
      expect(literal.body).toMatchObject({ error: 'unreadable_scope', field: 'expr', scope: 'alice' });
      // …and a computed one is evaluated with bob's authority.
      const res = await bob.invoke(ROOM, '_register_view', { id, scope, expr: 'state["ali" + "ce"].secret' });
      expect(res.status).toBe(201);
      expect(res.body.value).toHaveProperty('_error');
      expectNoSecret(res, id);
    }
    const indexed = await bob.invoke(ROOM, '_register_view', { id: 'peek_index', scope: 'bob', expr: 'state[["alice"][0]]' });
    expect(indexed.body.value).toHaveProperty('_error');
    const ctx = await bob.context(ROOM, '?only=views');
    expect(ctx.body.views.peek_bob).toHaveProperty('_error');
    expect(ctx.body.views.peek_shared).toHaveProperty('_error');
    expectNoSecret(ctx);
    // bob cannot register a view that borrows alice's authority, nor take over hers.
    const borrowed = await bob.invoke(ROOM, '_register_view', { id: 'borrowed', scope: 'alice', expr: 'state.alice.secret' });
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.error).toBe('identity_mismatch');
    expectNoSecret(borrowed);
  });

  it('evaluates actions bob registers with bob\'s authority only', async () => {
    const res = await bob.invoke(ROOM, '_register_action', {
      id: 'steal_result',
      description: 'Try to return alice\'s secret',
      result: 'state.alice.secret',
    });
    expect(res.body).toMatchObject({ error: 'unreadable_scope', field: 'result', scope: 'alice' });
    const computed = await bob.invoke(ROOM, '_register_action', {
      id: 'steal_result',
      description: 'Try to return alice\'s secret',
      result: 'state["ali" + "ce"].secret',
    });
    expect(computed.status).toBe(201);
    const invoked = await bob.invoke(ROOM, 'steal_result');
    expect(invoked.status).toBe(200);
    expect(invoked.body.result).toHaveProperty('_error');
    expectNoSecret(invoked);

    const copy = await bob.invoke(ROOM, '_register_action', {
      id: 'steal_copy',
      description: 'Try to copy alice\'s secret to shared state',
      writes: [{ scope: '_shared', key: 'stolen', value: 'state["ali" + "ce"].secret', expr: true }],
    });
    expect(copy.status).toBe(201);
    const copied = await bob.invoke(ROOM, 'steal_copy');
    expect(copied.status).toBe(400);
    expect(copied.body.error).toBe('cel_error');
    expectNoSecret(copied);

    const gated = await bob.invoke(ROOM, '_register_action', {
      id: 'steal_if',
      description: 'Learn the secret by whether the action is available',
      if: 'state["ali" + "ce"].secret.startsWith("s")',
      writes: [{ scope: '_shared', key: 'oracle', value: true }],
    });
    expect(gated.status).toBe(201);
    expect((await bob.invoke(ROOM, 'steal_if')).body.error).toBe('precondition_failed');
    const listing = await bob.context(ROOM, '?only=actions');
    expect(listing.body.actions.steal_if.available).toBe(false);

    // bob cannot write alice's scope, own an action as alice, or take over alice's actions.
    const write = await bob.invoke(ROOM, '_register_action', { id: 'scribble', writes: [{ scope: 'alice', key: 'secret', value: 'overwritten' }] });
    expect(write.status).toBe(201);
    const scribbled = await bob.invoke(ROOM, 'scribble');
    expect(scribbled.status).toBe(403);
    expect(scribbled.body.error).toBe('scope_denied');
    const owned = await bob.invoke(ROOM, '_register_action', { id: 'as_alice', scope: 'alice', result: 'state.alice.secret' });
    expect(owned.status).toBe(403);
    expect(owned.body.error).toBe('identity_mismatch');
    const takeover = await bob.invoke(ROOM, '_register_action', { id: 'poke', description: 'mine now', result: 'state.alice.secret' });
    expect(takeover.status).toBe(403);
    expect(takeover.body.error).toBe('action_owned');
    expect((await admin.post(`/rooms/${ROOM}/eval`, { expr: 'state.alice.secret' })).body.value).toBe(SECRET);
  });

  it('shows bob the write records of alice\'s owned action without their values', async () => {
    const res = await bob.invoke(ROOM, 'poke');
    expect(res.status).toBe(200);
    expect(res.body.writes).toEqual([
      { scope: 'alice', key: 'pokes' },
      { scope: 'alice', key: 'echo' },
    ]);
    expectNoSecret(res);
    const own = await alice.post(`/rooms/${ROOM}/eval`, { expr: '[state.alice.pokes, state.self.echo]' });
    expect(own.body.value).toEqual([1, `${SECRET}-echo`]);
    const ctx = await bob.context(ROOM, '?only=actions&depth=full');
    expect(ctx.body.actions.poke.available).toBe(true);
  });

  it('leaves the current value out of a version_conflict bob provokes', async () => {
    const res = await bob.invoke(ROOM, 'rewrite_secret', { version: '0000000000000000', value: 'bob-was-here' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('version_conflict');
    expect(res.body.current).not.toHaveProperty('value');
    expectNoSecret(res);
    const unchanged = await admin.post(`/rooms/${ROOM}/eval`, { expr: 'state.alice.secret' });
    expect(unchanged.body.value).toBe(SECRET);
  });

  it('filters the audit log per reader: no private values, no one else\'s params', async () => {
    const ctx = await bob.context(ROOM, '?include=_audit');
    const audit = Object.values(ctx.body.state._audit) as any[];
    expect(audit.length).toBeGreaterThan(0);
    expectNoSecret(ctx);
    const aliceStash = audit.find((e) => e.agent === 'alice' && e.action === 'stash');
    expect(aliceStash).toBeDefined();
    expect(aliceStash.params).toBeUndefined();
    expect(aliceStash.writes).toEqual([{ scope: 'alice', key: 'diary' }]);
    const join = audit.find((e) => e.kind === 'agent_join' && e.agent === 'alice');
    expect(join).toBeDefined();
    expect(join.detail).toBeUndefined();
    const bobPoke = audit.find((e) => e.agent === 'bob' && e.action === 'poke');
    expect(bobPoke.writes).toEqual([{ scope: 'alice', key: 'pokes' }, { scope: 'alice', key: 'echo' }]);

    const poll = await bob.get(`/rooms/${ROOM}/poll`);
    expect(poll.status).toBe(200);
    expectNoSecret(poll);
    expect(poll.body.state.some((row: any) => row.scope === 'alice')).toBe(false);
    const pollStash = poll.body.audit.find((e: any) => e.agent === 'alice' && e.action === 'stash');
    expect(pollStash.params).toBeUndefined();
    // alice sees her own params and values in the same log.
    const mine = await alice.get(`/rooms/${ROOM}/poll`);
    expect(mine.body.audit.find((e: any) => e.action === 'stash').params).toEqual({ text: `diary-${SECRET}` });
  });

  it('keeps values out of error messages about alice\'s owned actions', async () => {
    const reg = await alice.invoke(ROOM, '_register_action', {
      id: 'fragile',
      scope: 'alice',
      description: 'A condition that fails on alice\'s string secret',
      if: 'int(state.alice.secret) > 0 || state.alice.secret + 1 == 2',
      writes: [{ scope: 'alice', key: 'fragile', value: 1 }],
    });
    expect(reg.status).toBe(201);
    const res = await bob.invoke(ROOM, 'fragile');
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('precondition_failed');
    expectNoSecret(res);
    const conflict = await bob.invoke(ROOM, 'poke', {}, { agent: 'alice' });
    expect(conflict.status).toBe(403);
    expect(conflict.body.error).toBe('identity_mismatch');
  });

  it('keeps private values out of CEL error details evaluated with the owner\'s authority', async () => {
    const reg = await alice.invoke(ROOM, '_register_action', {
      id: 'lookup',
      scope: 'alice',
      description: 'Look up a shared slot named by alice\'s secret',
      if: 'state._shared[state.alice.secret] == 1',
      writes: [],
    });
    expect(reg.status).toBe(201);
    const res = await bob.invoke(ROOM, 'lookup');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'precondition_failed', detail: expect.stringContaining('hidden') });
    expectNoSecret(res);
    const view = await alice.invoke(ROOM, '_register_view', { id: 'lookup_view', scope: 'alice', expr: 'state.alice[state.alice.secret]' });
    expect(view.status).toBe(201);
    expectNoSecret(await bob.context(ROOM, '?only=views'));
    expectNoSecret(await bob.get(`/rooms/${ROOM}/poll`));
  });

  it('publishes only what alice exposes with a view', async () => {
    const reg = await alice.invoke(ROOM, '_register_view', { id: 'alice.hp', scope: 'alice', expr: 'state.alice.hp', description: 'alice\'s hp' });
    expect(reg.status).toBe(201);
    expect(reg.body.value).toBe(80);
    const carol = await client.post(`/rooms/${ROOM}/agents`, { id: 'carol', state: { hp: 55, secret: `carol-${SECRET}` }, public_keys: ['hp'] });
    expect(carol.status).toBe(201);

    const ctx = await bob.context(ROOM);
    expect(ctx.body.views['alice.hp']).toBe(80);
    expect(ctx.body.views['carol.hp']).toBe(55);
    expect(ctx.body.state.alice).toBeUndefined();
    expectNoSecret(ctx);
    const evaluated = await bob.post(`/rooms/${ROOM}/eval`, { expr: 'views["alice.hp"] + views["carol.hp"]' });
    expect(evaluated.body.value).toBe(135);
    const poll = await bob.get(`/rooms/${ROOM}/poll`);
    expect(poll.body.views['alice.hp']).toBe(80);
    expectNoSecret(poll);
    // A view of bob's reading alice's published view gets the published value, not her scope.
    const derived = await bob.invoke(ROOM, '_register_view', { id: 'double_hp', scope: 'bob', expr: 'views["alice.hp"] * 2' });
    expect(derived.body.value).toBe(160);
    const viewing = await viewer.context(ROOM);
    expect(viewing.body.views['alice.hp']).toBe(80);
  });

  it('keeps alice\'s scope out of bob\'s waits and event stream', async () => {
    const wait = (query: string) => bob.get(`/rooms/${ROOM}/wait?${query}`);
    for (const include of ['context', 'state', 'state.alice', 'state,views,agents,messages,actions']) {
      const res = await wait(`condition=true&include=${include}`);
      expect(res.status, include).toBe(200);
      expect(res.body.triggered).toBe(true);
      expectNoSecret(res, include);
    }
    // A literal path into alice's scope is refused at once; a computed one simply never holds.
    const literal = await wait(`condition=${encodeURIComponent('state.alice.secret.startsWith("s")')}&timeout=50`);
    expect(literal.status).toBe(403);
    expect(literal.body).toMatchObject({ error: 'unreadable_scope', scope: 'alice' });
    expectNoSecret(literal);
    const probing = await wait(`condition=${encodeURIComponent('state["ali" + "ce"].secret.startsWith("s")')}&timeout=50`);
    expect(probing.status).toBe(200);
    expect(probing.body.triggered).toBe(false);
    expectNoSecret(probing);
    const asAlice = await wait('condition=true&agent=alice');
    expect(asAlice.status).toBe(403);

    // The SSE backlog up to the `ready` event, read as bob.
    const controller = new AbortController();
    const res = await app.http.request(`http://local/rooms/${ROOM}/events`, { headers: { authorization: `Bearer ${bobToken}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: ready')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(text).toContain('event: ready');
    expect(text).toContain('diary');
    expect(text).not.toContain(SECRET);
  });

  it('shows room admins every scope', async () => {
    const ctx = await admin.context(ROOM, '?include=_audit');
    expect(ctx.body.state.alice).toMatchObject({ secret: SECRET, hp: 80, diary: `diary-${SECRET}`, echo: `${SECRET}-echo` });
    expect(ctx.body.state.carol).toMatchObject({ secret: `carol-${SECRET}` });
    const audit = Object.values(ctx.body.state._audit) as any[];
    expect(audit.find((e) => e.action === 'stash' && e.agent === 'alice').params).toEqual({ text: `diary-${SECRET}` });
    expect(audit.find((e) => e.kind === 'agent_join' && e.agent === 'alice').detail.state).toEqual({ secret: SECRET, hp: 80 });
    const evaluated = await admin.post(`/rooms/${ROOM}/eval`, { expr: 'state.alice.secret + "/" + state.carol.secret' });
    expect(evaluated.body.value).toBe(`${SECRET}/carol-${SECRET}`);
    const poll = await admin.get(`/rooms/${ROOM}/poll`);
    expect(poll.body.state.some((row: any) => row.scope === 'alice' && row.key === 'secret' && row.value === SECRET)).toBe(true);
  });

  it('shows a view token no private scope', async () => {
    for (const query of ['', '?include=_audit,_agents,_actions,_views,_messages', '?depth=usage', '?only=state.alice']) {
      const res = await viewer.context(ROOM, query);
      expect(res.status).toBe(200);
      expectNoSecret(res, query);
    }
    const evaluated = await viewer.post(`/rooms/${ROOM}/eval`, { expr: 'state.alice.secret' });
    expect(evaluated.status).toBe(400);
    expectNoSecret(evaluated);
    const poll = await viewer.get(`/rooms/${ROOM}/poll`);
    expectNoSecret(poll);
    const write = await viewer.invoke(ROOM, 'poke');
    expect(write.status).toBe(403);
    expect(write.body.error).toBe('read_only_token');
  });

  it('never put the secret in any response bob or the view token received', () => {
    expect(seenByBob.length).toBeGreaterThan(150);
    const leaks = [...seenByBob, ...seenByViewer].filter((s) => s.text.includes(SECRET)).map((s) => s.label);
    expect(leaks).toEqual([]);
  });
});
