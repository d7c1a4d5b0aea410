// Seed 004 pattern 5, watchdog/materializer: a materializer sleeps on a dirty flag, and a watchdog
// sleeps on another agent's status, woken when that agent starts waiting (D16).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import { fakeTime } from '../../support/fake-time.js';
import { registerActions, registerView } from '../../support/declare.js';

const ROOM = 'room-1';
const q = encodeURIComponent;

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { admin, tokens } = await roomWithAgents(client, ROOM, ['alice', 'bob', 'materializer', 'watchdog', 'worker-1']);
  const owner = client.as(admin);
  const as = (id: string) => client.as(tokens[id]);
  const vocabulary = [
    {
      id: 'score',
      description: 'Add points to your score and mark the analysis stale',
      params: { points: { type: 'integer', required: true } },
      writes: [
        { scope: '_scores', key: '${self}', increment: '${params.points}' },
        { key: 'needs_recompute', value: true },
      ],
    },
    {
      id: 'publish_analysis',
      description: 'Materializer: store the expensive analysis and clear the dirty flag',
      params: { analysis: { type: 'string', required: true } },
      if: 'self == "materializer" && state._shared.needs_recompute == true',
      writes: [
        { key: 'analysis', value: '${params.analysis}' },
        { key: 'needs_recompute', value: false },
      ],
    },
    {
      id: 'assign',
      description: 'Give a worker a job',
      params: { worker: { type: 'string', required: true }, job: { type: 'string', required: true } },
      writes: [{ scope: '_jobs', key: '${params.worker}', value: '${params.job}' }],
    },
  ];
  await registerActions(owner, ROOM, vocabulary);
  // The cheap derived state is a view; the materializer is for work CEL cannot express.
  await registerView(owner, ROOM, {
    id: 'scoreboard',
    scope: '_shared',
    expr: '"Alice: " + string(state._scores.?alice.orValue(0)) + " | Bob: " + string(state._scores.?bob.orValue(0))',
  });
  return { time, app, owner, as };
}

describe('pattern: watchdog / materializer', () => {
  it('the materializer sleeps until needs_recompute is set, recomputes, and clears it', async () => {
    const { time, app, as } = await setup();
    const materializer = as('materializer');
    const dirty = `/rooms/${ROOM}/wait?condition=${q('state._shared.needs_recompute == true')}&agent=materializer&include=state._shared,views`;

    const first = materializer.get(dirty);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    expect((await as('alice').invoke(ROOM, 'score', { points: 3 })).status).toBe(200);
    const woke = await first;
    expect(woke.body).toMatchObject({ triggered: true, views: { scoreboard: 'Alice: 3 | Bob: 0' } });

    // Only the materializer clears the flag, and only when it is set.
    expect((await as('bob').invoke(ROOM, 'publish_analysis', { analysis: 'forged' })).status).toBe(409);
    expect((await materializer.invoke(ROOM, 'publish_analysis', { analysis: 'alice leads' })).status).toBe(200);
    expect((await materializer.invoke(ROOM, 'publish_analysis', { analysis: 'again' })).status).toBe(409);

    // Loop: back to sleep until the next change.
    const second = materializer.get(dirty);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    expect((await as('bob').invoke(ROOM, 'score', { points: 5 })).status).toBe(200);
    const again = await second;
    expect(again.body).toMatchObject({ triggered: true, state: { needs_recompute: true, analysis: 'alice leads' }, views: { scoreboard: 'Alice: 3 | Bob: 5' } });
  });

  it('the watchdog is woken when worker-1 starts waiting, and sees it active again afterwards', async () => {
    const { time, app, as } = await setup();
    const watchdog = as('watchdog');
    const worker = as('worker-1');
    const status = async () => (await watchdog.post(`/rooms/${ROOM}/eval`, { expr: 'agents["worker-1"].status' })).body;

    expect(await status()).toEqual({ expression: 'agents["worker-1"].status', value: 'active' });

    const watching = watchdog.get(`/rooms/${ROOM}/wait?condition=${q('agents["worker-1"].status == "waiting"')}&agent=watchdog&timeout=25000&include=agents`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);

    // worker-1 goes idle: it waits for a job. That status change alone wakes the watchdog.
    const idle = worker.get(`/rooms/${ROOM}/wait?condition=${q('has(state._jobs) && "worker-1" in state._jobs')}&agent=worker-1&include=state`);
    const seen = await watching;
    expect(seen.body).toMatchObject({
      triggered: true,
      agents: { 'worker-1': { status: 'waiting', waiting_on: 'has(state._jobs) && "worker-1" in state._jobs' }, watchdog: { status: 'active' } },
    });
    expect(await status()).toMatchObject({ value: 'waiting' });
    const detail = await watchdog.post(`/rooms/${ROOM}/eval`, { expr: 'agents["worker-1"].waiting_on' });
    expect(detail.body.value).toBe('has(state._jobs) && "worker-1" in state._jobs');
    expect(app.services.waits.stats().pending).toBe(1);

    // The watchdog reassigns; the job wakes worker-1, which is active again.
    expect((await watchdog.invoke(ROOM, 'assign', { worker: 'worker-1', job: 'reindex' })).status).toBe(200);
    const job = await idle;
    expect(job.body).toMatchObject({ triggered: true, state: { _jobs: { 'worker-1': 'reindex' } } });
    expect(await status()).toMatchObject({ value: 'active' });
    const after = await watchdog.post(`/rooms/${ROOM}/eval`, { expr: 'agents["worker-1"].waiting_on == null && "last_heartbeat" in agents["worker-1"]' });
    expect(after.body.value).toBe(true);
  });

  it('a watchdog wait on a busy worker times out at its timeout and says so', async () => {
    const { time, as } = await setup();
    const watching = as('watchdog').get(`/rooms/${ROOM}/wait?condition=${q('agents["worker-1"].status == "waiting"')}&agent=watchdog&timeout=25000&include=agents`);
    await time.settle();
    await time.advance(25_000);
    const res = await watching;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ triggered: false, timeout: true, agents: { 'worker-1': { status: 'active' } } });
  });
});
