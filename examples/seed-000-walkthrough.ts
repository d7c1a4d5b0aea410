// Seed 000's walkthrough with the SDK: create a room, join, read the help, declare an action,
// invoke it, and wait on a view. Run: npx tsx --conditions=agent-sync-source examples/seed-000-walkthrough.ts
// (against AGENT_SYNC_URL, default http://127.0.0.1:8787, a server in local mode).
import { AgentSyncClient } from 'agent-sync/client';

const server = new AgentSyncClient({ baseUrl: process.env.AGENT_SYNC_URL ?? 'http://127.0.0.1:8787' });
const roomId = `walkthrough-${Date.now().toString(36)}`;

const room = await server.createRoom({ id: roomId });
const alice = server.withToken((await server.join(roomId, { id: 'alice', name: 'Alice', role: 'agent' })).token);

const context = await alice.context(roomId);
console.log('help suggests:', context._context.help?.join(', '));

const library = await alice.invoke(roomId, 'help', { key: 'standard_library' });
console.log('standard library entries:', Object.keys((library as { content?: object }).content ?? {}).length > 0 ? 'yes' : 'none');

await alice.invoke(roomId, '_register_action', {
  id: 'submit_result',
  description: 'Submit a result keyed to your identity',
  params: { result: { type: 'any' } },
  writes: [{ scope: '_shared', key: '${self}.result', value: '${params.result}' }],
});
await alice.invoke(roomId, '_register_view', { id: 'results', expr: 'state._shared.filter(k, k.endsWith(".result"))', scope: '_shared', description: 'every submitted result' });

const waiting = alice.wait(roomId, 'views["results"].size() > 0', { timeout: 10_000 });
const invoked = await alice.invoke(roomId, 'submit_result', { result: '42' });
console.log('invoke →', JSON.stringify({ invoked: invoked.invoked, writes: invoked.writes }));

const woke = await waiting;
console.log('wait →', JSON.stringify({ triggered: woke.triggered, results: woke.context?.views?.results }));

await server.withToken(room.token).deleteRoom(roomId);
if (!woke.triggered) process.exit(1);
