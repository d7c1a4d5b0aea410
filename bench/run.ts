// `npm run bench`: start the built server, drive it over loopback, print the figures with their
// targets and write them to bench/results/. `--smoke` runs everything tiny, to prove it runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { beachThroughput } from './cases/beach.js';
import { celSpeed } from './cases/cel.js';
import { celConformance } from './cases/cel-conformance.js';
import { contextRead } from './cases/context.js';
import { fanOut } from './cases/fanout.js';
import { idleCost } from './cases/idle.js';
import { throughput } from './cases/throughput.js';
import { twoProcesses } from './cases/scaleout.js';
import { wakeLatency } from './cases/wake.js';
import { meterLoad, type LoadSample } from './lib/machine-load.js';
import { compareStores, machine, row, table, type Row, type StoreComparison } from './lib/report.js';
import { startServer, type BenchServer, type StoreKind } from './lib/server.js';
import { spread } from './lib/stats.js';
import { FULL, SMOKE } from './sizes.js';

const BENCHES = ['invoke', 'wake', 'fanout', 'context', 'idle', 'cel', 'beach', 'scaleout'] as const;
type Bench = (typeof BENCHES)[number];

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    // postgres needs the database at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
    stores: { type: 'string', default: 'sqlite,memory,postgres' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const sizes = values.smoke ? SMOKE : FULL;
const only = new Set((values.only ?? BENCHES.join(',')).split(',') as Bench[]);
const stores = values.stores.split(',') as StoreKind[];
const RESULTS = resolve(import.meta.dirname, 'results');
const out = values.out ?? join(RESULTS, values.smoke ? 'smoke.json' : 'latest.json');
const profileDir = join(RESULTS, 'profiles');
const machineLoad: Record<string, LoadSample> = {};

async function withServer<T>(store: StoreKind, name: string, fn: (server: BenchServer) => Promise<T>): Promise<T> {
  const nodeFlags = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${store}.cpuprofile`] : [];
  const server = await startServer({ store, nodeFlags });
  const stop = meterLoad(server);
  try {
    return await fn(server);
  } finally {
    machineLoad[`${name}/${store}`] = stop();
    await server.stop();
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// Each pending wait holds a socket in this process and one in the server.
function checkOpenFileLimit(): void {
  const needed = sizes.idleRooms * sizes.idleAgents * sizes.idleWaitsPerAgent + 500;
  const match = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (match && Number(match[1]) < needed) throw new Error(`the idle benchmark needs ${needed} open files, but the limit is ${match[1]}: run \`ulimit -n 20000\` first`);
}

