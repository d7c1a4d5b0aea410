// Closed-loop load: N workers each send a request, wait for its answer and send the next; the
// rate counts answers that arrive inside the measured window.

export interface LoadResult {
  perSecond: number;
  completed: number;
  failures: number;
  /** Every answer, warm-up and the last in-flight ones included (to divide a whole run's CPU time by). */
  answered: number;
}

/** Run `op` from `workers` concurrent loops for warmupMs + durationMs; measure the last durationMs. */
export async function closedLoop(workers: number, warmupMs: number, durationMs: number, op: (worker: number) => Promise<boolean>): Promise<LoadResult> {
  const start = performance.now() + warmupMs;
  const end = start + durationMs;
  let completed = 0;
  let failures = 0;
  let answered = 0;
  const loop = async (worker: number) => {
    for (;;) {
      const ok = await op(worker);
      answered++;
      const now = performance.now();
      if (now > end) return;
      if (now < start) continue;
      if (ok) completed++;
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => loop(i)));
  return { perSecond: (completed * 1000) / durationMs, completed, failures, answered };
}
