// Costly conditions cannot multiply (findings 7 and 10): an entry's or agent's `enabled` runs on
// a budget of its own, never the budget of whoever's request triggered it; one that already runs
// past its budget is refused when written; a room's conditional entries share a bounded pool.
import { describe, expect, it } from 'vitest';
import { ENABLED_BUDGET, MAX_WAITS_PER_AGENT, MAX_WAITS_PER_ROOM, WAIT_BUDGET, WAIT_SLICE_BUDGET } from '../../src/core/limits.js';
import { fakeTime } from '../support/fake-time.js';
import { until } from '../support/until.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

async function room() {
  const { app, client } = inProcessApp();
  const { tokens, admin } = await roomWithAgents(client, 'r', ['mallory', 'carol']);
  const bob = await client.post('/rooms/r/agents', { id: 'bob', enabled: '!has(state._shared.banned)' });
  expect(bob.status).toBe(201);
  const mallory = client.as(tokens.mallory);
  const set = { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] };
  expect((await mallory.invoke('r', '_register_action', set)).status).toBe(201);
  return { app, client, admin: client.as(admin), mallory, bob: client.as(bob.body.token), carol: client.as(tokens.carol) };
}

describe('costly enabled expressions', () => {
  it("many conditional entries written by one agent never make another agent's invoke fail", async () => {
    const { mallory, bob, carol } = await room();
    // Each entry's enabled walks a 600-element list (~8,000 units); 200 of them are far more than
    // one request's budget of 1,000,000 units.
    await mallory.invoke('r', 'set', { key: 'l', value: Array.from({ length: 600 }, (_, i) => i) });
    const plant = { id: 'plant', params: { key: { type: 'string' } }, writes: [{ key: '${params.key}', value: 1, enabled: 'state._shared.l.all(x, x >= 0)' }] };
    expect((await mallory.invoke('r', '_register_action', plant)).status).toBe(201);
    for (let i = 0; i < 200; i++) expect((await mallory.invoke('r', 'plant', { key: `p${i}` })).status).toBe(200);
    // Any change makes the room re-resolve its conditional entries at the next request: bob's.
    expect((await mallory.invoke('r', '_send_message', { body: 'hi' })).status).toBe(200);
    const res = await bob.invoke('r', 'set', { key: 'bob_was_here', value: true });
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    const state = (await carol.context('r', '?only=state')).body.state._shared;
    expect(state.bob_was_here).toBe(true);
    // The room's pool of cost for conditional entries is bounded: early entries show, the rest are hidden.
    const shown = Object.keys(state).filter((k) => /^p\d+$/.test(k));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(200);
    expect(state.p0).toBe(1);
  });

  it("a commit re-evaluates only the agents' enabled expressions that read what it touched", async () => {
    const { app, client, mallory, carol } = await room();
    for (let i = 0; i < 20; i++) {
      expect((await client.post('/rooms/r/agents', { id: `m${i}`, enabled: `!has(state._shared.ban_m${i})` })).status).toBe(201);
    }
    await mallory.invoke('r', 'set', { key: 'warm', value: 1 });
    await carol.context('r', '?only=agents');
    const work = app.services.registry.cached('r')!.work;
    const before = work.enabledEvaluations;
    await mallory.invoke('r', 'set', { key: 'unrelated', value: 1 });
    expect(Object.keys((await carol.context('r', '?only=agents')).body.agents)).toContain('m3');
    expect(work.enabledEvaluations - before).toBe(0);
    await mallory.invoke('r', 'set', { key: 'ban_m3', value: true });
    const agents = (await carol.context('r', '?only=agents')).body.agents;
    expect(agents.m3).toBeUndefined();
    expect(agents.m4).toBeDefined();
    expect(work.enabledEvaluations - before).toBe(1);
  });

  it('refuses at join and at write an enabled that already runs past its budget', async () => {
    const { client, mallory } = await room();
    await mallory.invoke('r', 'set', { key: 'l', value: Array.from({ length: 2000 }, (_, i) => i) });
    const costly = 'state._shared.l.all(x, x >= 0)';
    const joined = await client.post('/rooms/r/agents', { id: 'dave', enabled: costly });
    expect([joined.status, joined.body.error, joined.body.budget]).toEqual([400, 'cel_cost_exceeded', ENABLED_BUDGET]);
    const plant = { id: 'plant', writes: [{ key: 'p', value: 1, enabled: costly }] };
    expect((await mallory.invoke('r', '_register_action', plant)).status).toBe(201);
    const written = await mallory.invoke('r', 'plant');
    expect([written.status, written.body.error, written.body.field]).toEqual([400, 'cel_cost_exceeded', 'writes[0].enabled']);
    // A cheap one is fine.
    expect((await client.post('/rooms/r/agents', { id: 'erin', enabled: 'state._shared.l.size() > 0' })).status).toBe(201);
  });
});

