// Two server processes on one PostgreSQL (issue 9): invoke throughput with the load spread over
// both, (a) rooms per process — each process serves its own room, the case partitioning by room
// aims for — and (b) one hot room shared by both, where every write takes the room's advisory
// lock and the other process must reload the room it changed. One process alone on the same
// database is measured beside them.
import { client, createRoom, registerBenchActions, type Client, type Room } from '../lib/client.js';
import { closedLoop } from '../lib/load.js';
import { freshSchema, startServer, type BenchServer } from '../lib/server.js';
import { spread, type Spread } from '../lib/stats.js';
import type { Sizes } from '../sizes.js';

export interface ScaleOutResult {
  single_process: Spread;
  rooms_per_process: Spread;
  hot_room: Spread;
  clients: number;
}

interface Target {
  server: BenchServer;
  room: Room;
}

async function measure(sizes: Sizes, targets: Target[]): Promise<Spread> {
  // Clients alternate between the targets: half the load on each.
  const workers = Array.from({ length: sizes.clients }, (_, w) => {
    const target = targets[w % targets.length]!;
    const agent = `agent-${Math.floor(w / targets.length)}`;
    return { c: client(target.server.url), room: target.room.id, token: target.room.agents.get(agent)! };
  });
  const runs: number[] = [];
  let invoked = 0;
  try {
    for (let run = 0; run < sizes.runs; run++) {
      const r = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, (w) =>
        workers[w]!.c.request('POST', `/rooms/${workers[w]!.room}/actions/inc/invoke`, {}, workers[w]!.token).then((x) => x.status === 200));
      if (r.failures) throw new Error(`scale-out: ${r.failures} failed invocations`);
      runs.push(r.perSecond);
      invoked += r.completed;
    }
  } finally {
    for (const w of workers) w.c.close();
  }
  // Every counted invocation was applied. A process's image of a room another process wrote is
  // refreshed by its next write (until the change feed lands), so each process writes once more
  // and then reads; the newest image counts, less those extra writes.
  let total = 0;
  for (const room of new Set(targets.map((t) => t.room))) {
    const serving = targets.filter((t) => t.room === room);
    let newest = 0;
    for (const t of serving) {
      const c = client(t.server.url);
      try {
        const token = room.agents.get('agent-0')!;
        const res = await c.request('POST', `/rooms/${room.id}/actions/inc/invoke`, {}, token);
        if (res.status !== 200) throw new Error(`scale-out: check invocation answered ${res.status}`);
        const ctx = await c.json<{ state: { _shared?: { n?: number } } }>('GET', `/rooms/${room.id}/context`, undefined, room.admin);
        newest = Math.max(newest, ctx.state._shared?.n ?? 0);
      } finally {
        c.close();
      }
    }
    total += newest - serving.length;
  }
  if (total < invoked) throw new Error(`scale-out: counters add to ${total} < ${invoked} counted invocations`);
  return spread(runs);
}

async function room(c: Client, id: string, agents: number): Promise<Room> {
  const r = await createRoom(c, id, Array.from({ length: agents }, (_, i) => `agent-${i}`));
  await registerBenchActions(c, r.id, r.admin);
  return r;
}

export async function twoProcesses(sizes: Sizes): Promise<ScaleOutResult> {
  const schema = await freshSchema();
  const servers: BenchServer[] = [];
  try {
    servers.push(await startServer({ store: 'postgres', databaseUrl: schema.url }), await startServer({ store: 'postgres', databaseUrl: schema.url }));
    const [a, b] = servers as [BenchServer, BenchServer];
    const setup = client(a.url);
    try {
      const alone = await room(setup, 'alone', sizes.clients);
      const roomA = await room(setup, 'room-a', sizes.clients);
      const roomB = await room(setup, 'room-b', sizes.clients);
      const hot = await room(setup, 'hot', sizes.clients);
      const single = await measure(sizes, [{ server: a, room: alone }]);
      const perProcess = await measure(sizes, [{ server: a, room: roomA }, { server: b, room: roomB }]);
      const shared = await measure(sizes, [{ server: a, room: hot }, { server: b, room: hot }]);
      return { single_process: single, rooms_per_process: perProcess, hot_room: shared, clients: sizes.clients };
    } finally {
      setup.close();
    }
  } finally {
    for (const s of servers) await s.stop();
    await schema.drop();
  }
}
