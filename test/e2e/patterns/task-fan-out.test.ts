// Seed 004 pattern 2, task fan-out/fan-in: tasks are keyless appends into _tasks, claims are gated
// merges (exactly one winner, D11), a done-counter wakes the coordinator; unclaimed tasks can expire.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import { fakeTime } from '../../support/fake-time.js';
import { registerActions } from '../../support/declare.js';

const ROOM = 'room-1';
const q = encodeURIComponent;

async function setup() {
  const time = fakeTime();
  const { app, client } = inProcessApp({ clock: time.clock, timers: time.timers });
  const { tokens } = await roomWithAgents(client, ROOM, ['coordinator', 'worker-1', 'worker-2', 'worker-3']);
  const coordinator = client.as(tokens.coordinator);
  const workers = ['worker-1', 'worker-2', 'worker-3'].map((id) => ({ id, client: client.as(tokens[id]) }));

  const vocabulary = [
    {
      id: 'open_board',
      description: 'Start counting posted and finished tasks',
      writes: [{ key: 'tasks_total', value: 0 }, { key: 'tasks_done', value: 0 }],
    },
    {
      id: 'post_task',
      description: 'Post a task to the board',
      params: { body: { type: 'string', required: true } },
      writes: [
        { scope: '_tasks', append: true, value: { body: '${params.body}', from: '${self}', claimed_by: null } },
        { key: 'tasks_total', increment: 1 },
      ],
    },
    {
      id: 'post_urgent_task',
      description: 'Post a task that vanishes if nobody claims it within a minute',
      params: { body: { type: 'string', required: true } },
      writes: [{ scope: '_tasks', append: true, value: { body: '${params.body}', from: '${self}', claimed_by: null }, timer: { ms: 60_000, effect: 'delete' } }],
    },
    {
      id: 'claim_task',
      description: 'Claim an unclaimed task; losers of a race get 409',
      params: { key: { type: 'string', required: true } },
      if: 'params.key in state._tasks && state._tasks[params.key].claimed_by == null',
      // A merge re-writes the entry without a timer: a claimed task no longer expires.
      writes: [{ scope: '_tasks', key: '${params.key}', merge: { claimed_by: '${self}', claimed_at: '${now}' } }],
    },
    {
      id: 'complete_task',
      description: 'Report the result of a task you claimed',
      params: { key: { type: 'string', required: true }, result: { type: 'string', required: true } },
      if: 'params.key in state._tasks && state._tasks[params.key].claimed_by == self && !("result" in state._tasks[params.key])',
      writes: [
        { scope: '_tasks', key: '${params.key}', merge: { result: '${params.result}' } },
        { key: 'tasks_done', increment: 1 },
      ],
    },
  ];
  await registerActions(coordinator, ROOM, vocabulary);
  const view = await coordinator.invoke(ROOM, '_register_view', {
    id: 'unclaimed',
    scope: '_shared',
    description: 'Keys of tasks nobody has claimed yet',
    expr: 'has(state._tasks) ? state._tasks.filter(k, state._tasks[k].claimed_by == null) : []',
  });
  expect(view.status).toBe(201);
  expect((await coordinator.invoke(ROOM, 'open_board')).status).toBe(200);
  return { time, app, coordinator, workers };
}