async function main(): Promise<void> {
  if (only.has('idle')) checkOpenFileLimit();
  const rows: Row[] = [];
  const comparisons: StoreComparison[] = [];
  const results: Record<string, unknown> = {};
  const invokeBy: Record<string, ReturnType<typeof spread>> = {};
  const wakeBy: Record<string, ReturnType<typeof spread>> = {};
  const fanoutBy: Record<string, ReturnType<typeof spread>> = {};
  const beachBy: Record<'read' | 'write' | 'append', Record<string, ReturnType<typeof spread>>> = { read: {}, write: {}, append: {} };
  for (const store of stores) {
    const primary = store === stores[0];
    const res: Record<string, unknown> = (results[store] = {});
    if (only.has('invoke')) {
      log(`${store}: invoke throughput (${sizes.clients} clients, ${sizes.runs} × ${sizes.loadMs} ms)`);
      const t = (res.throughput = await withServer(store, 'invoke', (s) => throughput(s, sizes)));
      invokeBy[store] = t.invoke;
      rows.push(row('baseline: GET /healthz throughput', 'req/s', store, t.healthz));
      rows.push(row('invoke throughput', 'inv/s', store, t.invoke, '≥ 5,000', (m) => m >= 5000, `${Math.round((100 * t.invoke.median) / t.healthz.median)} % of the /healthz rate`));
      rows.push(row('server CPU per invocation', 'µs', store, t.invoke_cpu_us));
    }
    if (only.has('wake')) {
      log(`${store}: wake latency (${sizes.wakeRooms * sizes.wakeAgents} pending waits over ${sizes.wakeRooms} rooms)`);
      const w = (res.wake = await withServer(store, 'wake', (s) => wakeLatency(s, sizes)));
      wakeBy[store] = w.p50_ms;
      rows.push(row('baseline: GET /healthz round trip p50', 'ms', store, w.healthz_rtt_p50_ms));
      rows.push(row('wake latency p50', 'ms', store, w.p50_ms, '≤ 2 ms', (m) => m <= 2, `${(w.p50_ms.median / w.healthz_rtt_p50_ms.median).toFixed(1)}× the /healthz round trip`));
      rows.push(row('wake latency p99', 'ms', store, w.p99_ms, '≤ 10 ms', (m) => m <= 10));
    }
    if (only.has('beach')) {
      log(`${store}: beach reads, writes and contended appends (${sizes.clients} clients, ${sizes.runs} × ${sizes.loadMs} ms each)`);
      const b = (res.beach = await withServer(store, 'beach', (s) => beachThroughput(s, sizes)));
      beachBy.read[store] = b.shaped_read;
      beachBy.write[store] = b.write;
      beachBy.append[store] = b.append_contended;
      rows.push(row('beach shaped-read throughput', 'reads/s', store, b.shaped_read, null, undefined, `${b.read_bytes} B per answer`));
      rows.push(row('beach spindled-write throughput (one block)', 'writes/s', store, b.write));
      rows.push(row(`beach append throughput, ${b.clients} clients on one block`, 'appends/s', store, b.append_contended));
    }
    // Fan-out runs on the primary store and on PostgreSQL (side by side with SQLite, issue 9).
    if (only.has('fanout') && (primary || store === 'postgres')) {
      log(`${store}: fan-out (${sizes.fanAgents * sizes.fanWaitsPerAgent} waits, one condition)`);
      const f = (res.fanout = await withServer(store, 'fanout', (s) => fanOut(s, sizes)));
      fanoutBy[store] = f.all_answered_ms;
      rows.push(row(`fan-out: all ${f.waits} answered`, 'ms', store, f.all_answered_ms, '≤ 500 ms', (m) => m <= 500));
    }
    if (only.has('scaleout') && store === 'postgres') {
      log(`postgres: two processes on one database (${sizes.clients} clients, ${sizes.runs} × ${sizes.loadMs} ms each)`);
      const t = (res.scaleout = await twoProcesses(sizes));
      rows.push(row('two processes, rooms per process: invoke throughput', 'inv/s', store, t.rooms_per_process, null, undefined, `one process alone: ${Math.round(t.single_process.median)} inv/s`));
      rows.push(row('two processes, one hot room shared: invoke throughput', 'inv/s', store, t.hot_room));
    }
    if (!primary) continue;
    if (only.has('context')) {
      log(`${store}: context read (${sizes.contextKeys} keys, ${sizes.contextActions} actions, ${sizes.contextViews} views)`);
      const c = (res.context = await withServer(store, 'context', (s) => contextRead(s, sizes)));
      rows.push(row('context read p50', 'ms', store, c.p50_ms, '≤ 5 ms', (m) => m <= 5, `${Math.round(c.response_bytes / 1024)} KiB per response`));
      rows.push(row('context read p99', 'ms', store, c.p99_ms));
    }
    if (only.has('idle')) {
      const waits = sizes.idleRooms * sizes.idleAgents * sizes.idleWaitsPerAgent;
      log(`${store}: idle cost (${waits} pending waits, ${sizes.runs} × ${sizes.idleMs} ms)`);
      const i = (res.idle = await withServer(store, 'idle', (s) => idleCost(s, sizes)));
      rows.push(row(`idle CPU, ${i.waits} waits`, '% of a core', store, i.cpu_percent, '≈ 0 (≤ 1 %)', (m) => m <= 1, `${i.cpu_ms.median} ms CPU per ${i.idle_s} s`));
      rows.push(row(`idle RSS, ${i.waits} waits`, 'MB', store, i.rss_mb, '≤ 300 MB', (m) => m <= 300, `${Math.round(i.rss_before_waits_mb)} MB before the waits`));
    }
  }
  if (Object.keys(invokeBy).length > 1) comparisons.push(compareStores('invoke throughput', 'inv/s', invokeBy));
  if (Object.keys(wakeBy).length > 1) comparisons.push(compareStores('wake latency p50', 'ms', wakeBy));
  if (Object.keys(fanoutBy).length > 1) comparisons.push(compareStores('fan-out: all answered', 'ms', fanoutBy));
  if (Object.keys(beachBy.read).length > 1) {
    comparisons.push(compareStores('beach shaped-read throughput', 'reads/s', beachBy.read));
    comparisons.push(compareStores('beach spindled-write throughput', 'writes/s', beachBy.write));
    comparisons.push(compareStores('beach contended append throughput', 'appends/s', beachBy.append));
  }
  if (only.has('cel')) {
    log('CEL: seed expressions and cel-spec conformance');
    const speed = (results.cel = celSpeed(sizes));
    rows.push(row(`CEL: ${speed.expressions} seed expressions`, 'evals/s', null, speed.evals_per_s));
    rows.push(row('CEL: compile (uncached)', 'compiles/s', null, speed.compiles_per_s));
    const conf = (results.cel_conformance = celConformance());
    rows.push(row('CEL conformance (core, no proto)', '% passed', null, spread([100 * conf.rate]), null, undefined, `${conf.passed} of ${conf.run}; ${conf.skipped} proto tests skipped`));
  }
  if (values.smoke) for (const r of rows) r.met = null; // smoke sizes say nothing about targets
  const report = { mode: values.smoke ? 'smoke' : 'full', machine: machine(), sizes, rows, stores: comparisons, machine_load: machineLoad, results };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(table(rows, comparisons));
  const busy = Object.entries(machineLoad).map(([name, l]) => `${name} ${l.other_cores}`);
  console.log(`\ncores kept busy by other processes meanwhile: ${busy.join(', ')}`);
  console.log(`written to ${out}`);
  const missed = rows.filter((r) => r.met === false);
  if (missed.length && !values.smoke) console.log(`targets missed: ${missed.map((r) => `${r.figure} (${r.store})`).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
