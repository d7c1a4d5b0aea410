// Throughput rows: bare GET /healthz (the HTTP baseline) and invoking an action that writes one
// `_shared` key, from 10 concurrent clients (one keep-alive connection and one agent each).
import { client, createRoom, registerBenchActions, type Client } from '../lib/client.js';
import { closedLoop } from '../lib/load.js';
import type { BenchServer } from '../lib/server.js';
import { spread, type Spread } from '../lib/stats.js';
import type { Sizes } from '../sizes.js';

export interface ThroughputResult {
  healthz: Spread;
  invoke: Spread;
  /**
   * Server CPU time per invocation (µs; user + system, warm-up included): steadier than the rate
   * on a busy machine, where the rate mostly measures how much of the cores the server was given.
   */
  invoke_cpu_us: Spread;
  clients: number;
  seconds_per_run: number;
  final_counter: number;
}

export async function throughput(server: BenchServer, sizes: Sizes): Promise<ThroughputResult> {
  const setup = client(server.url);
  const agentIds = Array.from({ length: sizes.clients }, (_, i) => `agent-${i}`);
  const room = await createRoom(setup, 'throughput', agentIds);
  await registerBenchActions(setup, room.id, room.admin);
  const clients: Client[] = agentIds.map(() => client(server.url));
  const tokens = agentIds.map((id) => room.agents.get(id)!);
  const healthz = (w: number) => clients[w]!.request('GET', '/healthz').then((r) => r.status === 200);
  const inc = (w: number) => clients[w]!.request('POST', '/rooms/throughput/actions/inc/invoke', {}, tokens[w]).then((r) => r.status === 200);
  const healthRuns: number[] = [];
  const invokeRuns: number[] = [];
  const cpuRuns: number[] = [];
  let invoked = 0;
  try {
    for (let run = 0; run < sizes.runs; run++) {
      const h = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, healthz);
      const cpuBefore = server.cpuMs();
      const i = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, inc);
      cpuRuns.push(((server.cpuMs() - cpuBefore) * 1000) / i.answered);
      if (h.failures || i.failures) throw new Error(`throughput: ${h.failures} healthz and ${i.failures} invoke failures`);
      healthRuns.push(h.perSecond);
      invokeRuns.push(i.perSecond);
      invoked += i.completed;
    }
    // Every invocation must have been applied: the counter is at least what we counted.
    const ctx = await setup.json<{ state: { _shared: { n: number } } }>('GET', '/rooms/throughput/context', undefined, room.admin);
    if (ctx.state._shared.n < invoked) throw new Error(`throughput: counter ${ctx.state._shared.n} < ${invoked} counted invocations`);
    return { healthz: spread(healthRuns), invoke: spread(invokeRuns), invoke_cpu_us: spread(cpuRuns), clients: sizes.clients, seconds_per_run: sizes.loadMs / 1000, final_counter: ctx.state._shared.n };
  } finally {
    for (const c of clients) c.close();
    setup.close();
  }
}
