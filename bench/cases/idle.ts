// Idle cost: 10,000 pending waits (100 rooms × 10 agents × 10 waits, one socket each) and no
// changes; the server's CPU time over each idle window and its RSS. Then one invoke per room
// releases them all, which proves they were pending.
import { client, createRoom, invoke, registerBenchActions, waitPath, type Room } from '../lib/client.js';
import { sleep, type BenchServer } from '../lib/server.js';
import { spread, type Spread } from '../lib/stats.js';
import { assertPending, openWaits, triggered } from '../lib/waits.js';
import type { Sizes } from '../sizes.js';

export interface IdleResult {
  waits: number;
  idle_s: number;
  cpu_ms: Spread;
  cpu_percent: Spread;
  rss_mb: Spread;
  rss_before_waits_mb: number;
  open_all_ms: number;
  release_all_ms: number;
}

export async function idleCost(server: BenchServer, sizes: Sizes): Promise<IdleResult> {
  const setup = client(server.url);
  const waiters = client(server.url, Infinity);
  const rooms: Room[] = [];
  const agentIds = Array.from({ length: sizes.idleAgents }, (_, j) => `a${j}`);
  for (let r = 0; r < sizes.idleRooms; r++) {
    const room = await createRoom(setup, `idle-${r}`, agentIds);
    await registerBenchActions(setup, room.id, room.admin);
    rooms.push(room);
  }
  const timeoutMs = sizes.runs * sizes.idleMs + 60_000;
  const specs = rooms.flatMap((room) =>
    agentIds.flatMap((agent) =>
      Array.from({ length: sizes.idleWaitsPerAgent }, (_, k) => ({ room: room.id, agent, token: room.agents.get(agent)!, path: waitPath(room.id, `state._shared.release >= ${k}`, timeoutMs) })),
    ),
  );
  try {
    await sleep(1500); // let start-up and set-up work (presence flushes) settle before the baseline
    const rssBefore = server.rssMb();
    const t0 = performance.now();
    const waits = await openWaits(waiters, specs);
    const openMs = performance.now() - t0;
    await assertPending(server, setup, rooms, waits);
    const cpu: number[] = [];
    const rss: number[] = [];
    for (let run = 0; run < sizes.runs; run++) {
      const before = server.cpuMs();
      await sleep(sizes.idleMs);
      cpu.push(server.cpuMs() - before);
      rss.push(server.rssMb());
    }
    if (waits.some((w) => w.answered)) throw new Error('idle: a wait was answered while nothing changed');
    const t1 = performance.now();
    await Promise.all(rooms.map((room) => invoke(setup, room.id, 'set', { key: 'release', value: sizes.idleWaitsPerAgent }, room.admin)));
    const replies = await Promise.all(waits.map((w) => w.reply));
    const releaseMs = performance.now() - t1;
    const bad = replies.filter((r) => !triggered(r));
    if (bad.length) throw new Error(`idle: ${bad.length} waits answered ${bad[0]!.status} ${bad[0]!.body.slice(0, 200)}`);
    return {
      waits: specs.length,
      idle_s: sizes.idleMs / 1000,
      cpu_ms: spread(cpu),
      cpu_percent: spread(cpu.map((ms) => (100 * ms) / sizes.idleMs)),
      rss_mb: spread(rss),
      rss_before_waits_mb: rssBefore,
      open_all_ms: openMs,
      release_all_ms: releaseMs,
    };
  } finally {
    waiters.close();
    setup.close();
  }
}
