// Unit tests for runCel/holds/evaluateToJson and the D5 environment: every seed expression
// works as written against a context built the way the engine builds it.
import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import type { Json } from '../json.js';
import { compileCel } from './compile.js';
import { toCel } from './cel-values.js';
import { evaluateToJson, evaluationError, holds, runCel } from './evaluate.js';

interface Parts {
  shared?: Record<string, Json>;
  scopes?: Record<string, Record<string, Json>>;
  views?: Record<string, Json>;
  agents?: Record<string, Json>;
  actions?: Record<string, Json>;
  messages?: { count: number; unread: number; directed_unread: number };
  params?: Record<string, Json>;
  self?: string;
}

/** A context shaped like the engine's: values converted with toCel, counters as BigInt. */
function context(parts: Parts = {}) {
  const state: Record<string, unknown> = { _shared: toCel(parts.shared ?? {}) };
  for (const [scope, entries] of Object.entries(parts.scopes ?? {})) state[scope] = toCel(entries);
  const m = parts.messages ?? { count: 0, unread: 0, directed_unread: 0 };
  return {
    state,
    views: toCel(parts.views ?? {}),
    agents: toCel(parts.agents ?? {}),
    actions: toCel(parts.actions ?? {}),
    messages: { count: BigInt(m.count), unread: BigInt(m.unread), directed_unread: BigInt(m.directed_unread) },
    params: toCel(parts.params ?? {}),
    self: parts.self ?? 'alice',
  };
}

function json(source: string, parts: Parts = {}): Json {
  return evaluateToJson(compileCel(source, 'expr'), context(parts), 'expr');
}

function failure(source: string, parts: Parts = {}) {
  const outcome = runCel(compileCel(source, 'expr'), context(parts));
  if (outcome.ok) throw new Error(`expected ${source} to fail, got ${String(outcome.value)}`);
  return outcome.error;
}

describe('D5: the seed expressions work as written', () => {
  it('adds an int to a stored whole number', () => {
    expect(json('state._shared.turn + 1', { shared: { turn: 3 } })).toBe(4);
    expect(json('state._shared.turn - 1 == 2', { shared: { turn: 3 } })).toBe(true);
  });

  it('counts view results', () => {
    expect(json('views["results"].size() > 0', { views: { results: ['a'] } })).toBe(true);
    expect(json('views["results"].size() > 0', { views: { results: [] } })).toBe(false);
    expect(json('size(views.results)', { views: { results: { a: 1, b: 2 } } })).toBe(2);
  });

  it('compares message counters', () => {
    expect(json('messages.unread > 0')).toBe(false);
    expect(json('messages.unread > 0', { messages: { count: 3, unread: 2, directed_unread: 1 } })).toBe(true);
    expect(json('messages.count + messages.directed_unread', { messages: { count: 3, unread: 2, directed_unread: 1 } })).toBe(4);
  });

  it('tests presence with has()', () => {
    expect(json('has(state.narrator.fire_lit)', { scopes: { narrator: { fire_lit: true } } })).toBe(true);
    expect(json('has(state.narrator.fire_lit)', { scopes: { narrator: { other: 1 } } })).toBe(false);
    expect(json('has(state._shared.missing)')).toBe(false);
  });

  it('sums votes against a quorum', () => {
    const shared = { votes_for: 2, votes_against: 1, quorum: 3 };
    expect(json('state._shared.votes_for + state._shared.votes_against >= state._shared.quorum', { shared })).toBe(true);
    expect(json('state._shared.votes_for + state._shared.votes_against >= state._shared.quorum', { shared: { ...shared, quorum: 4 } })).toBe(false);
  });

  it('mixes ints and doubles', () => {
    expect(json('state._shared.turn * 1.5', { shared: { turn: 3 } })).toBe(4.5);
    expect(json('state._shared.price + 1', { shared: { price: 1.5 } })).toBe(2.5);
    expect(json('state._shared.price * state._shared.turn', { shared: { price: 1.5, turn: 2 } })).toBe(3);
    expect(json('state._shared.turn / 2.0', { shared: { turn: 3 } })).toBe(1.5);
    expect(json('1 - 1.5')).toBe(-0.5);
    expect(json('1 == 1.0')).toBe(true);
    expect(json('1.0 == 1')).toBe(true);
    expect(json('1 != 1.0')).toBe(false);
    expect(json('state._shared.turn == 3.0', { shared: { turn: 3 } })).toBe(true);
    expect(json('state._shared.turn < state._shared.price', { shared: { turn: 1, price: 1.5 } })).toBe(true);
    expect(json('state._shared.turn == state._shared.price', { shared: { turn: 1, price: 1.5 } })).toBe(false);
  });

  it('keeps integer arithmetic integral', () => {
    expect(json('7 / 2')).toBe(3);
    expect(json('state._shared.turn % 2', { shared: { turn: 3 } })).toBe(1);
  });

  it('lists the keys and values of a map', () => {
    const shared = { m: { a: 1, b: [1, 2.5] } };
    expect(json('state._shared.m.keys()', { shared })).toEqual(['a', 'b']);
    expect(json('state._shared.m.values()', { shared })).toEqual([1, [1, 2.5]]);
    expect(json('state._shared.keys().filter(k, k.startsWith("x"))', { shared: { x1: 1, y: 2, x2: 3 } })).toEqual(['x1', 'x2']);
    expect(json('{"a": 1}.keys()')).toEqual(['a']);
  });

  it('reads with optional access', () => {
    expect(json('state._shared.?x.orValue(0)')).toBe(0);
    expect(json('state._shared.?x.orValue(0) + 1', { shared: { x: 4 } })).toBe(5);
    expect(json('state._shared.?a.?b.orValue("none")', { shared: { a: { c: 1 } } })).toBe('none');
  });

  it('supports key presence, comprehensions and self', () => {
    expect(json('"turn" in state._shared', { shared: { turn: 1 } })).toBe(true);
    expect(json('state._shared.filter(k, k.endsWith(".result"))', { shared: { 'a.result': 1, b: 2 } })).toEqual(['a.result']);
    expect(json('self == "bob"', { self: 'bob' })).toBe(true);
    expect(json('params.n * 2', { params: { n: 21 } })).toBe(42);
    expect(json('agents.bob.status == "waiting"', { agents: { bob: { status: 'waiting' } } })).toBe(true);
    expect(json('actions.vote.available', { actions: { vote: { enabled: true, available: true } } })).toBe(true);
  });

  it('returns nested results as plain JSON (no BigInt anywhere)', () => {
    const value = json('{"n": size(state._shared.l), "l": state._shared.l.map(x, x * 2)}', { shared: { l: [1, 2] } });
    expect(value).toEqual({ n: 2, l: [2, 4] });
    expect(JSON.stringify(value)).toBe('{"n":2,"l":[2,4]}');
  });

  it('refuses the unknown variable now at compile time', () => {
    expect(() => compileCel('now', 'expr')).toThrow(SyncError);
    expect(() => compileCel('state._shared.deadline < now', 'if')).toThrow(/Unknown variable: now/);
  });
});

