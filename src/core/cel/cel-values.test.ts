// Unit tests for the JSON ↔ CEL value conversion (D5): ints as BigInt, doubles as numbers,
// CEL-only values (timestamps, durations, bytes, uint, optionals, types) rendered as JSON.
import { celContext } from '../../../test/support/cel-context.js';
import { describe, expect, it } from 'vitest';
import { compileCel } from './compile.js';
import { runCel } from './evaluate.js';
import { fromCel, lazyCelMap, toCel } from './cel-values.js';

function evalRaw(source: string, shared: Record<string, unknown> = {}): unknown {
  const context = celContext(shared);
  const outcome = runCel(compileCel(source, 'expr'), context);
  if (!outcome.ok) throw new Error(outcome.error.detail);
  return outcome.value;
}

const asJson = (source: string, shared: Record<string, unknown> = {}) => fromCel(evalRaw(source, shared));

describe('toCel', () => {
  it('turns whole numbers into BigInt and keeps other numbers as doubles', () => {
    expect(toCel(3)).toBe(3n);
    expect(toCel(-7)).toBe(-7n);
    expect(toCel(0)).toBe(0n);
    expect(toCel(1.5)).toBe(1.5);
    expect(toCel(-0.25)).toBe(-0.25);
  });

  it('leaves strings, booleans and null alone, and strings that look like numbers stay strings (D3)', () => {
    expect(toCel('42')).toBe('42');
    expect(toCel(true)).toBe(true);
    expect(toCel(null)).toBe(null);
    expect(toCel(undefined)).toBe(undefined);
  });

  it('converts nested lists and maps recursively into new containers, objects into Maps', () => {
    const input = { a: [1, 2.5, { b: 3 }], c: { d: [4] }, e: 'x' };
    const out = toCel(input) as Map<string, unknown>;
    const map = (entries: Array<[string, unknown]>) => new Map(entries);
    expect(out).toEqual(map([['a', [1n, 2.5, map([['b', 3n]])]], ['c', map([['d', [4n]]])], ['e', 'x']]));
    expect(out).not.toBe(input);
    expect(input.a[0]).toBe(1); // the input is not mutated
  });

  it('keeps whole numbers outside the int64 range as doubles, so arithmetic on them still works', () => {
    expect(typeof toCel(1e20)).toBe('number');
    expect(typeof toCel(-1e20)).toBe('number');
    expect(asJson('state._shared.big + 1', { big: 1e20 })).toBe(1e20);
    expect(asJson('state._shared.big > 0', { big: 1e20 })).toBe(true);
    expect(toCel(2 ** 53)).toBe(2n ** 53n);
  });
});

