// Wake latency: 1,000 pending waits over 100 rooms (one per agent, each on its own key); one
// invoke satisfies one wait. Latency runs from sending the invoke to receiving the wait's answer.
// Each woken agent waits again at once, as an agent loop would, so ~1,000 stay pending.
import { client, createRoom, invoke, registerBenchActions, waitPath, type Room } from '../lib/client.js';
import type { BenchServer } from '../lib/server.js';
import { percentile, spread, type Spread } from '../lib/stats.js';
import { assertPending, openWaits, triggered, type OpenWait } from '../lib/waits.js';
import type { Sizes } from '../sizes.js';

export interface WakeResult {
  p50_ms: Spread;
  p99_ms: Spread;
  max_ms: Spread;
  /** Baseline from the same server and connection: sequential GET /healthz round trips. */
  healthz_rtt_p50_ms: Spread;
  pending: number;
  samples_per_run: number;
}

export async function wakeLatency(server: BenchServer, sizes: Sizes): Promise<WakeResult> {
  const setup = client(server.url);
  const waiters = client(server.url, Infinity);
  const writer = client(server.url);
  const rooms: Room[] = [];
  const agentIds = Array.from({ length: sizes.wakeAgents }, (_, j) => `a${j}`);
  for (let r = 0; r < sizes.wakeRooms; r++) {
    const room = await createRoom(setup, `wake-${r}`, agentIds);
    await registerBenchActions(setup, room.id, room.admin);
    rooms.push(room);
  }
  const slots = rooms.flatMap((room) => agentIds.map((agent) => ({ room, agent, token: room.agents.get(agent)!, round: 1 })));
  const waitFor = (slot: (typeof slots)[number]) => ({ room: slot.room.id, agent: slot.agent, token: slot.token, path: waitPath(slot.room.id, `state._shared.${slot.agent} == ${slot.round}`, 110_000) });
  const pending: OpenWait[] = await openWaits(waiters, slots.map(waitFor));
  const p50: number[] = [];
  const p99: number[] = [];
  const max: number[] = [];
  const rtt: number[] = [];
  try {
    for (let run = 0; run < sizes.runs; run++) {
      await assertPending(server, setup, rooms, pending);
      const trips: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        trips.push((await writer.request('GET', '/healthz')).at - t0);
      }
      rtt.push(percentile(trips, 50));
      const latencies: number[] = [];
      for (const i of shuffled(slots.length)) {
        const slot = slots[i]!;
        const wait = pending[i]!;
        const t0 = performance.now();
        const done = invoke(writer, slot.room.id, 'set', { key: slot.agent, value: slot.round }, slot.token);
        const reply = await wait.reply;
        await done;
        if (!triggered(reply)) throw new Error(`wake: wait ${slot.room.id}/${slot.agent} answered ${reply.status} ${reply.body.slice(0, 200)}`);
        latencies.push(reply.at - t0);
        slot.round++;
        const [again] = await openWaits(waiters, [waitFor(slot)]);
        pending[i] = again!;
      }
      p50.push(percentile(latencies, 50));
      p99.push(percentile(latencies, 99));
      max.push(Math.max(...latencies));
    }
    return { p50_ms: spread(p50), p99_ms: spread(p99), max_ms: spread(max), healthz_rtt_p50_ms: spread(rtt), pending: slots.length, samples_per_run: slots.length };
  } finally {
    waiters.close();
    writer.close();
    setup.close();
  }
}

/** 0..n-1 in a random order. */
export function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
