// Unit tests for compileCel: parse and check stages, the invalid_cel error shape, the boolean
// option, caching, the length limit, literal safe patterns for matches() and refused internals.
import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import { compileCel, compileStored } from './compile.js';
import { CEL_LIMITS } from './environment.js';
import { runCel } from './evaluate.js';
import { celContext } from '../../../test/support/cel-context.js';

/** The SyncError compileCel throws for `source`, as its D2 wire body. */
function invalid(source: unknown, field = 'if', options: { boolean?: boolean } = {}): Record<string, unknown> {
  try {
    compileCel(source, field, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    return (error as SyncError).toBody();
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

function expectShape(body: Record<string, unknown>, field: string, stage: string): void {
  expect(body.error).toBe('invalid_cel');
  expect(body.field).toBe(field);
  expect(body.stage).toBe(stage);
  expect(typeof body.message).toBe('string');
  expect(body.message).toMatch(new RegExp(`^The ${field} expression is not valid CEL: .+\\.$`));
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  expect(typeof body.hint).toBe('string');
  expect((body.hint as string).length).toBeGreaterThan(0);
  if ('position' in body) expect(typeof body.position).toBe('number');
}

describe('compileCel: valid expressions', () => {
  it('compiles the seed expressions and reports their static type', () => {
    expect(compileCel('state._shared.turn + 1', 'expr').type).toBe('dyn');
    expect(compileCel('views["results"].size() > 0', 'if').type).toBe('bool');
    expect(compileCel('messages.unread > 0', 'if').type).toBe('bool');
    expect(compileCel('has(state.narrator.fire_lit)', 'enabled').type).toBe('bool');
    expect(compileCel('[1, 2]', 'expr').type).toBe('list<int>');
    expect(compileCel('self', 'expr').type).toBe('string');
  });

  it('keeps the source and runs against a context', () => {
    const compiled = compileCel('self + "!"', 'expr');
    expect(compiled.source).toBe('self + "!"');
    expect(compiled.run({ state: {}, views: {}, agents: {}, actions: {}, messages: {}, params: {}, self: 'bob' })).toBe('bob!');
  });

  it('caches: the same source compiles once and returns the same object', () => {
    const source = 'state._shared.cache_probe_' + Math.random().toString(36).slice(2) + ' > 0';
    const first = compileCel(source, 'if');
    expect(compileCel(source, 'enabled')).toBe(first);
    expect(compileCel(source, 'if', { boolean: true })).toBe(first);
  });

  it('accepts any variable the context has and only those', () => {
    for (const name of ['state', 'views', 'agents', 'actions', 'messages', 'params', 'self']) {
      expect(() => compileCel(name, 'expr')).not.toThrow();
    }
  });
});

describe('compileCel: the boolean option', () => {
  it('accepts bool and dyn results', () => {
    expect(() => compileCel('1 < 2', 'if', { boolean: true })).not.toThrow();
    expect(() => compileCel('state._shared.flag', 'if', { boolean: true })).not.toThrow();
  });

  it('refuses a statically non-bool result at the check stage, with a hint', () => {
    const body = invalid('1 + 2', 'enabled', { boolean: true });
    expectShape(body, 'enabled', 'check');
    expect(body.detail).toContain('int');
    expect(body.hint).toContain('>');
  });

  it('still refuses a cached non-bool expression when asked for a bool later', () => {
    expect(() => compileCel('"cached text"', 'result')).not.toThrow();
    expectShape(invalid('"cached text"', 'if', { boolean: true }), 'if', 'check');
  });
});

describe('compileCel: refused expressions', () => {
  it('refuses empty, blank and non-string sources', () => {
    for (const source of ['', '   ', 5, null, undefined, {}]) {
      const body = invalid(source, 'expr');
      expectShape(body, 'expr', 'limits');
    }
  });

  it('refuses sources over the length limit', () => {
    const source = 'true' + ' && true'.repeat(Math.ceil(CEL_LIMITS.maxSourceLength / 8));
    expect(source.length).toBeGreaterThan(CEL_LIMITS.maxSourceLength);
    const body = invalid(source, 'if');
    expectShape(body, 'if', 'limits');
    expect(body.detail).toContain(String(CEL_LIMITS.maxSourceLength));
  });

  it('reports the structural limits (nodes, depth, literal sizes) at the limits stage', () => {
    for (const source of [
      '('.repeat(CEL_LIMITS.maxDepth + 5) + '1' + ')'.repeat(CEL_LIMITS.maxDepth + 5),
      Array.from({ length: CEL_LIMITS.maxAstNodes / 2 + 50 }, () => '1').join('+'),
      '[' + Array.from({ length: CEL_LIMITS.maxListElements + 1 }, () => '1').join(',') + ']',
    ]) {
      const body = invalid(source, 'expr');
      expectShape(body, 'expr', 'limits');
      expect(body.detail).toMatch(/^Exceeded max/);
      expect(body.hint).toContain('views');
    }
  });

  it('reports syntax errors at the parse stage, with a position and a syntax hint', () => {
    for (const source of ['state._shared.x ==', 'a === b', 'state._shared | size()', '(1', 'state._shared.x = 1']) {
      const body = invalid(source, 'if');
      expectShape(body, 'if', 'parse');
      expect(typeof body.position).toBe('number');
      expect(body.hint).toMatch(/syntax/i);
    }
  });

  it('reports unknown variables at the check stage; there is no clock variable', () => {
    const body = invalid('now > 0', 'if');
    expectShape(body, 'if', 'check');
    expect(body.detail).toBe('Unknown variable: now');
    expect(body.position).toBe(0);
    expect(body.hint).toContain('no clock');
    expect(invalid('state._shared.turn > 0 && now > 1').position).toBe(26);
  });

  it('reports unknown functions and type errors at the check stage', () => {
    expectShape(invalid('foo(1)'), 'if', 'check');
    const body = invalid('1 + "a"', 'expr');
    expectShape(body, 'expr', 'check');
    expect(body.detail).toContain('int + string');
  });

  it('explains that has() takes a field selection', () => {
    const body = invalid('has(state._shared["k"])', 'enabled');
    expectShape(body, 'enabled', 'check');
    expect(body.hint).toContain('in state._shared');
  });

  it('refuses the internal __ functions', () => {
    for (const source of ['__cost_probe(1)', '[1].map(x, __cost_probe(x))']) {
      const body = invalid(source, 'expr');
      expectShape(body, 'expr', 'check');
      expect(body.detail).toContain('__cost_probe');
    }
  });
});

describe('compileCel: matches()', () => {
  it('accepts a literal, safe pattern', () => {
    expect(() => compileCel('self.matches("^a[0-9]+$")', 'if')).not.toThrow();
    expect(() => compileCel('"ab".matches("^(?:ab)+$")', 'if')).not.toThrow();
  });

  it('refuses a pattern that is not a literal', () => {
    const body = invalid('"a".matches(self)', 'if');
    expectShape(body, 'if', 'check');
    expect(body.detail).toContain('literal');
    expect(body.hint).toContain('literal');
    expectShape(invalid('"a".matches(params.p)', 'if'), 'if', 'check');
    expectShape(invalid('"a".matches("^" + "a")', 'if'), 'if', 'check');
  });

  it('refuses lookarounds, which RE2 cannot run, anywhere in the expression, with a hint', () => {
    const body = invalid(`"${'a'.repeat(300)}".matches("(?=a*a*a*b)")`, 'if');
    expectShape(body, 'if', 'check');
    expect(body.detail).toContain('(?=a*a*a*b)');
    expect(body.detail).toContain('lookaround');
    expect(body.hint).toContain('RE2');
    expectShape(invalid('[1].exists(x, "b".matches("x(?!y)"))', 'if'), 'if', 'check');
  });

  it('refuses invalid patterns and back-references with a hint that fits', () => {
    const broken = invalid('"a".matches("(")', 'if');
    expectShape(broken, 'if', 'check');
    expect(broken.detail).toContain('not a valid RE2 regular expression');
    expect(broken.hint).toContain('RE2 syntax');
    const backref = invalid('"aa".matches("^(a)\\\\1$")', 'if');
    expectShape(backref, 'if', 'check');
    expect(backref.detail).toContain('back-reference');
    expect(backref.hint).toContain('Back-references');
  });

  it('runs patterns that backtrack catastrophically in JavaScript on RE2, with the right answer', () => {
    const hostile = `"${'a'.repeat(3000)}!"`;
    const run = (source: string) => runCel(compileCel(source, 'expr'), celContext({ n: 1, s: 'x' }));
    expect(run(`${hostile}.matches("^(a+)+$")`)).toEqual({ ok: true, value: false });
    expect(run(`${hostile}.matches("^(a|aa)+!$")`)).toEqual({ ok: true, value: true });
    expect(run(`self.matches("^a(l)ice$")`)).toEqual({ ok: true, value: true });
    expect(run('state._shared.s.matches("x")')).toEqual({ ok: true, value: true });
    expect(run('state._shared.n.matches("x")')).toMatchObject({ ok: false, error: { code: 'no_matching_overload' } });
  });

  it('charges each match to the evaluation budget, in proportion to input length and pattern size', () => {
    const long = `"${'a'.repeat(3000)}"`;
    const cheap = compileCel(`${long}.matches("b")`, 'expr');
    const dear = compileCel(`${long}.matches("(?:[a-z]{90}b){10}")`, 'expr');
    expect(runCel(cheap, celContext(), 1000)).toEqual({ ok: true, value: false });
    expect(runCel(dear, celContext(), 1000)).toMatchObject({ ok: false, error: { costExceeded: true } });
  });
});

describe('compileStored', () => {
  it('returns the compiled expression, or null when it no longer compiles', () => {
    expect(compileStored('1 < 2', 'if')?.type).toBe('bool');
    expect(compileStored('1 <', 'if')).toBeNull();
  });
});