describe('fromCel', () => {
  it('turns BigInt back into JSON numbers and keeps doubles', () => {
    expect(fromCel(3n)).toBe(3);
    expect(fromCel(-3n)).toBe(-3);
    expect(fromCel(2.5)).toBe(2.5);
  });

  it('converts nested BigInts inside lists and maps (sync-core §10.3 Rec.)', () => {
    expect(fromCel([1n, [2n, { x: 3n }]])).toEqual([1, [2, { x: 3 }]]);
    expect(asJson('[1, 2]')).toEqual([1, 2]);
    expect(asJson('{"n": size([1, 2, 3]), "l": [1, {"m": 2}]}')).toEqual({ n: 3, l: [1, { m: 2 }] });
    expect(() => JSON.stringify(asJson('{"n": [1, 2]}'))).not.toThrow();
  });

  it('round-trips JSON values through CEL unchanged', () => {
    const value = { turn: 3, price: 1.5, name: 'x', ok: true, nothing: null, list: [1, 'a', [2.5]], map: { k: { n: 1 } } };
    expect(fromCel(toCel(value))).toEqual(value);
    expect(asJson('state._shared.v', { v: value })).toEqual(value);
  });

  it('renders CEL maps with non-string keys using string keys', () => {
    expect(asJson('{1: "a", 2: "b"}')).toEqual({ 1: 'a', 2: 'b' });
    expect(fromCel(new Map<unknown, unknown>([[1n, 2n], ['k', [3n]]]))).toEqual({ 1: 2, k: [3] });
  });

  it('renders timestamps as ISO strings', () => {
    expect(asJson('timestamp("2024-01-01T00:00:00Z")')).toBe('2024-01-01T00:00:00.000Z');
    expect(asJson('timestamp("2024-01-01T00:00:00Z") + duration("90s")')).toBe('2024-01-01T00:01:30.000Z');
  });

  it('renders durations as CEL duration text', () => {
    expect(asJson('duration("3s")')).toBe('3s');
    expect(asJson('duration("1h30m")')).toBe('5400s');
    expect(asJson('duration("1.5s")')).toBe('1.5s');
    expect(asJson('duration("-1.5s")')).toBe('-1.5s');
    expect(asJson('duration("-3s")')).toBe('-3s');
    expect(asJson('duration("250ms")')).toBe('0.25s');
    expect(asJson('duration("-250ms")')).toBe('-0.25s');
  });

  it('renders bytes as base64', () => {
    expect(asJson('b"abc"')).toBe('YWJj');
    expect(asJson('b"ab"')).toBe('YWI=');
    expect(asJson('b"a"')).toBe('YQ==');
    expect(asJson('b""')).toBe('');
    expect(fromCel(new Uint8Array([0, 255]))).toBe('AP8=');
  });

  it('renders uint as a number', () => {
    expect(asJson('uint(5)')).toBe(5);
    expect(asJson('[uint(7)]')).toEqual([7]);
  });

  it('renders optionals as their value, or null when empty', () => {
    expect(asJson('state._shared.?x', {})).toBe(null);
    expect(asJson('state._shared.?x', { x: 2 })).toBe(2);
    expect(asJson('optional.of([1, 2])')).toEqual([1, 2]);
    expect(asJson('optional.none()')).toBe(null);
    expect(asJson('[1, 2][?5]')).toBe(null);
  });

  it('renders types by their CEL name', () => {
    expect(asJson('type(1)')).toBe('int');
    expect(asJson('type("a")')).toBe('string');
    expect(asJson('type(state._shared.m)', { m: { a: 1 } })).toBe('map');
  });

  it('keeps a JSON key named __proto__ as an ordinary key both ways', () => {
    const input = JSON.parse('{"__proto__": {"n": 1}, "a": 2}') as Record<string, unknown>;
    const cel = toCel(input as never) as Map<string, unknown>;
    expect([...cel.keys()]).toEqual(['__proto__', 'a']);
    const back = fromCel(cel) as Record<string, unknown>;
    expect(JSON.stringify(back)).toBe('{"__proto__":{"n":1},"a":2}');
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('gives keys named like Object.prototype members no special meaning in CEL', () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];
    const shared = JSON.parse(`{${names.map((n, i) => `"${n}": {"${n}": ${i}}`).join(', ')}}`) as Record<string, unknown>;
    for (const [i, name] of names.entries()) {
      expect(asJson(`state._shared["${name}"]["${name}"]`, shared), name).toBe(i);
      expect(asJson(`"${name}" in state._shared && state._shared.size() == ${names.length}`, shared), name).toBe(true);
      expect(asJson(`state._shared.exists(k, k == "${name}")`, shared), name).toBe(true);
      expect(asJson(`"${name}" in state._shared.other`, { other: { x: 1 } }), name).toBe(false);
    }
    expect(asJson('state._shared.keys()', shared)).toEqual(names);
    expect(asJson('state._shared.values().size()', shared)).toBe(names.length);
    expect(asJson('has(state._shared.constructor) && has(state._shared.toString)', shared)).toBe(true);
    expect(asJson('has(state._shared.constructor)', {})).toBe(false);
    expect(JSON.stringify(fromCel(evalRaw('state._shared', shared)))).toBe(JSON.stringify(shared));
  });

  it('keeps such keys in map literals (cel-js alone drops constructor, __proto__ and prototype)', () => {
    expect(JSON.stringify(asJson('{"constructor": 1, "__proto__": 2, "prototype": 3, "toString": 4}'))).toBe('{"constructor":1,"__proto__":2,"prototype":3,"toString":4}');
    expect(asJson('"constructor" in {"constructor": 1} && {"constructor": 1}.constructor == 1')).toBe(true);
    expect(asJson('{"a": {"b": 2}}.a.b + {1: 5}[1]')).toBe(7);
    expect(asJson('{"a": 1} == state._shared && {}.size() == 0', { a: 1 })).toBe(true);
  });

  it('maps undefined to null', () => {
    expect(fromCel(undefined)).toBe(null);
  });
});


describe('lazyCelMap', () => {
  it('is a Map whose values are computed only when read, by get, iteration or CEL', () => {
    const computed: string[] = [];
    const map = lazyCelMap(['a', 'constructor'], (key) => (computed.push(key), `${key}!`));
    expect(map).toBeInstanceOf(Map);
    expect(map.size).toBe(2);
    expect(computed).toEqual([]);
    expect(map.get('constructor')).toBe('constructor!');
    expect(map.get('missing')).toBeUndefined();
    expect(computed).toEqual(['constructor']);
    expect([...map]).toEqual([['a', 'a!'], ['constructor', 'constructor!']]);
    expect([...map.values()]).toEqual(['a!', 'constructor!']);
    const context = { ...celContext(), views: map };
    const outcome = runCel(compileCel('views["a"] + views.constructor + string(views.size())', 'expr'), context);
    expect(outcome).toEqual({ ok: true, value: 'a!constructor!2' });
    expect(fromCel(map)).toEqual({ a: 'a!', constructor: 'constructor!' });
  });
});
