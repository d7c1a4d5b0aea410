// Costly conditions cannot multiply (findings 7 and 10): an entry's or agent's `enabled` runs on
// a budget of its own, never the budget of whoever's request triggered it; one that already runs
// past its budget is refused when written; a room's conditional entries share a bounded pool.
import { describe, expect, it } from 'vitest';
import { ENABLED_BUDGET } from '../../src/core/limits.js';
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
