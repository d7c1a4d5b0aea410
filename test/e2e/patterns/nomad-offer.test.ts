// Seed 004 pattern 7, the nomad's timed offer: one delete timer on the narrator's private flag hides,
// in a chain, the inventory entry, the published view and the trade action (D7, D14, D16).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import { fakeTime } from '../../support/fake-time.js';
import type { TestClient } from '../../support/http-client.js';
import { registerActions, registerView } from '../../support/declare.js';

const ROOM = 'dark-room';
const q = encodeURIComponent;
const PRESENT = 'state.narrator.nomad_present == true';

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { tokens } = await roomWithAgents(client, ROOM, ['narrator', 'player']);
  const narrator = client.as(tokens.narrator);
  const player = client.as(tokens.player);
  const rules = [
    {
      id: 'set_the_scene',
      scope: 'narrator',
      enabled: 'self == "narrator"',
      writes: [{ key: 'fur', value: 2 }, { key: 'scales', value: 0 }],
    },
    {
      id: 'nomad_arrives',
      scope: 'narrator',
      enabled: 'self == "narrator"',
      writes: [
        { scope: 'narrator', key: 'nomad_present', value: true, timer: { ms: 120_000, effect: 'delete' } },
        { scope: 'narrator', key: 'nomad_inventory', value: { scales: 2, teeth: 3 }, enabled: PRESENT },
      ],
    },
    {
      id: 'trade_scales',
      scope: 'narrator',
      description: 'Trade one fur for one scale while the nomad is here',
      enabled: PRESENT,
      if: 'state._shared.fur >= 1',
      writes: [{ key: 'fur', value: -1, increment: true }, { key: 'scales', value: 1, increment: true }],
    },
  ];
  await registerActions(narrator, ROOM, rules);
  // The narrator publishes the wares (its private entry) through a view of its own, shown while the nomad is here.
  await registerView(narrator, ROOM, {
    id: 'nomad_wares',
    scope: 'narrator',
    enabled: 'has(state.narrator.nomad_inventory)',
    expr: 'state.narrator.nomad_inventory',
  });
  expect((await narrator.invoke(ROOM, 'set_the_scene')).status).toBe(200);
  return { time, app, narrator, player };
}

async function trades(client: TestClient): Promise<boolean> {
  const ctx = await client.context(ROOM, '?only=actions');
  return 'trade_scales' in ctx.body.actions;
}

describe('pattern: the nomad\'s timed offer', () => {
  it('the offer appears, is used, and vanishes with the nomad; a wait on its absence is woken', async () => {
    const { time, app, narrator, player } = await setup();
    expect(await trades(player)).toBe(false);

    expect((await narrator.invoke(ROOM, 'nomad_arrives')).status).toBe(200);
    const arrived = await player.context(ROOM, '?only=actions,views,state');
    expect(arrived.body.actions.trade_scales).toMatchObject({ available: true, description: 'Trade one fur for one scale while the nomad is here' });
    expect(arrived.body.views.nomad_wares).toEqual({ scales: 2, teeth: 3 });
    expect(arrived.body.state.narrator).toBeUndefined();

    const traded = await player.invoke(ROOM, 'trade_scales');
    expect(traded.body.writes).toEqual([{ scope: '_shared', key: 'fur', value: 1 }, { scope: '_shared', key: 'scales', value: 1 }]);

    // The player waits for the offer to end; nothing else needs to happen for it to wake.
    await time.advance(100_000);
    const gone = player.get(`/rooms/${ROOM}/wait?condition=${q('!("trade_scales" in actions)')}&agent=player&include=actions,views,state`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(19_999);
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(1);
    const left = await gone;
    expect(left.body).toMatchObject({ triggered: true, value: true, state: { _shared: { fur: 1, scales: 1 } } });
    expect(left.body.actions.trade_scales).toBeUndefined();
    expect(left.body.views.nomad_wares).toBeUndefined();

    // Gone from listings, and invoking it writes nothing (the 409 itself: see the skipped test below).
    expect(await trades(player)).toBe(false);
    expect((await player.invoke(ROOM, 'trade_scales')).status).toBeGreaterThanOrEqual(400);
    expect((await player.post(`/rooms/${ROOM}/eval`, { expr: 'state._shared.fur' })).body.value).toBe(1);

    // The chain, as the narrator sees it: the flag expired and the inventory entry is hidden with it.
    const seen = await narrator.post(`/rooms/${ROOM}/eval`, { expr: '[has(state.narrator.nomad_present), has(state.narrator.nomad_inventory)]' });
    expect(seen.body.value).toEqual([false, false]);
  });

  it('invoking trade_scales after the nomad left is 409 action_disabled', async () => {
    const { time, narrator, player } = await setup();
    await narrator.invoke(ROOM, 'nomad_arrives');
    await time.advance(120_000);
    const late = await player.invoke(ROOM, 'trade_scales');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: 'action_disabled', action: 'trade_scales' });
  });

  it('the nomad can come back: the same declarations bring the offer back', async () => {
    const { time, narrator, player } = await setup();
    await narrator.invoke(ROOM, 'nomad_arrives');
    await time.advance(120_000);
    expect(await trades(player)).toBe(false);

    const back = player.get(`/rooms/${ROOM}/wait?condition=${q('"trade_scales" in actions && has(views.nomad_wares)')}&agent=player&include=views`);
    expect((await narrator.invoke(ROOM, 'nomad_arrives')).status).toBe(200);
    expect((await back).body).toMatchObject({ triggered: true, views: { nomad_wares: { scales: 2, teeth: 3 } } });
    expect((await player.invoke(ROOM, 'trade_scales')).status).toBe(200);
    expect((await player.invoke(ROOM, 'trade_scales')).status).toBe(200);
    // Out of fur: still listed while the nomad is here, but not available.
    const broke = await player.context(ROOM, '?only=actions');
    expect(broke.body.actions.trade_scales).toMatchObject({ available: false });
    expect((await player.invoke(ROOM, 'trade_scales')).body).toMatchObject({ error: 'precondition_failed' });
  });
});
