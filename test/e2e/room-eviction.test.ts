// Idle rooms leave memory and load again on next use, with nothing lost; busy rooms stay.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { until } from '../support/until.js';

describe('room eviction', () => {
  it('evicts rooms unused for a sweep, keeps rooms with waits, and reloads evicted rooms intact', async () => {
    const { app, client } = inProcessApp();
    const a = await roomWithAgents(client, 'a', ['alice']);
    const b = await roomWithAgents(client, 'b', ['bob']);
    const alice = client.as(a.tokens.alice);
    await alice.invoke('a', '_register_action', { id: 'inc', writes: [{ key: 'n', increment: 1 }] });
    await alice.invoke('a', 'inc');
    const pending = client.as(b.tokens.bob).get(`/rooms/b/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=2000`);
    await until(() => app.services.waits.stats().pending === 1);
    await app.services.presence.flush(Date.now());

    expect(app.services.evictIdleRooms()).toBe(0);
    expect(app.services.evictIdleRooms()).toBe(1);
    expect(app.services.registry.cached('a')).toBeUndefined();
    expect(app.services.registry.cached('b')).toBeDefined();

    const ctx = await alice.context('a', '?only=state,actions');
    expect(ctx.body.state._shared.n).toBe(1);
    expect((await alice.invoke('a', 'inc')).body.writes[0].value).toBe(2);
    expect(app.services.registry.cached('a')).toBeDefined();
    expect((await pending).body.triggered).toBe(false);
  });
});
