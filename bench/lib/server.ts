// Start the built server as a child process for one benchmark and read its CPU time and
// RSS from /proc, so the figures describe the server alone, not the load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import postgres from 'postgres';

export type StoreKind = 'sqlite' | 'memory' | 'postgres';

/** The PostgreSQL the `postgres` store kind uses (each run gets a schema of its own in it). */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  /** BENCH_DATABASE_URL with the schema as its search_path: what a server gets as DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty schema for one benchmark run; drop() removes it with everything in it. */
export async function freshSchema(): Promise<BenchSchema> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(BENCH_DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  await admin.unsafe(`CREATE SCHEMA ${name}`);
  const url = new URL(BENCH_DATABASE_URL);
  url.searchParams.set('search_path', name);
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end({ timeout: 5 });
    },
  };
}

export interface BenchServer {
  url: string;
  pid: number;
  store: StoreKind;
  /** User + system CPU time of the whole server process, in milliseconds (10 ms resolution). */
  cpuMs(): number;
  /** Resident set size in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');
// `npm run bench` compiles the server here rather than into dist/, so that a build or clean run
// by someone else in a shared work tree cannot change or remove it mid-benchmark.
const MAIN = join(ROOT, 'bench/results/build/server/main.js');
const CLOCK_TICKS_PER_S = 100; // `getconf CLK_TCK` on Linux x86-64 and arm64

export interface ServerOptions {
  store: StoreKind;
  /** The built server entry to run (default: this tree's build). */
  main?: string;
  waitMaxMs?: number;
  /** Extra node flags for the server, e.g. ['--cpu-prof', '--cpu-prof-dir=…'] to profile it. */
  nodeFlags?: string[];
  /** postgres: the database (and schema) to share with other servers; default: a fresh schema of its own. */
  databaseUrl?: string;
}

export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-sync-bench-'));
  const main = options.main ?? MAIN;
  if (!existsSync(main)) throw new Error(`${main} is missing: run the benchmarks with \`npm run bench\`, which builds it`);
  const args = [...(options.nodeFlags ?? []), main, '--port', '0', '--data-dir', dataDir, '--store', options.store, '--log-level', 'warn', '--wait-max-ms', String(options.waitMaxMs ?? 120_000)];
  const schema = options.store === 'postgres' && !options.databaseUrl ? await freshSchema() : null;
  const databaseUrl = options.databaseUrl ?? schema?.url ?? '';
  // One load generator is one client address: its beach budgets are raised far past any run (kept on, so
  // their cost is measured). By environment, which builds older than the limits ignore (the A/B runs).
  const unlimited = { BEACH_READS_PER_MINUTE: '1000000', BEACH_WRITES_PER_MINUTE: '1000000', BEACH_CREATES_PER_HOUR: '1000000' };
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...unlimited, DATABASE_URL: options.store === 'postgres' ? databaseUrl : '' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const url = await listening(child, () => output, exited);
  const pid = child.pid!;
  return {
    url,
    pid,
    store: options.store,
    cpuMs: () => cpuMs(pid),
    rssMb: () => rssMb(pid),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // The server logs at warn level: anything it printed is worth seeing.
      const logged = output.replace(/agent-sync listening.*\n/, '').trim();
      if (logged) console.error(`[bench] the ${options.store} server logged:\n${logged.slice(0, 4000)}`);
      rmSync(dataDir, { recursive: true, force: true });
      await schema?.drop();
    },
  };
}

function listening(child: ChildProcess, output: () => string, exited: Promise<void>): Promise<string> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${output()}`)), 20_000);
    const onData = () => {
      const match = /agent-sync listening on (http:\/\/\S+)/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      res(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then(() => rej(new Error(`server exited early:\n${output()}`)));
  });
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Resolve once the server has used no CPU for `quietMs` (all requests sent so far are handled). */
export async function untilQuiet(server: BenchServer, quietMs = 200, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = server.cpuMs();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const now = server.cpuMs();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
  throw new Error('the server never went quiet');
}

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
