// Seed 004 pattern 6, A Dark Room (progressive disclosure): the narrator owns every rule and keeps the
// world in its private scope (D7, D10); timers and ticks unfold it (D14, D15); the player only invokes.
import { describe, expect, it } from 'vitest';
import { inProcessApp } from '../../support/in-process.js';
import { fakeTime } from '../../support/fake-time.js';
import { TestClient, type Fetcher } from '../../support/http-client.js';
import { registerActions } from '../../support/declare.js';

const ROOM = 'dark-room';
const PLOT = 'the-ship-is-a-lie';
const q = encodeURIComponent;
const FIRE = { scope: 'narrator', key: 'fire_lit', value: true, timer: { ms: 60_000, effect: 'delete' } };

const RULES = [
  {
    id: 'setup_world',
    scope: 'narrator',
    // The narrator's own tools: hidden from everyone else. The secret comes in as a param, because
    // a template's literal values are part of the public declaration.
    enabled: 'self == "narrator"',
    params: { plot: { type: 'string', required: true } },
    writes: [{ key: 'wood', value: 5 }, { key: 'turn', value: 0 }, FIRE, { scope: 'narrator', key: 'plot', value: '${params.plot}' }],
  },
  {
    id: 'hide_compass',
    scope: 'narrator',
    enabled: 'self == "narrator"',
    writes: [{ scope: 'narrator', key: 'compass', value: true, timer: { ticks: 5, tick_on: 'state._shared.turn', effect: 'enable' } }],
  },
  { id: 'stoke_fire', scope: 'narrator', enabled: 'has(state.narrator.fire_lit)', if: 'state._shared.wood > 0', writes: [{ key: 'wood', value: -1, increment: true }, FIRE] },
  { id: 'light_fire', scope: 'narrator', enabled: '!has(state.narrator.fire_lit)', if: 'state._shared.wood > 0', writes: [{ key: 'wood', value: -1, increment: true }, FIRE] },
  {
    id: 'gather_wood',
    scope: 'narrator',
    enabled: 'has(state.narrator.fire_lit)',
    writes: [{ key: 'wood', value: 3, increment: true }, { key: 'turn', value: 1, increment: true }],
    on_invoke: { timer: { ms: 10_000, effect: 'enable' } },
  },
  {
    id: 'embark',
    scope: 'narrator',
    enabled: 'has(agents.path)',
    if: 'state._shared.wood >= 10',
    writes: [{ key: 'wood', value: -10, increment: true }, { scope: 'narrator', key: 'embarked', value: true }],
  },
];

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  // Every response the player receives is kept, to show it never held the narrator's private state.
  const seen: string[] = [];
  const recording: Fetcher = async (url, init) => {
    const res = await app.http.request(url, init);
    const text = await res.text();
    seen.push(text);
    return new Response(text, { status: res.status, headers: res.headers });
  };
  expect((await client.post('/rooms', { id: ROOM })).status).toBe(201);
  const narrator = client.as((await client.post(`/rooms/${ROOM}/agents`, { id: 'narrator', role: 'narrator' })).body.token);
  const player = new TestClient('http://local', recording).as((await client.post(`/rooms/${ROOM}/agents`, { id: 'player', role: 'player' })).body.token);
  await registerActions(narrator, ROOM, RULES);
  expect((await narrator.invoke(ROOM, 'setup_world', { plot: PLOT })).status).toBe(200);
  expect((await narrator.invoke(ROOM, 'hide_compass')).status).toBe(200);
  // The path module joins now, with the narrator's token, so its `enabled` reads the narrator's scope.
  const path = await narrator.post(`/rooms/${ROOM}/agents`, { id: 'path', name: 'The Path', role: 'module', enabled: 'has(state.narrator.compass)' });
  expect(path.status).toBe(201);
  return { time, app, narrator, player, path: client.as(path.body.token), seen };
}

/** Every `state` object anywhere in a response body. */
function statesIn(body: unknown): Record<string, unknown>[] {
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([k, v]) => [...(k === 'state' && v && typeof v === 'object' ? [v as Record<string, unknown>] : []), ...statesIn(v)]);
}

