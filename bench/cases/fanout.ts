// Fan-out: 1,000 waits on one condition in one room (100 agents × 10 waits each); one invoke
// makes the condition true. Measured from sending the invoke to the last wait's answer.
import { client, createRoom, invoke, registerBenchActions, waitPath } from '../lib/client.js';
import type { BenchServer } from '../lib/server.js';
import { percentile, spread, type Spread } from '../lib/stats.js';
import { assertPending, openWaits, triggered } from '../lib/waits.js';
import type { Sizes } from '../sizes.js';

export interface FanOutResult {
  all_answered_ms: Spread;
  median_answer_ms: Spread;
  waits: number;
}

export async function fanOut(server: BenchServer, sizes: Sizes): Promise<FanOutResult> {
  const setup = client(server.url);
  const waiters = client(server.url, Infinity);
  const agentIds = Array.from({ length: sizes.fanAgents }, (_, j) => `a${j}`);
  const room = await createRoom(setup, 'fanout', agentIds);
  await registerBenchActions(setup, room.id, room.admin);
  const all: number[] = [];
  const mid: number[] = [];
  try {
    for (let run = 1; run <= sizes.runs; run++) {
      const specs = agentIds.flatMap((agent) =>
        Array.from({ length: sizes.fanWaitsPerAgent }, () => ({ room: room.id, agent, token: room.agents.get(agent)!, path: waitPath(room.id, `state._shared.go == ${run}`, 110_000) })),
      );
      const waits = await openWaits(waiters, specs);
      await assertPending(server, setup, [room], waits).catch((e: unknown) => { throw new Error(`run ${run}: ${String(e)}`); });
      const t0 = performance.now();
      await invoke(setup, room.id, 'set', { key: 'go', value: run }, room.admin);
      const replies = await Promise.all(waits.map((w) => w.reply));
      const bad = replies.filter((r) => !triggered(r));
      if (bad.length) throw new Error(`fan-out: ${bad.length} waits answered ${bad[0]!.status} ${bad[0]!.body.slice(0, 200)}`);
      const times = replies.map((r) => r.at - t0);
      all.push(Math.max(...times));
      mid.push(percentile(times, 50));
    }
    return { all_answered_ms: spread(all), median_answer_ms: spread(mid), waits: sizes.fanAgents * sizes.fanWaitsPerAgent };
  } finally {
    waiters.close();
    setup.close();
  }
}
