// Summary statistics for benchmark samples: percentiles, and the median of several runs with
// its spread (min–max and interquartile range).

export interface Spread {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  runs: number[];
}

/** Percentile by linear interpolation between closest ranks; `p` in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** The figure across runs: median, min–max and IQR of the per-run values. */
export function spread(runs: readonly number[]): Spread {
  return {
    median: median(runs),
    min: Math.min(...runs),
    max: Math.max(...runs),
    q1: percentile(runs, 25),
    q3: percentile(runs, 75),
    runs: [...runs],
  };
}

/** Round for display and JSON: 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

export function roundSpread(s: Spread): Spread {
  return { median: round(s.median), min: round(s.min), max: round(s.max), q1: round(s.q1), q3: round(s.q3), runs: s.runs.map(round) };
}
