// Unit tests for the evaluation cost limit (D5): runaway expressions stop quickly with
// costExceeded (even when CEL would absorb the error), and the budget resets afterwards.
import { celContext } from '../../../test/support/cel-context.js';
import { describe, expect, it } from 'vitest';
import { compileCel } from './compile.js';
import { CostExceeded, DEFAULT_STEP_BUDGET, isCostHookInstalled, withBudget, withOwnBudget } from './cost-budget.js';
import { evaluateToJson, runCel, runCelMetered } from './evaluate.js';
import { SyncError } from '../errors.js';

const L = 'state._shared.l';

function context(shared: Record<string, unknown> = {}) {
  return celContext({ l: Array.from({ length: 1000 }, (_, i) => i), s: 'abc', ...shared });
}

/**
 * The evaluation ends with the cost limit's error (no wall-clock check: speed is for the benchmarks;
 * that the limit is what stopped it is the behaviour, and it bounds the work by construction).
 */
function expectStopped(source: string, ctx = context()): void {
  const outcome = runCel(compileCel(source, 'expr'), ctx);
  expect(outcome.ok, source).toBe(false);
  if (!outcome.ok) {
    expect(outcome.error.costExceeded, outcome.error.detail).toBe(true);
    expect(outcome.error.code).toBe('cost');
    expect(outcome.error.detail).toContain('cost limit');
  }
}

function expectValue(source: string, value: unknown, ctx = context()): void {
  const outcome = runCel(compileCel(source, 'expr'), ctx);
  expect(outcome.ok ? outcome.value : outcome.error.detail, source).toEqual(value);
}

describe('cost budget', () => {
  it('is installed when the environment is created', () => {
    expect(isCostHookInstalled()).toBe(true);
  });

  it('stops nested comprehensions over 1000-element lists quickly', () => {
    expectStopped(`${L}.all(x, ${L}.all(y, ${L}.all(z, true)))`);
    expectStopped(`${L}.exists(x, ${L}.exists(y, ${L}.exists(z, z < 0)))`);
    expectStopped(`${L}.map(x, ${L}.map(y, ${L}.map(z, x + y + z))).size()`);
    expectStopped(`${L}.filter(x, ${L}.filter(y, ${L}.filter(z, z < 0).size() > 0).size() > 0)`);
    expectStopped(`${L}.exists_one(x, ${L}.exists_one(y, ${L}.exists_one(z, z < 0)))`);
  });

  it('cannot be absorbed by || or by exists/all (CEL error absorption)', () => {
    expectStopped(`${L}.exists(x, ${L}.exists(y, ${L}.exists(z, z < 0)) || true)`);
    expectStopped(`${L}.exists(x, ${L}.exists(y, ${L}.exists(z, z < 0))) || true`);
    expectStopped(`true && ${L}.all(x, ${L}.all(y, ${L}.all(z, z >= 0)) && true)`);
  });

  it('charges errors absorbed inside comprehensions, so error-heavy loops stop quickly too', () => {
    expectStopped(`${L}.all(a, ${L}.all(b, a / 0 == 1 || true))`, context());
    expectStopped(`${L}.all(a, ${L}.all(b, state._shared.nope == 1 || true))`, context());
  });

  it('charges evaluated nodes, so a large body inside a double loop stops quickly', () => {
    const body = Array.from({ length: 200 }, (_, i) => `a+b<-${i}`).join('||');
    expectStopped(`${L}.exists(a, ${L}.exists(b, ${body}))`, context());
  });

  it('charges allocated data, so doubling a list or a string cannot exhaust memory', () => {
    const doubling = (start: string, n: number) => {
      let inner = `x${n}.size()`;
      for (let i = n; i >= 1; i--) inner = `cel.bind(x${i}, x${i - 1} + x${i - 1}, ${inner})`;
      return `cel.bind(x0, ${start}, ${inner})`;
    };
    expectStopped(doubling(L, 24));
    expectStopped(doubling('state._shared.s', 28));
    expectStopped(`${L}.map(x, state._shared.big + state._shared.big).size()`, context({ big: 'x'.repeat(1_000_000) }));
  });

  it('resets after a runaway evaluation, so the next evaluation works', () => {
    expectStopped(`${L}.all(x, ${L}.all(y, ${L}.all(z, true)))`);
    expectValue(`${L}.size()`, 1000n);
    expectValue(`${L}.filter(x, x > 997)`, [998n, 999n]);
    // Repeatedly: every evaluation gets a fresh budget.
    for (let i = 0; i < 3; i++) {
      expectStopped(`${L}.exists(x, ${L}.exists(y, ${L}.exists(z, z < 0)))`);
      expectValue(`${L}.map(x, x * 2).size()`, 1000n);
    }
  });

  it('lets ordinary expressions over large data through', () => {
    expectValue(`${L}.map(x, x * 2).filter(y, y % 3 == 0).size()`, 334n);
    expectValue(`${L}.exists(x, ${L}.exists(y, x + y == 3))`, true);
    expectValue(`${L}.all(x, x >= 0) && ${L}.exists_one(x, x == 999)`, true);
    expectValue('state._shared.big.size()', 1_000_000n, context({ big: 'x'.repeat(1_000_000) }));
  });

  it('takes a smaller budget when asked, and a budget of zero stops any comprehension', () => {
    const compiled = compileCel(`${L}.filter(x, x < 10).size()`, 'expr');
    expect(runCel(compiled, context(), 100).ok).toBe(false);
    expect(runCel(compiled, context(), DEFAULT_STEP_BUDGET).ok).toBe(true);
    const outcome = runCel(compiled, context(), 0);
    expect(outcome.ok).toBe(false);
  });

  it('surfaces as a 400 cel_cost_exceeded SyncError through evaluateToJson', () => {
    const compiled = compileCel(`${L}.all(x, ${L}.all(y, ${L}.all(z, true)))`, 'if');
    try {
      evaluateToJson(compiled, context(), 'if', { action: 'a' });
      throw new Error('expected a cost error');
    } catch (error) {
      expect(error).toBeInstanceOf(SyncError);
      const body = (error as SyncError).toBody();
      expect(body).toMatchObject({ error: 'cel_cost_exceeded', field: 'if', action: 'a', expression: compiled.source });
      expect(typeof body.hint).toBe('string');
    }
  });
});