describe('costly and numerous waits', () => {
  const q = (condition: string, extra = '') => `?condition=${encodeURIComponent(condition)}${extra}`;

  async function waitRoom() {
    const time = fakeTime();
    const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
    const { tokens, admin } = await roomWithAgents(client, 'r', ['a0', 'a1', 'a2', 'a3']);
    const agents = Object.values(tokens).map((t) => client.as(t));
    const set = { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] };
    await agents[0]!.invoke('r', '_register_action', set);
    return { time, app, client, admin: client.as(admin), agents };
  }

  it('a commit re-evaluates waits within a per-room budget; the rest are evaluated in later slices', async () => {
    const { time, app, client, agents } = await waitRoom();
    // Each evaluation walks 6,000 elements (~90,000 units, under the budget of one wait).
    await agents[0]!.invoke('r', 'set', { key: 'l', value: Array.from({ length: 6000 }, (_, i) => i) });
    // It also reads agents, and each of 40 agents waits once: every answered wait turns its agent
    // active, which touches the other waits again while the slice runs.
    const condition = 'state._shared.l.all(x, x >= 0) && state._shared.go == 1 && size(agents) > 0';
    const waiters = await Promise.all(Array.from({ length: 40 }, async (_, j) => client.as((await client.post('/rooms/r/agents', { id: `w${j}` })).body.token)));
    const waits = waiters.map((w) => w.get('/rooms/r/wait' + q(condition, '&include=state._shared.go')));
    await until(() => app.services.waits.stats().pending === 40);
    const before = app.services.waits.stats().evaluations;
    expect((await agents[0]!.invoke('r', 'set', { key: 'go', value: 1 })).status).toBe(200);
    // The commit itself evaluated only what fits in one slice (WAIT_SLICE_BUDGET / ~90,000 ≈ 11).
    const inCommit = app.services.waits.stats().evaluations - before;
    expect(inCommit).toBeGreaterThan(0);
    expect(inCommit).toBeLessThanOrEqual(Math.ceil(WAIT_SLICE_BUDGET / 80_000) + 1);
    expect(app.services.waits.stats().pending).toBe(40 - inCommit);
    // Another room is not held up by this backlog: its commit wakes its wait at once.
    const { tokens: other } = await roomWithAgents(client, 'b', ['bea']);
    const bea = client.as(other.bea);
    await bea.invoke('b', '_register_action', { id: 'go', writes: [{ key: 'go', value: 1 }] });
    const elsewhere = bea.get('/rooms/b/wait' + q('state._shared.go == 1'));
    await until(() => app.services.waits.stats().pending === 41 - inCommit);
    await bea.invoke('b', 'go');
    expect((await elsewhere).body.triggered).toBe(true);
    expect(app.services.waits.stats().laterSlices).toBe(0);
    // Later slices (one per turn of the event loop) answer the rest, each evaluated once.
    for (let i = 0; i < 10 && app.services.waits.stats().pending > 0; i++) await time.advance(0);
    const answers = await Promise.all(waits);
    expect(answers.every((r) => r.status === 200 && r.body.triggered === true)).toBe(true);
    expect(app.services.waits.stats().evaluations - before).toBe(40 + 2);
    expect(app.services.waits.stats().laterSlices).toBeGreaterThanOrEqual(3);
  });

  it('refuses a wait condition that runs past its budget, and one that later does ends with an error', async () => {
    const { time, app, agents } = await waitRoom();
    await agents[0]!.invoke('r', 'set', { key: 'l', value: Array.from({ length: 10_000 }, (_, i) => i) });
    const refused = await agents[0]!.get('/rooms/r/wait' + q('state._shared.l.all(x, x >= 0)', '&timeout=0'));
    expect([refused.status, refused.body.error, refused.body.budget]).toEqual([400, 'cel_cost_exceeded', WAIT_BUDGET]);
    await agents[0]!.invoke('r', 'set', { key: 'm', value: [1] });
    const pending = agents[1]!.get('/rooms/r/wait' + q('state._shared.m.all(x, x >= 0) && state._shared.go == 1'));
    await until(() => app.services.waits.stats().pending === 1);
    await agents[0]!.invoke('r', 'set', { key: 'm', value: Array.from({ length: 10_000 }, (_, i) => i) });
    await time.settle();
    const ended = await pending;
    expect([ended.status, ended.body.error]).toEqual([400, 'cel_cost_exceeded']);
    expect(app.services.waits.stats().pending).toBe(0);
  });

  it('limits pending waits per agent and per room with 429 too_many_waits', async () => {
    const { app, admin, agents } = await waitRoom();
    const never = q('state._shared.never == 1');
    const parked = Array.from({ length: MAX_WAITS_PER_AGENT }, () => agents[0]!.get('/rooms/r/wait' + never));
    await until(() => app.services.waits.stats().pending === MAX_WAITS_PER_AGENT);
    const over = await agents[0]!.get('/rooms/r/wait' + never);
    expect([over.status, over.body.error, over.body.limit, over.body.agent]).toEqual([429, 'too_many_waits', MAX_WAITS_PER_AGENT, 'a0']);
    // A condition that already holds answers at once, and other agents may still wait.
    expect((await agents[0]!.get('/rooms/r/wait' + q('true'))).status).toBe(200);
    const other = agents[1]!.get('/rooms/r/wait' + never);
    await until(() => app.services.waits.stats().pending === MAX_WAITS_PER_AGENT + 1);
    // The room as a whole (admin waits count only there).
    const rest = MAX_WAITS_PER_ROOM - MAX_WAITS_PER_AGENT - 1;
    const adminWaits = Array.from({ length: rest }, () => admin.get('/rooms/r/wait' + never));
    await until(() => app.services.waits.stats().pending === MAX_WAITS_PER_ROOM);
    const full = await admin.get('/rooms/r/wait' + never);
    expect([full.status, full.body.error, full.body.per]).toEqual([429, 'too_many_waits', 'room']);
    expect(parked.length + adminWaits.length + 1).toBe(MAX_WAITS_PER_ROOM);
    void other;
  });
});
