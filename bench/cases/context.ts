// Context read: one agent reads GET /context in a room with 1,000 `_shared` keys, 100 actions
// (each with an `if`, a quarter also `enabled`) and 50 views (scalars and whole-map aggregates).
import { client, createRoom, invoke, registerBenchActions, type Client } from '../lib/client.js';
import type { BenchServer } from '../lib/server.js';
import { percentile, spread, type Spread } from '../lib/stats.js';
import type { Sizes } from '../sizes.js';

export interface ContextResult {
  p50_ms: Spread;
  p99_ms: Spread;
  response_bytes: number;
  keys: number;
  actions: number;
  views: number;
}

export async function contextRead(server: BenchServer, sizes: Sizes): Promise<ContextResult> {
  const c = client(server.url, 10);
  try {
    const room = await createRoom(c, 'context', ['reader']);
    await populate(c, room.id, room.admin, sizes);
    const token = room.agents.get('reader')!;
    const p50: number[] = [];
    const p99: number[] = [];
    let bytes = 0;
    for (let run = 0; run < sizes.runs; run++) {
      const times: number[] = [];
      for (let i = 0; i < sizes.contextReads; i++) {
        const t0 = performance.now();
        const reply = await c.request('GET', '/rooms/context/context', undefined, token);
        if (reply.status !== 200) throw new Error(`context: ${reply.status} ${reply.body.slice(0, 200)}`);
        times.push(reply.at - t0);
        bytes = reply.body.length;
      }
      p50.push(percentile(times, 50));
      p99.push(percentile(times, 99));
    }
    const seen = JSON.parse((await c.request('GET', '/rooms/context/context', undefined, token)).body) as { state: { _shared: object }; actions: object; views: Record<string, unknown> };
    const counts = { keys: Object.keys(seen.state._shared).length, actions: Object.keys(seen.actions).length, views: Object.keys(seen.views).length };
    const failed = Object.entries(seen.views).filter(([, v]) => typeof v === 'object' && v !== null && '_error' in v);
    if (failed.length) throw new Error(`context: view ${failed[0]![0]} failed: ${JSON.stringify(failed[0]![1])}`);
    return { p50_ms: spread(p50), p99_ms: spread(p99), response_bytes: bytes, ...counts };
  } finally {
    c.close();
  }
}

async function populate(c: Client, room: string, admin: string, sizes: Sizes): Promise<void> {
  await registerBenchActions(c, room, admin);
  // Whole numbers, strings and small objects, a third each.
  const value = (i: number) => (i % 3 === 0 ? i : i % 3 === 1 ? `value-${i}` : { n: i, tags: ['a', 'b'], done: i % 2 === 0 });
  await parallel(sizes.contextKeys, 10, (i) => invoke(c, room, 'set', { key: `k${i}`, value: value(i) }, admin));
  const num = (i: number) => `state._shared.k${(3 * i) % sizes.contextKeys}`;
  await parallel(sizes.contextActions, 10, (i) =>
    invoke(c, room, '_register_action', {
      id: `act${i}`,
      description: `Bump counter ${i}`,
      params: { by: { type: 'number' } },
      if: `${num(i)} >= 0`,
      ...(i % 4 === 0 ? { enabled: `has(${num(i)})` } : {}),
      writes: [{ key: `k${(3 * i) % sizes.contextKeys}`, increment: '${params.by}' }],
    }, admin),
  );
  const viewExpr = (i: number) => {
    if (i % 5 === 0) return `state._shared.filter(k, k.startsWith("k${i}")).size()`;
    if (i % 5 === 1) return 'size(state._shared)';
    return `${num(i)} * 2 + ${num(i + 1)}`;
  };
  await parallel(sizes.contextViews, 10, (i) => invoke(c, room, '_register_view', { id: `view${i}`, scope: '_shared', expr: viewExpr(i) }, admin));
}

async function parallel(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}
