// Seed 004 pattern 8, cooldown-gated actions: an `on_invoke` timer makes an action dormant for a time
// (ms) or for a number of turns (ticks), hidden from listings and refused with 409 (D14, D15, D16).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import { fakeTime } from '../../support/fake-time.js';
import type { TestClient } from '../../support/http-client.js';
import { registerActions } from '../../support/declare.js';

const ROOM = 'r';
const q = encodeURIComponent;

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { tokens } = await roomWithAgents(client, ROOM, ['alice', 'bob']);
  const alice = client.as(tokens.alice);
  const bob = client.as(tokens.bob);
  const vocabulary = [
    {
      id: 'forage',
      writes: [{ key: 'wood', value: 2, increment: true }, { key: 'fur', value: 1, increment: true }],
      on_invoke: { timer: { ms: 15_000, effect: 'enable' } },
    },
    {
      id: 'scout',
      writes: [{ key: 'explored_rooms', value: 1, increment: true }],
      on_invoke: { timer: { ticks: 2, tick_on: 'state._shared.turn', effect: 'enable' } },
    },
    // Two different ways to move the turn, used by different agents: any committed write is a tick.
    { id: 'end_turn', writes: [{ key: 'turn', increment: 1 }] },
    { id: 'set_turn', params: { turn: { type: 'integer', required: true } }, writes: [{ key: 'turn', value: '${params.turn}' }] },
  ];
  await registerActions(alice, ROOM, vocabulary);
  return { time, app, alice, bob };
}

async function listed(client: TestClient, id: string): Promise<boolean> {
  return id in (await client.context(ROOM, '?only=actions')).body.actions;
}

describe('pattern: cooldown-gated actions', () => {
  it('forage goes dormant for 15 s: hidden, refused with available_at, then back on its own', async () => {
    const { time, app, alice, bob } = await setup();
    const used = await alice.invoke(ROOM, 'forage');
    expect(used.body.writes).toEqual([{ scope: '_shared', key: 'wood', value: 2 }, { scope: '_shared', key: 'fur', value: 1 }]);
    const availableAt = new Date(time.clock.now() + 15_000).toISOString();

    // Dormant for everyone (the cooldown belongs to the action): absent from listings and from CEL.
    expect(await listed(alice, 'forage')).toBe(false);
    expect(await listed(bob, 'forage')).toBe(false);
    expect((await bob.post(`/rooms/${ROOM}/eval`, { expr: '"forage" in actions' })).body.value).toBe(false);
    for (const who of [alice, bob]) {
      const refused = await who.invoke(ROOM, 'forage');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'action_cooldown', action: 'forage', available_at: availableAt });
    }

    const back = bob.get(`/rooms/${ROOM}/wait?condition=${q('"forage" in actions')}&agent=bob&include=actions`);
    await time.settle();
    await time.advance(14_999);
    expect(app.services.waits.stats().pending).toBe(1);
    expect((await alice.invoke(ROOM, 'forage')).body).toMatchObject({ error: 'action_cooldown', available_at: availableAt });
    await time.advance(1);
    const woken = await back;
    expect(woken.body).toMatchObject({ triggered: true, actions: { forage: { available: true } } });

    // Usable again, and the next use starts a fresh cooldown.
    expect((await bob.invoke(ROOM, 'forage')).body.writes[0]).toEqual({ scope: '_shared', key: 'wood', value: 4 });
    expect((await alice.invoke(ROOM, 'forage')).body).toMatchObject({ error: 'action_cooldown', available_at: new Date(time.clock.now() + 15_000).toISOString() });
  });

  it('scout goes dormant for two turns, counted on writes to turn whoever makes them, not on time', async () => {
    const { time, app, alice, bob } = await setup();
    expect((await alice.invoke(ROOM, 'set_turn', { turn: 1 })).status).toBe(200);
    expect((await alice.invoke(ROOM, 'scout')).status).toBe(200);
    expect(await listed(alice, 'scout')).toBe(false);
    expect((await alice.invoke(ROOM, 'scout')).body).toMatchObject({ error: 'action_cooldown', action: 'scout', ticks_remaining: 2 });

    // Wall-clock time does nothing to a tick cooldown.
    await time.advance(3_600_000);
    expect((await bob.invoke(ROOM, 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 2 });

    // Bob ends a turn through one action ...
    expect((await bob.invoke(ROOM, 'end_turn')).body.writes).toEqual([{ scope: '_shared', key: 'turn', value: 2 }]);
    expect((await alice.invoke(ROOM, 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 1 });
    expect(await listed(bob, 'scout')).toBe(false);

    // ... and alice, waiting for scout, is woken when bob moves the turn through another.
    const back = alice.get(`/rooms/${ROOM}/wait?condition=${q('"scout" in actions')}&agent=alice&include=actions,state`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    expect((await bob.invoke(ROOM, 'set_turn', { turn: 3 })).status).toBe(200);
    const woken = await back;
    expect(woken.body).toMatchObject({ triggered: true, actions: { scout: { available: true } }, state: { _shared: { turn: 3 } } });

    const scouted = await alice.invoke(ROOM, 'scout');
    expect(scouted.body.writes).toEqual([{ scope: '_shared', key: 'explored_rooms', value: 2 }]);
    expect((await bob.invoke(ROOM, 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 2 });
  });

  it('writes to other keys are not ticks', async () => {
    const { alice } = await setup();
    await alice.invoke(ROOM, 'scout');
    await alice.invoke(ROOM, 'forage');
    expect((await alice.invoke(ROOM, 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 2 });
  });
});