describe('runCel', () => {
  it('returns the raw CEL value on success', () => {
    const outcome = runCel(compileCel('state._shared.turn', 'expr'), context({ shared: { turn: 3 } }));
    expect(outcome).toEqual({ ok: true, value: 3n });
  });

  it('catches evaluation errors with their code and detail', () => {
    expect(failure('state._shared.missing')).toEqual({ code: 'no_such_key', detail: 'No such key: missing', costExceeded: false });
    expect(failure('state.nosuch.x').detail).toBe('No such key: nosuch');
    expect(failure('1 / 0').code).toBe('division_by_zero');
    expect(failure('state._shared.s + 1', { shared: { s: 'x' } }).detail).toContain('no such overload');
  });
});

describe('holds', () => {
  it('is true only for exactly true; errors and other values are false', () => {
    const ctx = context({ shared: { turn: 3, name: 'x' } });
    expect(holds(compileCel('state._shared.turn > 2', 'if'), ctx)).toBe(true);
    expect(holds(compileCel('state._shared.turn > 5', 'if'), ctx)).toBe(false);
    expect(holds(compileCel('state._shared.missing > 5', 'if'), ctx)).toBe(false);
    expect(holds(compileCel('state._shared.turn', 'if'), ctx)).toBe(false);
    expect(holds(compileCel('state._shared.name', 'if'), ctx)).toBe(false);
  });
});