async function actionsOf(client: TestClient): Promise<string[]> {
  const ctx = await client.context(ROOM, '?only=actions');
  return Object.keys(ctx.body.actions).filter((id) => !id.startsWith('_') && id !== 'help').sort();
}

describe('pattern: A Dark Room (progressive disclosure)', () => {
  it('the world unfolds: fire, cooldown, fire out, compass after five turns, the path, embark', async () => {
    const { time, app, narrator, player, path, seen } = await setup();

    // The fire burns: the player sees stoke_fire (not light_fire), and no embark, no path.
    expect(await actionsOf(player)).toEqual(['gather_wood', 'stoke_fire']);
    const first = await player.context(ROOM);
    expect(first.body.state._shared).toEqual({ wood: 5, turn: 0 });
    expect(Object.keys(first.body.agents).sort()).toEqual(['narrator', 'player']);
    expect((await path.invoke(ROOM, 'help')).body).toMatchObject({ error: 'agent_disabled', agent: 'path' });

    // The player stokes: the write into the narrator's scope goes through the narrator's authority,
    // and the player's response names the target without its value.
    const stoked = await player.invoke(ROOM, 'stoke_fire', {}, { agent: 'player' });
    expect(stoked.status).toBe(200);
    expect(stoked.body.writes).toEqual([{ scope: '_shared', key: 'wood', value: 4 }, { scope: 'narrator', key: 'fire_lit' }]);

    // Gathering wood advances the turn and starts a ten-second cooldown.
    expect((await player.invoke(ROOM, 'gather_wood')).body.writes).toEqual([{ scope: '_shared', key: 'wood', value: 7 }, { scope: '_shared', key: 'turn', value: 1 }]);
    expect(await actionsOf(player)).toEqual(['stoke_fire']);
    const cooling = await player.invoke(ROOM, 'gather_wood');
    expect(cooling.status).toBe(409);
    expect(cooling.body).toMatchObject({ error: 'action_cooldown', available_at: new Date(time.clock.now() + 10_000).toISOString() });
    for (let turn = 2; turn <= 4; turn++) {
      await time.advance(10_000);
      expect((await player.invoke(ROOM, 'gather_wood')).body.writes[1]).toEqual({ scope: '_shared', key: 'turn', value: turn });
    }

    // The fire goes out on its own, 60 s after the last stoke: stoke_fire vanishes, light_fire appears.
    await time.advance(20_000);
    const dark = player.get(`/rooms/${ROOM}/wait?condition=${q('"light_fire" in actions')}&agent=player&include=actions,state`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(9_999);
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(1);
    const out = await dark;
    expect(out.body).toMatchObject({ triggered: true, state: { _shared: { wood: 16, turn: 4 } } });
    expect(Object.keys(out.body.actions).filter((id) => !id.startsWith('_') && id !== 'help')).toEqual(['light_fire']);
    expect((await player.invoke(ROOM, 'stoke_fire')).body).toMatchObject({ error: 'action_disabled' });

    expect((await player.invoke(ROOM, 'light_fire')).status).toBe(200);
    expect(await actionsOf(player)).toEqual(['gather_wood', 'stoke_fire']);

    // The fifth turn ticks the compass awake; the path agent appears with it, and embark with the path.
    const open = player.get(`/rooms/${ROOM}/wait?condition=${q('"embark" in actions')}&agent=player&include=agents,actions`);
    await time.settle();
    expect((await player.invoke(ROOM, 'gather_wood')).body.writes[1]).toEqual({ scope: '_shared', key: 'turn', value: 5 });
    const opened = await open;
    expect(opened.body).toMatchObject({ triggered: true, agents: { path: { name: 'The Path', role: 'module' } }, actions: { embark: { available: true } } });
    expect((await narrator.post(`/rooms/${ROOM}/eval`, { expr: 'state.narrator.compass' })).body.value).toBe(true);
    expect((await player.post(`/rooms/${ROOM}/eval`, { expr: 'has(agents.path)' })).body.value).toBe(true);
    expect((await path.invoke(ROOM, 'help')).status).toBe(200);

    // Not enough wood: burn it down to 9 and embark is refused; gather once more and it goes.
    for (let i = 0; i < 9; i++) expect((await player.invoke(ROOM, 'stoke_fire')).status).toBe(200);
    expect((await player.post(`/rooms/${ROOM}/eval`, { expr: 'state._shared.wood' })).body.value).toBe(9);
    expect((await player.invoke(ROOM, 'embark')).body).toMatchObject({ error: 'precondition_failed', action: 'embark' });
    await time.advance(10_000);
    expect((await player.invoke(ROOM, 'gather_wood')).status).toBe(200);
    const embarked = await player.invoke(ROOM, 'embark');
    expect(embarked.status).toBe(200);
    expect(embarked.body.writes).toEqual([{ scope: '_shared', key: 'wood', value: 2 }, { scope: 'narrator', key: 'embarked' }]);

    const world = await narrator.post(`/rooms/${ROOM}/eval`, { expr: '[state.self.embarked, state.narrator.plot]' });
    expect(world.body.value).toEqual([true, PLOT]);
    // Nothing the player received ever carried the narrator's private state.
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) {
      expect(text).not.toContain(PLOT);
      expect(statesIn(JSON.parse(text)).some((state) => 'narrator' in state)).toBe(false);
    }
  });

  it('the player cannot cheat: no borrowed identity, no redefinition, no deletion, no writes into the narrator', async () => {
    const { narrator, player, seen } = await setup();

    // Invoking as the narrator with the player's token.
    expect((await player.invoke(ROOM, 'stoke_fire', {}, { agent: 'narrator' })).body).toMatchObject({ error: 'identity_mismatch', authenticated_as: 'player', claimed: 'narrator' });

    // Redefining the narrator's action (seed 004's exact request) and deleting it.
    const redefined = await player.invoke(ROOM, '_register_action', { id: 'stoke_fire', writes: [{ key: 'wood', value: 1000 }] });
    expect(redefined.status).toBe(403);
    expect(redefined.body).toMatchObject({ error: 'action_owned', action: 'stoke_fire', owner: 'narrator' });
    expect((await player.invoke(ROOM, '_register_action', { id: 'stoke_fire', scope: 'narrator', writes: [{ key: 'wood', value: 1000 }] })).status).toBe(403);
    expect((await player.invoke(ROOM, '_delete_action', { id: 'stoke_fire' })).body).toMatchObject({ error: 'action_owned', action: 'stoke_fire' });

    // An action of the player's own that writes the narrator's scope: the write is refused (D7).
    expect((await player.invoke(ROOM, '_register_action', { id: 'relight', writes: [{ scope: 'narrator', key: 'fire_lit', value: true }] })).status).toBe(201);
    expect((await player.invoke(ROOM, 'relight')).body).toMatchObject({ error: 'scope_denied', action: 'relight', scope: 'narrator' });
    expect((await player.invoke(ROOM, '_register_action', { id: 'relight2', writes: [{ scope: '${params.who}', key: 'fire_lit', value: true }] })).status).toBe(201);
    expect((await player.invoke(ROOM, 'relight2', { who: 'narrator' })).body).toMatchObject({ error: 'scope_denied', scope: 'narrator' });

    // Reading the narrator's scope directly.
    expect((await player.post(`/rooms/${ROOM}/eval`, { expr: 'state.narrator.plot' })).body).toMatchObject({ error: 'cel_error' });
    expect((await player.context(ROOM, '?only=state')).body.state.narrator).toBeUndefined();
    // Nor through the record of what happened: the narrator's setup params and writes stay hidden.
    expect((await player.get(`/rooms/${ROOM}/poll?limit=100`)).status).toBe(200);
    expect((await player.context(ROOM, '?include=_audit')).status).toBe(200);

    // The rules are intact and still the narrator's: the stoke costs one wood, as declared.
    const full = await player.context(ROOM, '?only=actions&depth=full');
    expect(full.body.actions.stoke_fire.writes[0]).toEqual({ key: 'wood', value: -1, increment: true });
    expect((await player.invoke(ROOM, 'stoke_fire')).body.writes[0]).toEqual({ scope: '_shared', key: 'wood', value: 4 });
    expect((await narrator.post(`/rooms/${ROOM}/eval`, { expr: 'state.self.plot' })).body.value).toBe(PLOT);
    for (const text of seen) expect(text).not.toContain(PLOT);
  });
});
