// Views that read the same for every reader are computed once and recomputed only when a
// change touches what they read; reader-dependent views are never shared between readers.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { until } from '../support/until.js';

async function setup() {
  const { app, client } = inProcessApp();
  const { tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
  const alice = client.as(tokens.alice);
  const bob = client.as(tokens.bob);
  await alice.invoke('r', '_register_action', { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] });
  await alice.invoke('r', '_register_action', { id: 'mine', params: { value: { type: 'any' } }, writes: [{ scope: '${self}', key: 'hp', value: '${params.value}' }] });
  const cache = () => app.services.registry.cached('r')!.viewCache;
  return { app, alice, bob, cache };
}

describe('view cache', () => {
  it('shares a public view between readers and recomputes it only when what it reads changes', async () => {
    const { alice, bob, cache } = await setup();
    await alice.invoke('r', 'set', { key: 'score', value: 1 });
    await alice.invoke('r', '_register_view', { id: 'total', scope: '_shared', expr: 'state._shared.score * 10' });
    expect((await bob.context('r', '?only=views')).body.views.total).toBe(10);
    expect(cache().has('total')).toBe(true);
    const first = cache().get('total');
    expect((await alice.context('r', '?only=views')).body.views.total).toBe(10);
    expect(cache().get('total')).toBe(first);

    await alice.invoke('r', 'set', { key: 'other', value: 'x' });
    expect(cache().get('total')).toBe(first);
    await alice.invoke('r', 'set', { key: 'score', value: 2 });
    expect(cache().has('total')).toBe(false);
    expect((await bob.context('r', '?only=views')).body.views.total).toBe(20);
  });

  it('never shares a view that depends on who reads it', async () => {
    const { alice, bob, cache } = await setup();
    await alice.invoke('r', 'mine', { value: 5 });
    await bob.invoke('r', 'mine', { value: 7 });
    await alice.invoke('r', '_register_view', { id: 'my_hp', scope: '_shared', expr: 'state.self.hp' });
    await alice.invoke('r', '_register_view', { id: 'who', scope: '_shared', expr: 'self + "!"' });
    await alice.invoke('r', '_register_view', { id: 'unread', scope: '_shared', expr: 'messages.unread' });
    expect((await alice.context('r', '?only=views')).body.views).toMatchObject({ my_hp: 5, who: 'alice!' });
    expect((await bob.context('r', '?only=views')).body.views).toMatchObject({ my_hp: 7, who: 'bob!' });
    expect([...cache().keys()]).toEqual([]);
  });

  it('shares a view publishing its registrar\'s private key, and follows it through a chain of views', async () => {
    const { alice, bob, cache } = await setup();
    await alice.invoke('r', 'mine', { value: 80 });
    await alice.invoke('r', '_register_view', { id: 'alice.hp', scope: 'alice', expr: 'state.alice.hp' });
    await alice.invoke('r', '_register_view', { id: 'alice.alive', scope: '_shared', expr: 'views["alice.hp"] > 0' });
    expect((await bob.context('r', '?only=views')).body.views).toMatchObject({ 'alice.hp': 80, 'alice.alive': true });
    expect(cache().has('alice.hp') && cache().has('alice.alive')).toBe(true);
    await alice.invoke('r', 'mine', { value: 0 });
    expect(cache().has('alice.alive')).toBe(false);
    expect((await bob.context('r', '?only=views')).body.views).toMatchObject({ 'alice.hp': 0, 'alice.alive': false });
  });

  it('recomputes a view over agents when an agent starts waiting', async () => {
    const { app, alice, bob, cache } = await setup();
    await alice.invoke('r', '_register_view', { id: 'waiting', scope: '_shared', expr: 'agents.filter(a, agents[a].status == "waiting")' });
    expect((await alice.context('r', '?only=views')).body.views.waiting).toEqual([]);
    expect(cache().has('waiting')).toBe(true);
    const pending = bob.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&include=views`);
    await until(() => app.services.waits.stats().pending === 1);
    expect((await alice.context('r', '?only=views')).body.views.waiting).toEqual(['bob']);
    await alice.invoke('r', 'set', { key: 'go', value: true });
    await pending;
    expect((await alice.context('r', '?only=views')).body.views.waiting).toEqual([]);
  });
});
