// The evaluation cost limit (D5): every comprehension step of a CEL evaluation spends one unit
// of a per-evaluation budget; running out aborts the evaluation with a clear error.
// cel-js exposes no hook for this, so the step counter wraps the iteration context's
// `setIterValue`, reached once through a probe macro (see installCostHook).

export const DEFAULT_STEP_BUDGET = 100_000;

export class CostExceeded extends Error {
  constructor(readonly budget: number) {
    super(`evaluation exceeded its cost limit of ${budget} comprehension steps`);
    this.name = 'CostExceeded';
  }
}

const state = { remaining: Number.POSITIVE_INFINITY, budget: DEFAULT_STEP_BUDGET };

/** Run `fn` with a fresh step budget; nested calls share the outer budget. */
export function withBudget<T>(budget: number, fn: () => T): T {
  if (Number.isFinite(state.remaining)) return fn();
  state.remaining = budget;
  state.budget = budget;
  try {
    return fn();
  } finally {
    state.remaining = Number.POSITIVE_INFINITY;
  }
}

type IterContext = { setIterValue(value: unknown, evaluator: unknown): unknown };

let hooked = false;

/** Wrap the iteration context prototype once; later calls are no-ops. */
export function installCostHook(iterationContextPrototype: IterContext): void {
  if (hooked) return;
  hooked = true;
  const original = iterationContextPrototype.setIterValue;
  iterationContextPrototype.setIterValue = function (this: IterContext, value: unknown, evaluator: unknown) {
    if (--state.remaining < 0) throw new CostExceeded(state.budget);
    return original.call(this, value, evaluator);
  };
}

export function isCostHookInstalled(): boolean {
  return hooked;
}
