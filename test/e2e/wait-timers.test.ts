// Waits woken by timers and cooldowns on a fake clock (D14, D16), and timer liveness in context.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { fakeTime } from '../support/fake-time.js';

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { tokens, admin } = await roomWithAgents(client, 'r', ['alice', 'bob']);
  const alice = client.as(tokens.alice);
  const bob = client.as(tokens.bob);
  return { time, app, client, alice, bob, admin: client.as(admin) };
}

describe('timers wake waits (fake clock)', () => {
  it('a wait that becomes true because a delete-timer fires is woken when it fires', async () => {
    const { time, app, alice, bob } = await setup();
    await alice.invoke('r', '_register_action', { id: 'offer', writes: [{ key: 'offer', value: true, timer: { ms: 20_000, effect: 'delete' } }, { key: 'anchor', value: 1 }] });
    await alice.invoke('r', 'offer');
    const pending = bob.get('/rooms/r/wait?condition=' + encodeURIComponent('!has(state._shared.offer)') + '&include=state');
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(19_999);
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(1);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ triggered: true, value: true });
    expect(res.body.state._shared).toEqual({ anchor: 1 });
    expect(app.services.waits.stats().pending).toBe(0);
  });

  it('an enable-timer makes an entry appear when it fires and wakes the wait on it', async () => {
    const { time, alice, bob } = await setup();
    await alice.invoke('r', '_register_action', { id: 'plant', writes: [{ key: 'fruit', value: 'apple', timer: { ms: 5_000, effect: 'enable' } }] });
    await alice.invoke('r', 'plant');
    expect((await bob.post('/rooms/r/eval', { expr: 'has(state._shared.fruit)' })).body.value).toBe(false);
    const pending = bob.get('/rooms/r/wait?condition=' + encodeURIComponent('has(state._shared.fruit)') + '&include=state._shared');
    await time.advance(5_000);
    const res = await pending;
    expect(res.body).toMatchObject({ triggered: true, state: { fruit: 'apple' } });
  });

  it('a cooldown hides the action, answers 409 with available_at, and its end wakes a wait on actions', async () => {
    const { time, alice, bob } = await setup();
    await alice.invoke('r', '_register_action', { id: 'forage', writes: [{ key: 'wood', increment: 2 }], on_invoke: { timer: { ms: 15_000, effect: 'enable' } } });
    expect((await alice.invoke('r', 'forage')).status).toBe(200);
    const listed = await alice.context('r', '?only=actions');
    expect(listed.body.actions.forage).toBeUndefined();
    const again = await alice.invoke('r', 'forage');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'action_cooldown', action: 'forage', available_at: new Date(time.clock.now() + 15_000).toISOString() });
    const pending = bob.get('/rooms/r/wait?condition=' + encodeURIComponent('"forage" in actions'));
    await time.advance(15_000);
    const res = await pending;
    expect(res.body.triggered).toBe(true);
    expect(res.body.context.actions.forage).toMatchObject({ available: true });
    expect((await alice.invoke('r', 'forage')).status).toBe(200);
  });

  it('a tick cooldown counts writes to tick_on and reports ticks_remaining', async () => {
    const { alice } = await setup();
    await alice.invoke('r', '_register_action', { id: 'turn', writes: [{ key: 'turn', increment: 1 }] });
    await alice.invoke('r', '_register_action', { id: 'scout', writes: [{ key: 'explored', increment: 1 }], on_invoke: { timer: { ticks: 2, tick_on: 'state._shared.turn', effect: 'enable' } } });
    expect((await alice.invoke('r', 'scout')).status).toBe(200);
    expect((await alice.invoke('r', 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 2 });
    await alice.invoke('r', 'turn');
    expect((await alice.invoke('r', 'scout')).body).toMatchObject({ error: 'action_cooldown', ticks_remaining: 1 });
    expect((await alice.context('r', '?only=actions')).body.actions.scout).toBeUndefined();
    await alice.invoke('r', 'turn');
    expect((await alice.context('r', '?only=actions')).body.actions.scout).toBeDefined();
    expect((await alice.invoke('r', 'scout')).status).toBe(200);
  });

  it('timer firings are audited', async () => {
    const { time, alice, admin } = await setup();
    await alice.invoke('r', '_register_action', { id: 'flash', writes: [{ key: 'flash', value: 1, timer: { ms: 100, effect: 'delete' } }] });
    await alice.invoke('r', 'flash');
    await time.advance(100);
    const poll = await admin.get('/rooms/r/poll?limit=1');
    expect(poll.body.audit[0]).toMatchObject({ kind: 'timer', ok: true, writes: [{ scope: '_shared', key: 'flash' }] });
  });
});
