// Timers and cooldowns against a real server process in real time: the scheduler fires on its
// own, and pending timers and cooldowns survive a restart and still fire on schedule (D14, D24).
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

describe('timers in real time (real server)', () => {
  let server: ServerProcess;
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const LONG_MS = 15_000;

  it('fires on its own, survives a restart, and keeps cooldowns', { timeout: 90_000 }, async () => {
    server = await startServer();
    const anon = new TestClient(server.url);
    await anon.post('/rooms', { id: 'r' });
    const joined = await anon.post('/rooms/r/agents', { id: 'alice' });
    let alice = new TestClient(server.url).as(joined.body.token);

    // A short timer fires while a wait is pending: the wait is woken by the scheduler alone.
    await alice.invoke('r', '_register_action', { id: 'spark', writes: [{ key: 'spark', value: true, timer: { ms: 300, effect: 'delete' } }, { key: 'anchor', value: 1 }] });
    await alice.invoke('r', 'spark');
    const woken = await alice.get(`/rooms/r/wait?condition=${encodeURIComponent('!has(state._shared.spark)')}&include=state._shared&timeout=5000`);
    expect(woken.body).toMatchObject({ triggered: true, state: { anchor: 1 } });
    expect(woken.body.timeout).toBeUndefined();

    // Long timers and a cooldown are pending when the server stops (long enough that a restart on a
    // busy machine cannot outlast them: a stop and start took 9 s on a loaded 2-core machine).
    await alice.invoke('r', '_register_action', { id: 'offer', writes: [{ key: 'offer', value: 'fur', timer: { ms: LONG_MS, effect: 'delete' } }] });
    await alice.invoke('r', '_register_action', { id: 'reveal', writes: [{ key: 'secret_door', value: 'open', timer: { ms: LONG_MS, effect: 'enable' } }] });
    await alice.invoke('r', '_register_action', { id: 'forage', writes: [{ key: 'wood', increment: 1 }], on_invoke: { timer: { ms: LONG_MS, effect: 'enable' } } });
    await alice.invoke('r', 'offer');
    await alice.invoke('r', 'reveal');
    await alice.invoke('r', 'forage');
    const startedAt = Date.now();
    expect((await alice.invoke('r', 'forage')).body.error).toBe('action_cooldown');

    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir: server.dataDir });
    alice = new TestClient(server.url).as(joined.body.token);

    const before = await alice.context('r', '?only=state,actions');
    expect(before.body.state._shared.offer).toBe('fur');
    expect(before.body.state._shared.secret_door).toBeUndefined();
    expect(before.body.actions.forage).toBeUndefined();
    expect((await alice.invoke('r', 'forage')).body.error).toBe('action_cooldown');

    // After the restart the scheduler still fires them: a wait on all three is woken.
    const condition = '!has(state._shared.offer) && has(state._shared.secret_door) && "forage" in actions';
    const after = await alice.get(`/rooms/r/wait?condition=${encodeURIComponent(condition)}&include=state._shared,actions&timeout=25000`);
    expect(after.body).toMatchObject({ triggered: true, state: { secret_door: 'open' } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LONG_MS - 100);
    expect((await alice.invoke('r', 'forage')).status).toBe(200);

    const audit = await new TestClient(server.url).as(joined.body.token).get('/rooms/r/poll?limit=20');
    expect(audit.body.audit.filter((a: { kind: string }) => a.kind === 'timer').length).toBeGreaterThanOrEqual(2);
  });
});
