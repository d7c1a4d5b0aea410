// Evaluate a compiled expression under the cost budget and convert the result to JSON. Pure.
import { SyncError } from '../errors.js';
import type { Json } from '../json.js';
import type { CompiledExpression } from './compile.js';
import { CostExceeded, DEFAULT_STEP_BUDGET, withBudget, withOwnBudget } from './cost-budget.js';
import { fromCel, NotJson } from './cel-values.js';
import { hintFor } from './hints.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: EvalFailure };
export type JsonOutcome = { ok: true; value: Json } | { ok: false; error: EvalFailure };

export interface EvalFailure {
  readonly code: string;
  readonly detail: string;
  readonly costExceeded: boolean;
}

/** Run an expression, catching evaluation errors (the raw CEL value is returned on success). */
export function runCel(compiled: CompiledExpression, context: object, budget = DEFAULT_STEP_BUDGET): Outcome {
  try {
    return { ok: true, value: withBudget(budget, () => compiled.run(context)) };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

/**
 * Run an expression with a budget of its own (not the enclosing request's) and report what it
 * cost; a run that exceeded the budget reports the whole budget.
 */
export function runCelMetered(compiled: CompiledExpression, context: object, budget: number): { outcome: Outcome; cost: number } {
  const { value, spent } = withOwnBudget(budget, (): Outcome => {
    try {
      return { ok: true, value: compiled.run(context) };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  });
  return { outcome: value, cost: !value.ok && value.error.costExceeded ? budget : spent };
}

/** A condition holds only when the expression evaluates to exactly `true`; errors count as false. */
export function holds(compiled: CompiledExpression, context: object): boolean {
  const outcome = runCel(compiled, context);
  return outcome.ok && outcome.value === true;
}

/** An outcome as JSON: a result JSON cannot hold (Infinity, NaN) becomes a failure, never a string. */
export function jsonOutcome(outcome: Outcome): JsonOutcome {
  if (!outcome.ok) return outcome;
  try {
    return { ok: true, value: fromCel(outcome.value) };
  } catch (error) {
    if (error instanceof NotJson) return { ok: false, error: { code: error.code, detail: error.message, costExceeded: false } };
    throw error;
  }
}

/** Evaluate to JSON, or throw the SyncError a failed evaluation means for this field. */
export function evaluateToJson(compiled: CompiledExpression, context: object, field: string, extra: Record<string, unknown> = {}): Json {
  const outcome = jsonOutcome(runCel(compiled, context));
  if (!outcome.ok) throw evaluationError(outcome.error, field, compiled.source, extra);
  return outcome.value;
}

export function evaluationError(failure: EvalFailure, field: string, expression: string, extra: Record<string, unknown> = {}): SyncError {
  if (failure.costExceeded) {
    return new SyncError('cel_cost_exceeded', `The ${field} expression ran past its cost limit and was stopped.`, {
      field,
      expression,
      detail: failure.detail,
      hint: hintFor('cost'),
      ...extra,
    });
  }
  return new SyncError('cel_error', `The ${field} expression failed: ${failure.detail}.`, {
    field,
    expression,
    detail: failure.detail,
    hint: hintFor(failure.code, failure.detail),
    ...extra,
  });
}

function describe(error: unknown): EvalFailure {
  if (error instanceof CostExceeded) return { code: 'cost', detail: error.message, costExceeded: true };
  const e = error as { code?: string; summary?: string; message?: string };
  return { code: e.code ?? 'evaluation_error', detail: e.summary ?? e.message ?? String(error), costExceeded: false };
}
