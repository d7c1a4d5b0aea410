// Seed 004's task fan-out and fan-in with the SDK: a coordinator posts tasks, three workers race
// to claim each one (exactly one wins), do it, and report; the coordinator waits for all results.
// Run: npx tsx --conditions=agent-sync-source examples/task-fan-out.ts
import { AgentSyncClient, isAgentSyncError, runAgentLoop } from 'agent-sync/client';

const server = new AgentSyncClient({ baseUrl: process.env.AGENT_SYNC_URL ?? 'http://127.0.0.1:8787' });
const roomId = `fanout-${Date.now().toString(36)}`;
const TASKS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

const room = await server.createRoom({ id: roomId });
const owner = server.withToken(room.token);
const declare = (definition: Record<string, unknown>) => owner.invoke(roomId, '_register_action', definition);
await declare({ id: 'post_task', params: { id: { type: 'string', required: true }, input: { type: 'string', required: true } }, writes: [{ scope: '_tasks', key: '${params.id}', value: { input: '${params.input}', status: 'open' } }] });
await declare({
  id: 'claim',
  description: 'Claim an open task; exactly one claimant wins',
  params: { id: { type: 'string', required: true } },
  if: 'params.id in state._tasks && state._tasks[params.id].status == "open"',
  writes: [{ scope: '_tasks', key: '${params.id}', merge: { status: 'claimed', worker: '${self}' } }],
});
await declare({
  id: 'complete',
  params: { id: { type: 'string', required: true }, output: { type: 'string', required: true } },
  if: 'state._tasks[params.id].worker == self',
  writes: [
    { scope: '_tasks', key: '${params.id}', merge: { status: 'done', output: '${params.output}' } },
    { scope: '_shared', key: 'done', increment: 1 },
  ],
});

for (const id of TASKS) await owner.invoke(roomId, 'post_task', { id, input: id.toUpperCase() });

const open = (tasks: Record<string, { status: string }>) => Object.keys(tasks).filter((k) => tasks[k]!.status === 'open');
const workers = await Promise.all(['w1', 'w2', 'w3'].map(async (id) => ({ id, client: server.withToken((await server.join(roomId, { id })).token) })));
const wins: Record<string, number> = {};

const working = workers.map(({ id, client }) =>
  runAgentLoop(client, {
    room: roomId,
    until: 'state._tasks.exists(k, state._tasks[k].status == "open") || (has(state._shared.done) && state._shared.done >= ' + TASKS.length + ')',
    context: { only: 'state._tasks' },
    act: async (context) => {
      const tasks = (context.state?._tasks ?? {}) as Record<string, { status: string; input: string }>;
      const next = open(tasks)[0];
      if (next === undefined) return false;
      try {
        await client.invoke(roomId, 'claim', { id: next });
      } catch (error) {
        if (isAgentSyncError(error, 'precondition_failed')) return; // someone else won this one
        throw error;
      }
      wins[id] = (wins[id] ?? 0) + 1;
      await client.invoke(roomId, 'complete', { id: next, output: tasks[next]!.input.toLowerCase() });
    },
  }),
);

const all = await owner.wait(roomId, `has(state._shared.done) && state._shared.done == ${TASKS.length}`, { timeout: 20_000, only: 'state' });
await Promise.all(working);
const tasks = (all.context?.state?._tasks ?? {}) as Record<string, { status: string; worker: string; output: string }>;
for (const [id, task] of Object.entries(tasks)) console.log(`${id}: ${task.status} by ${task.worker} → ${task.output}`);
console.log('claims won per worker:', JSON.stringify(wins));
await owner.deleteRoom(roomId);
const claimed = Object.values(wins).reduce((a, b) => a + b, 0);
if (!all.triggered || claimed !== TASKS.length || Object.values(tasks).some((t) => t.status !== 'done')) process.exit(1);
