// Event-driven /wait (D16): immediate answers, targeted wake-ups, agent status, bad input, and
// the cost of pending waits measured in condition evaluations rather than time.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';

const q = (condition: string, extra = '') => `?condition=${encodeURIComponent(condition)}${extra}`;

async function room() {
  const { app, client } = inProcessApp();
  const { tokens, admin } = await roomWithAgents(client, 'r', ['alice', 'bob', 'carol']);
  const alice = client.as(tokens.alice);
  await alice.invoke('r', '_register_action', { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] });
  return { app, client, admin: client.as(admin), alice, bob: client.as(tokens.bob), carol: client.as(tokens.carol) };
}

describe('wait', () => {
  it('answers at once when the condition already holds, with the context', async () => {
    const { alice } = await room();
    await alice.invoke('r', 'set', { key: 'phase', value: 'go' });
    const res = await alice.get('/rooms/r/wait' + q('state._shared.phase == "go"'));
    expect(res.body).toMatchObject({ triggered: true, condition: 'state._shared.phase == "go"' });
    expect(res.body.context.state._shared.phase).toBe('go');
    expect(res.body.context._context).toBeDefined();
  });

  it('is woken by the commit that makes it true, and marks the agent waiting meanwhile', async () => {
    const { app, alice, bob } = await room();
    const pending = bob.get('/rooms/r/wait' + q('state._shared.turn == 2', '&include=state._shared,agents'));
    await until(() => app.services.waits.stats().pending === 1);
    const seen = await alice.context('r', '?only=agents');
    expect(seen.body.agents.bob).toMatchObject({ status: 'waiting', waiting_on: 'state._shared.turn == 2' });
    await alice.invoke('r', 'set', { key: 'turn', value: 1 });
    await alice.invoke('r', 'set', { key: 'turn', value: 2 });
    const res = await pending;
    expect(res.body).toMatchObject({ triggered: true, value: true, state: { turn: 2 } });
    expect((await alice.context('r', '?only=agents')).body.agents.bob).toMatchObject({ status: 'active', waiting_on: null });
  });

  it('wakes on views, messages and agent changes it depends on', async () => {
    const { app, alice, bob, carol } = await room();
    await alice.invoke('r', '_register_view', { id: 'results', scope: '_shared', expr: 'state._shared.filter(k, k.endsWith(".result"))' });
    const viewWait = bob.get('/rooms/r/wait' + q('views["results"].size() > 0', '&include=views'));
    const mailWait = carol.get('/rooms/r/wait' + q('messages.directed_unread > 0', '&include=messages'));
    const statusWait = alice.get('/rooms/r/wait' + q('agents.carol.status == "waiting"', '&include=agents'));
    await until(() => app.services.waits.stats().pending === 2);
    expect((await statusWait).body.triggered).toBe(true);
    await alice.invoke('r', 'set', { key: 'alice.result', value: 42 });
    expect((await viewWait).body).toMatchObject({ triggered: true, views: { results: ['alice.result'] } });
    await alice.invoke('r', '_send_message', { body: 'hi', to: 'carol' });
    expect((await mailWait).body).toMatchObject({ triggered: true, messages: { directed_unread: 1 } });
  });

  it('with 1,000 pending waits, a commit wakes exactly the one it satisfies and evaluates no other', async () => {
    const { app, client, alice } = await room();
    // 40 agents × 25 waits: within the limit of pending waits per agent.
    const waiters = await Promise.all(Array.from({ length: 40 }, async (_, j) => client.as((await client.post('/rooms/r/agents', { id: `w${j}` })).body.token)));
    const waits = Array.from({ length: 1000 }, (_, i) => waiters[i % 40]!.get('/rooms/r/wait' + q(`state._shared["k${i}"] == true`, '&include=state._shared')));
    await until(() => app.services.waits.stats().pending === 1000);
    const before = app.services.waits.stats().evaluations;
    await alice.invoke('r', 'set', { key: 'k500', value: true });
    const woken = await waits[500]!;
    expect(woken.body).toMatchObject({ triggered: true, state: { k500: true } });
    expect(app.services.waits.stats().evaluations - before).toBe(1);
    expect(app.services.waits.stats().pending).toBe(999);
    await alice.invoke('r', 'set', { key: 'unrelated', value: 1 });
    expect(app.services.waits.stats().evaluations - before).toBe(1);
  });

  it('times out with elapsed_ms, and refuses bad conditions, timeouts, includes and identities', async () => {
    const { app, alice, bob } = await room();
    const timedOut = await alice.get('/rooms/r/wait' + q('false', '&timeout=50&include=messages'));
    expect(timedOut.body).toMatchObject({ triggered: false, timeout: true, messages: { count: 0 } });
    // A timer may fire a millisecond early by the wall clock's rounding: the bound only says the
    // answer came from the timeout, not at once.
    expect(Number.isInteger(timedOut.body.elapsed_ms) && timedOut.body.elapsed_ms >= 40).toBe(true);
    const cases: Array<[string, number, string]> = [
      ['', 400, 'missing_param'],
      [q('1 +'), 400, 'invalid_cel'],
      [q('1 + 1'), 400, 'invalid_cel'],
      [q('now > 0'), 400, 'invalid_cel'],
      [q('true', '&timeout=-1'), 400, 'invalid_query'],
      [q('true', '&timeout=25001'), 400, 'invalid_query'],
      [q('true', '&timeout=soon'), 400, 'invalid_query'],
      [q('true', '&include=secrets'), 400, 'invalid_query'],
      [q('true', '&depth=deep'), 400, 'invalid_query'],
      [q('true', '&agent=bob'), 403, 'identity_mismatch'],
    ];
    for (const [query, status, error] of cases) {
      const res = await alice.get('/rooms/r/wait' + query);
      expect([res.status, res.body.error], query).toEqual([status, error]);
    }
    expect((await bob.get('/rooms/r/wait' + q('true', '&agent=bob'))).body.triggered).toBe(true);
    expect(app.services.waits.stats().pending).toBe(0);
  });

  it('lets an admin wait as an agent; view tokens wait as the public', async () => {
    const { admin, alice, client } = await room();
    await alice.invoke('r', '_register_action', { id: 'mine', writes: [{ scope: '${self}', key: 'x', value: 1 }] });
    await alice.invoke('r', 'mine');
    expect((await admin.get('/rooms/r/wait' + q('state.self.x == 1', '&agent=alice&include=state'))).body).toMatchObject({ triggered: true, state: { self: { x: 1 } } });
    const created = await client.post('/rooms', { id: 'v' });
    const viewer = client.as(created.body.view_token);
    expect((await viewer.get('/rooms/v/wait' + q('"x" in state', '&timeout=0'))).body).toMatchObject({ triggered: false });
  });
});

describe('wait over real connections', () => {
  let served: ServedApp | undefined;
  afterEach(async () => served?.close());

  it('a client that disconnects mid-wait leaves nothing behind, and the agent is active again', async () => {
    served = await serveInProcess();
    const { client, app, url } = served;
    const { tokens } = await roomWithAgents(client, 'r', ['alice']);
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const requests = controllers.map((c) =>
      fetch(`${url}/rooms/r/wait${q('state._shared.never == 1')}`, { headers: { authorization: `Bearer ${tokens.alice}` }, signal: c.signal }).catch(() => 'aborted'),
    );
    await until(() => app.services.waits.stats().pending === 20);
    expect((await client.as(tokens.alice).context('r', '?only=agents')).body.agents.alice.status).toBe('waiting');
    controllers.forEach((c) => c.abort());
    expect(await Promise.all(requests)).toEqual(Array(20).fill('aborted'));
    await until(() => app.services.waits.stats().pending === 0);
    expect((await client.as(tokens.alice).context('r', '?only=agents')).body.agents.alice).toMatchObject({ status: 'active', waiting_on: null });
  });
});
