// `npm run bench:ab -- --base <rev>`: invoke throughput and wake latency of this tree against
// another commit, measured in one run with the two servers alternating (A B, B A, …), so that
// whatever else the machine does falls on both sides alike. Prints medians and the ratio.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { throughput } from './cases/throughput.js';
import { wakeLatency } from './cases/wake.js';
import { startServer, type StoreKind } from './lib/server.js';
import { median } from './lib/stats.js';
import { FULL, SMOKE } from './sizes.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD~1' },
    rounds: { type: 'string', default: '5' },
    store: { type: 'string', default: 'sqlite' },
    smoke: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const store = values.store as StoreKind;
// One run per round and side: the rounds are the repetitions.
const sizes = { ...(values.smoke ? SMOKE : FULL), runs: 1 };

const log = (message: string) => process.stderr.write(`[bench:ab] ${message}\n`);

/** Check out `rev` beside the tree, compile its server with this tree's packages, return its entry. */
function buildBase(rev: string): { main: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sync-ab-'));
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune'], { cwd: ROOT, stdio: 'ignore' });
  };
  execFileSync('git', ['worktree', 'add', '--detach', dir, rev], { cwd: ROOT, stdio: 'ignore' });
  try {
    return { main: compile(dir, rev), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

function compile(dir: string, rev: string): string {
  // Same lockfile: share this tree's packages; otherwise start from a copy and let npm add or
  // remove what differs (the compiled SQLite driver is kept when its version is the same).
  if (readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  } else {
    cpSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(dir, 'build'), '--tsBuildInfoFile', join(dir, 'build.tsbuildinfo')], { cwd: dir, stdio: 'inherit' });
  const main = join(dir, 'build/server/main.js');
  if (!existsSync(main)) throw new Error(`${rev} built no server/main.js`);
  return main;
}

async function measure(main: string): Promise<{ invoke: number; invokeCpuUs: number; wakeP50: number; wakeP99: number }> {
  const a = await startServer({ store, main });
  try {
    const t = await throughput(a, sizes);
    return { invoke: t.invoke.median, invokeCpuUs: t.invoke_cpu_us.median, ...(await wake(main)) };
  } finally {
    await a.stop();
  }
}

async function wake(main: string): Promise<{ wakeP50: number; wakeP99: number }> {
  const server = await startServer({ store, main });
  try {
    const w = await wakeLatency(server, sizes);
    return { wakeP50: w.p50_ms.median, wakeP99: w.p99_ms.median };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const baseRev = execFileSync('git', ['rev-parse', '--short', values.base], { cwd: ROOT, encoding: 'utf8' }).trim();
  const headRev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const head = join(ROOT, 'bench/results/build/server/main.js');
  log(`building ${baseRev}`);
  const base = buildBase(baseRev);
  const sides = { base: [] as Awaited<ReturnType<typeof measure>>[], head: [] as Awaited<ReturnType<typeof measure>>[] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order: Array<'base' | 'head'> = round % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
      for (const side of order) {
        log(`round ${round + 1}/${rounds}: ${side}`);
        sides[side].push(await measure(side === 'base' ? base.main : head));
      }
    }
  } finally {
    base.cleanup();
  }
  const figure = (key: 'invoke' | 'invokeCpuUs' | 'wakeP50' | 'wakeP99') => ({ base: median(sides.base.map((r) => r[key])), head: median(sides.head.map((r) => r[key])) });
  const rows = [
    ['invoke throughput (inv/s, higher is better)', figure('invoke')],
    ['server CPU per invocation (µs, lower is better)', figure('invokeCpuUs')],
    ['wake latency p50 (ms, lower is better)', figure('wakeP50')],
    ['wake latency p99 (ms, lower is better)', figure('wakeP99')],
  ] as const;
  console.log(`A/B on ${store}, ${rounds} alternating rounds: base ${baseRev} vs head ${headRev} (medians)`);
  for (const [name, f] of rows) console.log(`  ${name}: base ${f.base.toFixed(3)}  head ${f.head.toFixed(3)}  head/base ×${(f.head / f.base).toFixed(3)}`);
  const out = join(ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, values.smoke ? 'ab-smoke.json' : 'ab.json'), `${JSON.stringify({ base: baseRev, head: headRev, store, rounds, sizes, sides }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