describe('withBudget', () => {
  it('shares the outer budget with nested calls and restores an unlimited budget afterwards', () => {
    const compiled = compileCel(`${L}.filter(x, x < 10).size()`, 'expr');
    expect(() =>
      withBudget(10, () => {
        // The inner call asks for a large budget but shares the outer one.
        return withBudget(DEFAULT_STEP_BUDGET, () => compiled.run(context()));
      }),
    ).toThrow(CostExceeded);
    // Outside any budget the hooks are inert.
    expect(compiled.run(context())).toBe(10n);
  });

  it('restores the unlimited budget when the function throws', () => {
    expect(() =>
      withBudget(5, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(compileCel(`${L}.size()`, 'expr').run(context())).toBe(1000n);
  });
});

describe('budgets of their own', () => {
  it('run apart from an enclosing budget, leave it untouched, and report their cost', () => {
    const cheap = compileCel(`${L}.size() == 1000`, 'expr');
    const costly = compileCel(`${L}.all(x, ${L}.all(y, true))`, 'expr');
    withBudget(500, () => {
      // The enclosing budget (500 units) would not allow a 1000-step loop; an own budget does.
      const own = runCelMetered(compileCel(`${L}.all(x, true)`, 'expr'), context(), 20_000);
      expect(own.outcome).toEqual({ ok: true, value: true });
      expect(own.cost).toBeGreaterThan(10_000);
      // An own budget that runs out fails only itself, reporting its whole budget as spent.
      const stopped = runCelMetered(costly, context(), 5_000);
      expect(stopped.outcome.ok).toBe(false);
      expect(stopped.cost).toBe(5_000);
      // The enclosing evaluation still has its 500 units.
      expect(runCel(cheap, context())).toEqual({ ok: true, value: true });
    });
    expect(withOwnBudget(10, () => 'x')).toEqual({ value: 'x', spent: 0 });
  });
});
