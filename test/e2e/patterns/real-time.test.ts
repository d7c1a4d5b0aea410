// Two timed patterns against a real server process on SQLite in real time: the scheduler fires
// timers on its own and wakes the waits that depend on them (D14, D16), nobody polls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../../support/server-process.js';

const q = encodeURIComponent;

describe('timed patterns in real time (real server, SQLite)', () => {
  let server: ServerProcess;
  let anon: TestClient;

  beforeAll(async () => {
    server = await startServer();
    anon = new TestClient(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  async function room(id: string, agents: string[]): Promise<Record<string, TestClient>> {
    expect((await anon.post('/rooms', { id })).status).toBe(201);
    const out: Record<string, TestClient> = {};
    for (const agent of agents) out[agent] = anon.as((await anon.post(`/rooms/${id}/agents`, { id: agent })).body.token);
    return out;
  }

  it('the nomad leaves after 300 ms by itself, and the player waiting for that is woken', async () => {
    const { narrator, player } = await room('nomad', ['narrator', 'player']);
    const rules = [
      { id: 'nomad_arrives', scope: 'narrator', enabled: 'self == "narrator"', writes: [{ scope: 'narrator', key: 'nomad_present', value: true, timer: { ms: 300, effect: 'delete' } }, { key: 'fur', value: 1 }] },
      { id: 'trade_scales', scope: 'narrator', enabled: 'state.narrator.nomad_present == true', if: 'state._shared.fur >= 1', writes: [{ key: 'fur', value: -1, increment: true }] },
    ];
    for (const rule of rules) expect((await narrator!.invoke('nomad', '_register_action', rule)).status).toBe(201);

    const arrived = Date.now();
    expect((await narrator!.invoke('nomad', 'nomad_arrives')).status).toBe(200);
    expect('trade_scales' in (await player!.context('nomad', '?only=actions')).body.actions).toBe(true);
    const left = await player!.get(`/rooms/nomad/wait?condition=${q('!("trade_scales" in actions)')}&agent=player&timeout=5000&include=actions`);
    const elapsed = Date.now() - arrived;
    expect(left.body).toMatchObject({ triggered: true, value: true });
    expect(left.body.actions.trade_scales).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it('a 300 ms cooldown ends by itself and wakes the forager waiting for it', async () => {
    const { alice } = await room('forest', ['alice']);
    const forage = { id: 'forage', writes: [{ key: 'wood', value: 2, increment: true }], on_invoke: { timer: { ms: 300, effect: 'enable' } } };
    expect((await alice!.invoke('forest', '_register_action', forage)).status).toBe(201);

    const used = Date.now();
    expect((await alice!.invoke('forest', 'forage')).status).toBe(200);
    const refused = await alice!.invoke('forest', 'forage');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('action_cooldown');
    expect(Date.parse(refused.body.available_at)).toBeGreaterThan(used);

    const back = await alice!.get(`/rooms/forest/wait?condition=${q('"forage" in actions')}&agent=alice&timeout=5000&include=actions`);
    expect(back.body).toMatchObject({ triggered: true, actions: { forage: { available: true } } });
    expect(Date.now() - used).toBeGreaterThanOrEqual(250);
    expect((await alice!.invoke('forest', 'forage')).body.writes).toEqual([{ scope: '_shared', key: 'wood', value: 4 }]);
  });
});
