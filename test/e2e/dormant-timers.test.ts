// A firing, the commit after it and the read after that cost the same whether a room holds a
// handful of dormant timers or hundreds (finding 11). Work is counted (entries and deadlines the
// room examined), not timed.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { fakeTime } from '../support/fake-time.js';

const YEAR_MS = 300 * 24 * 3600 * 1000;

async function workAfterFiring(dormant: number): Promise<number> {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { tokens } = await roomWithAgents(client, 'r', ['alice']);
  const alice = client.as(tokens.alice);
  const define = async (id: string, write: Record<string, unknown>) => {
    const res = await alice.invoke('r', '_register_action', { id, params: { key: { type: 'string' } }, writes: [write] });
    expect(res.status).toBe(201);
  };
  await define('plant', { key: '${params.key}', value: 1, timer: { ms: YEAR_MS, effect: 'delete' } });
  await define('sprout', { key: '${params.key}', value: 1, timer: { ms: YEAR_MS, effect: 'enable' } });
  await define('tickle', { key: '${params.key}', value: 1, timer: { ticks: 3, tick_on: 'state._shared.never', effect: 'delete' } });
  await define('soon', { key: 'soon', value: 1, timer: { ms: 1000, effect: 'delete' } });
  await define('set', { key: 'turn', value: '${params.key}' });
  for (let i = 0; i < dormant; i++) {
    for (const action of ['plant', 'sprout', 'tickle']) expect((await alice.invoke('r', action, { key: `${action}${i}` })).status).toBe(200);
  }
  await alice.invoke('r', 'soon', { key: 'x' });
  expect((await alice.context('r', '?only=state')).body.state._shared.soon).toBe(1);
  const room = app.services.registry.cached('r')!;
  const before = room.work.examined;
  await time.advance(1000);
  expect(app.services.time.stats().firings).toBe(1);
  expect((await alice.invoke('r', 'set', { key: 'a' })).status).toBe(200);
  const state = (await alice.context('r', '?only=state')).body.state._shared;
  expect(state.soon).toBeUndefined();
  expect(state.plant0).toBe(1);
  expect(state.sprout0).toBeUndefined();
  return room.work.examined - before;
}

describe('dormant timers', () => {
  it('a firing, the next commit and the next read examine as much with 300 dormant timers as with 3', async () => {
    const few = await workAfterFiring(1);
    const many = await workAfterFiring(100);
    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
  });
});
