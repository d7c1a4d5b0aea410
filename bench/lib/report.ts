// The benchmark report: rows with targets, a plain-text table, and the JSON written to
// bench/results/. Store comparisons are keyed by store name so PostgreSQL can join later.
import { cpus, totalmem, type } from 'node:os';
import { execSync } from 'node:child_process';
import { round, roundSpread, type Spread } from './stats.js';

export interface Row extends Spread {
  figure: string;
  unit: string;
  store: string | null;
  target: string | null;
  /** null when the row has no target. */
  met: boolean | null;
  note?: string;
}

export type Check = (median: number) => boolean;

export function row(figure: string, unit: string, store: string | null, s: Spread, target: string | null = null, check?: Check, note?: string): Row {
  const r = roundSpread(s);
  return { figure, unit, store, median: r.median, min: r.min, max: r.max, q1: r.q1, q3: r.q3, runs: r.runs, target, met: check ? check(s.median) : null, ...(note ? { note } : {}) };
}

/** One figure measured on every store, with each store's ratio to the first (the baseline). */
export interface StoreComparison {
  figure: string;
  unit: string;
  baseline: string;
  by_store: Record<string, { median: number; min: number; max: number; ratio_to_baseline: number }>;
}

export function compareStores(figure: string, unit: string, byStore: Record<string, Spread>): StoreComparison {
  const names = Object.keys(byStore);
  const base = byStore[names[0]!]!.median;
  const out: StoreComparison = { figure, unit, baseline: names[0]!, by_store: {} };
  for (const name of names) {
    const s = byStore[name]!;
    out.by_store[name] = { median: round(s.median), min: round(s.min), max: round(s.max), ratio_to_baseline: round(s.median / base) };
  }
  return out;
}

export function machine(): Record<string, unknown> {
  let commit = 'unknown';
  let dirty: boolean | null = null;
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // The server is built from the work tree, so uncommitted changes under src/ are measured too.
    dirty = execSync('git status --porcelain -- src', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: type(),
    node: process.version,
    commit,
    src_uncommitted_changes: dirty,
    date: new Date().toISOString(),
  };
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(n));

export function table(rows: Row[], comparisons: StoreComparison[]): string {
  const lines = [['figure', 'store', 'median', 'min–max', 'IQR', 'target', 'met', 'note']];
  for (const r of rows) {
    const met = r.met === null ? '' : r.met ? 'yes' : 'NO';
    lines.push([r.figure, r.store ?? '', `${fmt(r.median)} ${r.unit}`, `${fmt(r.min)}–${fmt(r.max)}`, `${fmt(r.q1)}–${fmt(r.q3)}`, r.target ?? '', met, r.note ?? '']);
  }
  const out = [align(lines)];
  if (comparisons.length) {
    const stores = Object.keys(comparisons[0]!.by_store);
    const cmp = [['stores (median, ratio to first)', ...stores]];
    for (const c of comparisons) cmp.push([`${c.figure} (${c.unit})`, ...stores.map((name) => (c.by_store[name] ? `${fmt(c.by_store[name].median)} (×${c.by_store[name].ratio_to_baseline})` : ''))]);
    out.push(align(cmp));
  }
  return out.join('\n\n');
}

function align(lines: string[][]): string {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
