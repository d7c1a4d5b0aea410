// The one CEL environment of agent-sync (D5): declared variables, numeric mixing, helpers,
// structural limits and the cost hook. Pure: imports only cel-js. cel-js's built-in overloads
// cannot be replaced, so compile.ts completes them on every checked AST: `matches()` runs on
// RE2 (regex.ts) and int64 division, modulo, negation and int() get their overflow checks
// (int64.ts).
import { Environment } from '@marcbachmann/cel-js';
import { installCostHook } from './cost-budget.js';

export const CEL_VARIABLES = ['state', 'views', 'agents', 'actions', 'messages', 'params', 'self'] as const;

export const CEL_LIMITS = {
  maxSourceLength: 4096,
  maxAstNodes: 2000,
  maxDepth: 64,
  maxListElements: 1000,
  maxMapEntries: 1000,
} as const;

type Num = bigint | number;
const num = (v: Num): number => Number(v);

function registerNumericMixing(env: Environment): void {
  // Whole JSON numbers are ints and the rest doubles, so `state._shared.price * 1.5` must work.
  const ops: Array<[string, (a: number, b: number) => number]> = [
    ['+', (a, b) => a + b],
    ['-', (a, b) => a - b],
    ['*', (a, b) => a * b],
    ['/', (a, b) => a / b],
  ];
  for (const [op, fn] of ops) {
    env.registerOperator(`int ${op} double: double`, (a: Num, b: Num) => fn(num(a), num(b)));
    env.registerOperator(`double ${op} int: double`, (a: Num, b: Num) => fn(num(a), num(b)));
  }
  // Registering == also covers the mirrored operand order and !=.
  env.registerOperator('int == double', (a: Num, b: Num) => num(a) === num(b));
}

function registerHelpers(env: Environment): void {
  env.registerFunction('map.keys(): list<dyn>', (m: unknown) => mapKeys(m));
  env.registerFunction('map.values(): list<dyn>', (m: unknown) => (m instanceof Map ? [...m.values()] : mapKeys(m).map((k) => (m as Record<string, unknown>)[k])));
}

function mapKeys(m: unknown): string[] {
  if (m instanceof Map) return [...m.keys()].map(String);
  return Object.keys(m as object);
}

// A macro used once at start-up to reach the iteration context and evaluator classes for the cost hook.
function registerProbe(env: Environment): void {
  env.registerFunction('__cost_probe(ast): dyn', () => ({
    typeCheck(checker: { getType(name: string): unknown }) {
      return checker.getType('dyn');
    },
    evaluate(evaluator: object, _macro: unknown, ctx: object) {
      installCostHook(Object.getPrototypeOf(ctx) as Parameters<typeof installCostHook>[0], Object.getPrototypeOf(evaluator) as Parameters<typeof installCostHook>[1]);
      return true;
    },
  }));
}

function createEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
    limits: {
      maxAstNodes: CEL_LIMITS.maxAstNodes,
      maxDepth: CEL_LIMITS.maxDepth,
      maxListElements: CEL_LIMITS.maxListElements,
      maxMapEntries: CEL_LIMITS.maxMapEntries,
    },
  });
  for (const name of ['state', 'views', 'agents', 'actions', 'messages', 'params']) env.registerVariable(name, 'map');
  env.registerVariable('self', 'string');
  registerNumericMixing(env);
  registerHelpers(env);
  registerProbe(env);
  env.evaluate('[0].map(x, __cost_probe(x))', {});
  return env;
}

export const celEnvironment: Environment = createEnvironment();