describe('evaluateToJson', () => {
  it('throws 400 cel_error with field, expression, detail, hint and the extra details', () => {
    const compiled = compileCel('state._shared.missing == 1', 'if');
    let caught: unknown;
    try {
      evaluateToJson(compiled, context(), 'if', { action: 'vote' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SyncError);
    const body = (caught as SyncError).toBody();
    expect(body).toEqual({
      error: 'cel_error',
      message: 'The if expression failed: No such key: missing.',
      field: 'if',
      expression: 'state._shared.missing == 1',
      detail: 'No such key: missing',
      hint: expect.stringContaining('has(state._shared.key)'),
      action: 'vote',
    });
  });

  it('gives type errors a hint that says how to fix them (D5)', () => {
    try {
      evaluateToJson(compileCel('state._shared.s + 1', 'expr'), context({ shared: { s: 'x' } }), 'expr');
      throw new Error('expected a type error');
    } catch (error) {
      expect((error as SyncError).toBody().hint).toMatch(/int\(\)|double\(\)|string\(\)/);
    }
  });
});

describe('integer overflow', () => {
  it('is an evaluation error with a hint to use double()', () => {
    const ctx = context({ shared: { n: 9e17 } });
    try {
      evaluateToJson(compileCel('state._shared.n * 100', 'expr'), ctx, 'expr');
      throw new Error('expected an overflow');
    } catch (error) {
      expect((error as SyncError).toBody()).toMatchObject({ error: 'cel_error', hint: expect.stringContaining('double()') });
    }
    expect(json('double(state._shared.n) * 100.0', { shared: { n: 9e17 } })).toBe(9e19);
  });
});

describe('int64 semantics: every overflow is an error (cel-spec)', () => {
  const MIN = '-9223372036854775808';
  const failure = (source: string, shared: Record<string, Json> = {}) => runCel(compileCel(source, 'expr'), context({ shared }));

  it('refuses MIN / -1, MIN % -1 and -MIN, literal or stored, with code numeric_overflow', () => {
    for (const source of [`${MIN} / -1`, `${MIN} % -1`, `-(${MIN})`, 'state._shared.min / -1', 'state._shared.min % -1', '-state._shared.min']) {
      expect(failure(source, { min: -(2 ** 63) }), source).toMatchObject({ ok: false, error: { code: 'numeric_overflow', detail: expect.stringContaining('overflow') } });
    }
    for (const source of ['9223372036854775807 + 1', `${MIN} - 1`, '4611686018427387904 * 2']) {
      expect(failure(source), source).toMatchObject({ ok: false, error: { code: 'numeric_overflow' } });
    }
  });

  it('refuses int() of a double outside the int64 range', () => {
    for (const source of ['int(9.3e18)', 'int(-9.3e18)', 'int(1e300)']) {
      expect(failure(source), source).toMatchObject({ ok: false, error: { code: 'numeric_overflow' } });
    }
  });

  it('keeps the neighbouring cases exact', () => {
    expect(json(`${MIN} / 1 == ${MIN}`)).toBe(true);
    expect(json(`${MIN} % 1`)).toBe(0);
    expect(json('7 % -1')).toBe(0);
    expect(json('-9 / -1')).toBe(9);
    expect(json('-(-5)')).toBe(5);
    expect(json('int(-3.7)')).toBe(-3);
    expect(json(`(${MIN} / -1 == 0) || true`)).toBe(true);
  });

  it('gives an overflow a cel_error with the double() hint', () => {
    expect(() => json(`${MIN} / -1`)).toThrow(SyncError);
    try {
      json(`${MIN} / -1`);
    } catch (error) {
      expect((error as SyncError).toBody()).toMatchObject({ error: 'cel_error', detail: expect.stringContaining('overflow'), hint: expect.stringContaining('double()') });
    }
  });
});

describe('results JSON cannot hold', () => {
  it('are a cel_error with a hint, never the string "Infinity"', () => {
    for (const source of ['1.0 / 0.0', '-1.0 / 0.0', '0.0 / 0.0', '[1, 1.0 / 0.0]', '{"a": 0.0 / 0.0}', 'double("inf")', '1e308 * 10.0']) {
      let caught: unknown;
      try {
        json(source);
      } catch (error) {
        caught = error;
      }
      expect(caught, source).toBeInstanceOf(SyncError);
      expect((caught as SyncError).toBody(), source).toMatchObject({ error: 'cel_error', detail: expect.stringMatching(/(Infinity|NaN), which JSON cannot hold/), hint: expect.stringContaining('JSON has no Infinity') });
    }
  });

  it('may still be used inside an expression', () => {
    expect(json('1.0 / 0.0 > 1e308')).toBe(true);
    expect(json('0.0 / 0.0 == 0.0 / 0.0')).toBe(false);
  });
});

describe('evaluationError', () => {
  it('maps a cost failure to cel_cost_exceeded and anything else to cel_error', () => {
    const cost = evaluationError({ code: 'cost', detail: 'too much', costExceeded: true }, 'expr', 'x', { key: 'k' });
    expect(cost.code).toBe('cel_cost_exceeded');
    expect(cost.toBody()).toMatchObject({ field: 'expr', expression: 'x', detail: 'too much', key: 'k' });
    const plain = evaluationError({ code: 'division_by_zero', detail: 'division by zero', costExceeded: false }, 'result', '1/0');
    expect(plain.code).toBe('cel_error');
    expect(plain.toBody().hint).toContain('divisor');
  });
});
