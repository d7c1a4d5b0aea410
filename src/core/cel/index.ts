// Public surface of the CEL layer.
export { compileCel, compileStored } from './compile.js';
export type { CompiledExpression, CelStage } from './compile.js';
export { runCel, runCelMetered, holds, evaluateToJson, evaluationError, jsonOutcome } from './evaluate.js';
export type { Outcome, JsonOutcome, EvalFailure } from './evaluate.js';
export { toCel, fromCel, lazyCelMap, NotJson } from './cel-values.js';
export type { CelValue, CelMap } from './cel-values.js';
export { extractDeps, stateKeyDep, scopeDep, ANY, SELF } from './deps.js';
export type { Dep } from './deps.js';
export { CEL_LIMITS, CEL_VARIABLES } from './environment.js';
export { hintFor } from './hints.js';
export { CostExceeded, DEFAULT_STEP_BUDGET, withBudget, withOwnBudget } from './cost-budget.js';