describe('pattern: task fan-out / fan-in', () => {
  it('workers race for each task, exactly one wins, and the done-counter wakes the coordinator', async () => {
    const { time, app, coordinator, workers } = await setup();
    const keys: string[] = [];
    for (const body of ['Analyze document A', 'Analyze document B', 'Analyze document C']) {
      const posted = await coordinator.invoke(ROOM, 'post_task', { body });
      expect(posted.status).toBe(200);
      expect(posted.body.writes[0]).toMatchObject({ scope: '_tasks', value: { body, from: 'coordinator', claimed_by: null } });
      keys.push(posted.body.writes[0].key);
    }
    expect(new Set(keys).size).toBe(3);

    const allDone = coordinator.get(`/rooms/${ROOM}/wait?condition=${q('state._shared.tasks_done == state._shared.tasks_total')}&agent=coordinator&include=state`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);

    // 1. Find unclaimed work.
    const board = await workers[0]!.client.context(ROOM, '?only=views');
    expect(board.body.views.unclaimed).toEqual(keys);

    // 2. Every worker tries to claim every task at once: one winner per task, the rest 409.
    const winners: Record<string, string> = {};
    for (const key of keys) {
      const results = await Promise.all(workers.map((w) => w.client.invoke(ROOM, 'claim_task', { key })));
      const won = results.flatMap((r, i) => (r.status === 200 ? [workers[i]!.id] : []));
      expect(won).toHaveLength(1);
      for (const lost of results.filter((r) => r.status !== 200)) {
        expect(lost.status).toBe(409);
        expect(lost.body).toMatchObject({ error: 'precondition_failed', action: 'claim_task' });
      }
      winners[key] = won[0]!;
    }
    expect((await workers[0]!.client.context(ROOM, '?only=views')).body.views.unclaimed).toEqual([]);

    // 3. Only the claimer may complete; 4. the counter moves with each result.
    const [first, ...rest] = keys;
    const intruder = workers.find((w) => w.id !== winners[first!])!;
    expect((await intruder.client.invoke(ROOM, 'complete_task', { key: first, result: 'forged' })).status).toBe(409);
    for (const key of [first!, ...rest]) {
      const worker = workers.find((w) => w.id === winners[key])!;
      expect(app.services.waits.stats().pending).toBe(1);
      const done = await worker.client.invoke(ROOM, 'complete_task', { key, result: `analysis of ${key} by ${worker.id}` });
      expect(done.status).toBe(200);
    }
    // A task cannot be completed twice.
    expect((await workers.find((w) => w.id === winners[first!])!.client.invoke(ROOM, 'complete_task', { key: first, result: 'again' })).status).toBe(409);

    const fanIn = await allDone;
    expect(fanIn.status).toBe(200);
    expect(fanIn.body).toMatchObject({ triggered: true, value: true, state: { _shared: { tasks_total: 3, tasks_done: 3 } } });
    for (const key of keys) {
      expect(fanIn.body.state._tasks[key]).toMatchObject({ claimed_by: winners[key], result: `analysis of ${key} by ${winners[key]}` });
    }
  });

  it('an unclaimed task vanishes when its timer fires; a claimed one was re-written without the timer and stays', async () => {
    const { time, app, coordinator, workers } = await setup();
    const review = (await coordinator.invoke(ROOM, 'post_urgent_task', { body: 'Urgent: review PR' })).body.writes[0].key;
    const deploy = (await coordinator.invoke(ROOM, 'post_urgent_task', { body: 'Urgent: deploy fix' })).body.writes[0].key;
    expect((await workers[1]!.client.invoke(ROOM, 'claim_task', { key: deploy })).status).toBe(200);
    expect((await workers[0]!.client.context(ROOM, '?only=views')).body.views.unclaimed).toEqual([review]);

    await time.advance(59_000);
    const emptied = workers[0]!.client.get(`/rooms/${ROOM}/wait?condition=${q('size(views.unclaimed) == 0')}&agent=worker-1&include=state,views`);
    await time.settle();
    expect(app.services.waits.stats().pending).toBe(1);
    await time.advance(1_000);

    const res = await emptied;
    expect(res.body).toMatchObject({ triggered: true, views: { unclaimed: [] } });
    expect(Object.keys(res.body.state._tasks)).toEqual([deploy]);
    expect(res.body.state._tasks[deploy]).toMatchObject({ body: 'Urgent: deploy fix', claimed_by: 'worker-2' });

    // The expired task cannot be claimed any more; the claimed one outlives any further time.
    const late = await workers[2]!.client.invoke(ROOM, 'claim_task', { key: review });
    expect(late.body).toMatchObject({ error: 'precondition_failed' });
    await time.advance(3_600_000);
    const still = await coordinator.post(`/rooms/${ROOM}/eval`, { expr: `state._tasks["${deploy}"].claimed_by` });
    expect(still.body.value).toBe('worker-2');
  });
});
