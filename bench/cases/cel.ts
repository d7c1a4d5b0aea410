// CEL speed: the seeds' expressions (conditions, gates, enabled predicates, views) compiled once
// through src/core/cel and evaluated against a room-shaped context, as the server does.
import { compileCel, runCel, toCel } from '../../src/core/cel/index.js';
import { spread, type Spread } from '../lib/stats.js';
import type { Sizes } from '../sizes.js';

/**
 * From the seeds' patterns (turn-based game, fan-out/fan-in, voting, pipeline, watchdog,
 * A Dark Room, nomad). The seeds' `state._view.x` is written `views.x` here, as in this API.
 */
export const SEED_EXPRESSIONS = [
  'state._shared.currentPlayer == "white"',
  'state._shared.tasks_done == state._shared.tasks_total',
  'state._shared.votes_for + state._shared.votes_against >= state._shared.quorum',
  'views.quorum_met == true',
  'state._shared.phase == "voting" && views.quorum_met == true',
  'state._shared.pipeline_stage == "processing"',
  '"Alice: " + string(state.alice.score) + " | Bob: " + string(state.bob.score)',
  'state._shared.needs_recompute == true',
  'agents["worker-1"].status == "waiting"',
  'has(state.narrator.fire_lit)',
  '!has(state.narrator.fire_lit)',
  'state._shared.wood > 0',
  'has(agents.path)',
  'state._shared.wood >= 10',
  'state.narrator.nomad_present == true',
  'state._shared.fur >= 1',
  'views["results"].size() > 0',
  'state._shared.filter(k, k.endsWith(".result"))',
] as const;

export function seedContext(): object {
  const shared = {
    currentPlayer: 'white', turn: 12, phase: 'voting', tasks_done: 2, tasks_total: 3, votes_for: 2, votes_against: 1, quorum: 3,
    pipeline_stage: 'processing', data: 'raw data collected', needs_recompute: false, wood: 7, fur: 1, 'alice.result': '42', 'bob.result': '17',
  };
  const agent = (status: string) => ({ name: status, role: 'agent', status, waiting_on: null, last_heartbeat: '2026-01-01T00:00:00.000Z' });
  return {
    state: { _shared: toCel(shared), alice: toCel({ score: 3 }), bob: toCel({ score: 5 }), narrator: toCel({ fire_lit: true, nomad_present: true }) },
    views: { quorum_met: true, results: ['alice.result', 'bob.result'] },
    agents: { 'worker-1': toCel(agent('waiting')), path: toCel(agent('active')), narrator: toCel(agent('active')) },
    actions: {},
    messages: { count: 4n, unread: 1n, directed_unread: 0n },
    params: {},
    self: 'alice',
  };
}

export interface CelSpeedResult {
  /** All seed expressions, evaluated in turn. */
  evals_per_s: Spread;
  /** Compiling (parse, check, deps) an expression not in the cache. */
  compiles_per_s: Spread;
  per_expression: Array<{ expr: string; evals_per_s: number }>;
  expressions: number;
}

export function celSpeed(sizes: Sizes): CelSpeedResult {
  const ctx = seedContext();
  const compiled = SEED_EXPRESSIONS.map((e) => compileCel(e, 'bench'));
  for (const c of compiled) {
    const out = runCel(c, ctx);
    if (!out.ok) throw new Error(`cel: ${c.source} failed: ${out.error.detail}`);
  }
  const n = sizes.celIterations;
  const all: number[] = [];
  const compiles: number[] = [];
  const per = new Map<string, number[]>();
  for (let run = 0; run < sizes.runs; run++) {
    let t0 = performance.now();
    for (let i = 0; i < n; i++) runCel(compiled[i % compiled.length]!, ctx);
    all.push((n * 1000) / (performance.now() - t0));
    for (const c of compiled) {
      const m = Math.max(1, Math.floor(n / compiled.length));
      t0 = performance.now();
      for (let i = 0; i < m; i++) runCel(c, ctx);
      per.set(c.source, [...(per.get(c.source) ?? []), (m * 1000) / (performance.now() - t0)]);
    }
    // A trailing comment makes each source new to the compile cache without changing its meaning.
    const m = Math.max(1, Math.floor(n / 100));
    t0 = performance.now();
    for (let i = 0; i < m; i++) compileCel(`${SEED_EXPRESSIONS[i % SEED_EXPRESSIONS.length]} // ${run}.${i}`, 'bench');
    compiles.push((m * 1000) / (performance.now() - t0));
  }
  return {
    evals_per_s: spread(all),
    compiles_per_s: spread(compiles),
    per_expression: [...per].map(([expr, runs]) => ({ expr, evals_per_s: spread(runs).median })),
    expressions: compiled.length,
  };
}
