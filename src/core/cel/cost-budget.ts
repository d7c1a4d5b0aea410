// The evaluation cost limit (D5): every evaluated node of a CEL evaluation spends one unit of a
// per-evaluation budget, every comprehension step STEP_COST, an error absorbed by `||`, `&&`,
// `exists` or `all` spends ERROR_COST, and a string, list or bytes built by an operator or a
// function spends one unit per 64 bytes it allocates. Running out aborts the evaluation with a
// clear error that nothing can absorb. Deterministic: no clock is read.
// cel-js exposes no hook for this, so the counter wraps the iteration context's `setIterValue`
// and the evaluator's `run` and `tryEval`, reached once through a probe macro (see installCostHook).

export const DEFAULT_STEP_BUDGET = 1_000_000;

/** A comprehension step; the default budget allows at most 100 000 of them. */
const STEP_COST = 10;

/** Building an error object (with its stack) costs about as much as this many nodes. */
const ERROR_COST = 100;

/** Nodes whose result may be a newly allocated string, list or bytes value. */
const ALLOCATING = new Set(['+', 'call', 'rcall', 'list']);

export class CostExceeded extends Error {
  constructor(readonly budget: number) {
    super(`evaluation exceeded its cost limit of ${budget} units`);
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

/** Spend `units` of the running evaluation's budget (a no-op outside one). */
export function chargeCost(units: number): void {
  spend(units);
}

/**
 * Run `fn` with a budget of its own, apart from any evaluation in progress (whose budget is left
 * untouched), and report the units it spent (at most `budget`). Derived state and waits use it,
 * so one agent's expression never spends another request's budget.
 */
export function withOwnBudget<T>(budget: number, fn: () => T): { value: T; spent: number } {
  const outer = { remaining: state.remaining, budget: state.budget };
  state.remaining = budget;
  state.budget = budget;
  try {
    const value = fn();
    return { value, spent: Math.min(budget, budget - state.remaining) };
  } finally {
    state.remaining = outer.remaining;
    state.budget = outer.budget;
  }
}

type IterContext = { setIterValue(value: unknown, evaluator: unknown): unknown };
type AstNode = { op: string };
type EvaluatorLike = { run(ast: AstNode, ctx: unknown): unknown; tryEval(ast: AstNode, ctx: unknown): unknown };

let hooked = false;

function spend(units: number): void {
  state.remaining -= units;
  if (state.remaining < 0) throw new CostExceeded(state.budget);
}

// One unit per 64 bytes: strings and bytes by length, lists by 8-byte slots.
function allocationCost(value: unknown): number {
  if (typeof value === 'string') return value.length >>> 6;
  if (Array.isArray(value)) return value.length >>> 3;
  if (value instanceof Uint8Array) return value.length >>> 6;
  return 0;
}

/** Wrap the iteration context and evaluator prototypes once; later calls are no-ops. */
export function installCostHook(iterationContextPrototype: IterContext, evaluatorPrototype: EvaluatorLike): void {
  if (hooked) return;
  hooked = true;
  const setIterValue = iterationContextPrototype.setIterValue;
  iterationContextPrototype.setIterValue = function (this: IterContext, value: unknown, evaluator: unknown) {
    spend(STEP_COST);
    return setIterValue.call(this, value, evaluator);
  };
  const run = evaluatorPrototype.run;
  evaluatorPrototype.run = function (this: EvaluatorLike, ast: AstNode, ctx: unknown) {
    spend(1);
    const result = run.call(this, ast, ctx);
    if (ALLOCATING.has(ast.op)) spend(allocationCost(result));
    return result;
  };
  const tryEval = evaluatorPrototype.tryEval;
  evaluatorPrototype.tryEval = function (this: EvaluatorLike, ast: AstNode, ctx: unknown) {
    const result = tryEval.call(this, ast, ctx);
    // CEL absorbs errors in `||`, `&&`, `exists` and `all`; running out of budget is not absorbed.
    if (result instanceof CostExceeded) throw result;
    if (result instanceof Error) spend(ERROR_COST);
    return result;
  };
}

export function isCostHookInstalled(): boolean {
  return hooked;
}
