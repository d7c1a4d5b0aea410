// Unit tests for parameter schemas (D12): registration-time validation and invocation-time
// checking (defaults, required, enum, JSON types, extra params).
import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { ParamSpec } from '../room/model.js';
import { checkParams, jsonTypeOf, validateParamSchema } from './params.js';

function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    return (error as SyncError).toBody();
  }
  throw new Error('expected a SyncError');
}

const badSchema = (raw: unknown) => thrown(() => validateParamSchema(raw));

describe('validateParamSchema', () => {
  it('accepts no schema', () => {
    expect(validateParamSchema(undefined)).toBeNull();
    expect(validateParamSchema(null)).toBeNull();
    expect(validateParamSchema({})).toEqual({});
  });

  it('accepts every D12 type, enum, required, default and description', () => {
    const raw = {
      s: { type: 'string', description: 'a name' },
      n: { type: 'number', default: 1.5 },
      i: { type: 'integer', required: true },
      b: { type: 'boolean', default: false },
      o: { type: 'object', default: { a: 1 } },
      a: { type: 'array', default: [1, 2] },
      x: { type: 'any' },
      e: { type: 'string', enum: ['rock', 'paper'], default: 'rock' },
      u: {},
    };
    expect(validateParamSchema(raw)).toEqual(raw);
  });

  it('refuses a schema that is not an object mapping names to specs', () => {
    for (const raw of ['x', 5, ['a'], true]) {
      expect(badSchema(raw)).toMatchObject({ error: 'invalid_definition', field: 'params' });
    }
    expect(badSchema({ x: 'string' })).toMatchObject({ error: 'invalid_definition', detail: 'params.x must be an object' });
    expect(badSchema({ x: null }).error).toBe('invalid_definition');
    expect(badSchema({ x: [] }).error).toBe('invalid_definition');
  });

  it('refuses bad parameter names', () => {
    for (const name of ['', 'a-b', 'a.b', 'a b', 'x'.repeat(65)]) {
      expect(badSchema({ [name]: {} }).error, name).toBe('invalid_definition');
    }
    expect(validateParamSchema({ ['x'.repeat(64)]: {}, A_9: {} })).not.toBeNull();
  });

  it('refuses unknown fields', () => {
    const body = badSchema({ n: { type: 'number', min: 0 } });
    expect(body).toMatchObject({ error: 'invalid_definition', field: 'params' });
    expect(body.detail).toContain('"min"');
    expect(body.message).toMatch(/^The params schema is not valid: .+\.$/);
  });

  it('refuses unknown types, including JavaScript typeof names that are not D12 types', () => {
    for (const type of ['float', 'int', 'bigint', 'undefined', 'function', 'null', 5, ['string']]) {
      expect(badSchema({ p: { type } }).error, String(type)).toBe('invalid_definition');
    }
  });

  it('refuses a bad enum, required or description', () => {
    expect(badSchema({ p: { enum: [] } }).detail).toContain('enum');
    expect(badSchema({ p: { enum: 'a' } }).detail).toContain('enum');
    expect(badSchema({ p: { required: 'yes' } }).detail).toContain('required');
    expect(badSchema({ p: { description: 5 } }).detail).toContain('description');
  });

  it('refuses enum values that can never pass the declared type', () => {
    expect(badSchema({ p: { type: 'integer', enum: [1, 'two'] } }).detail).toContain('enum');
    expect(validateParamSchema({ p: { type: 'number', enum: [1, 2.5] } })).not.toBeNull();
  });

  it('requires the default to fit the type and the enum', () => {
    expect(badSchema({ p: { type: 'integer', default: 1.5 } }).detail).toContain('default');
    expect(badSchema({ p: { type: 'string', default: 5 } }).detail).toContain('default');
    expect(badSchema({ p: { type: 'object', default: [] } }).detail).toContain('default');
    expect(badSchema({ p: { type: 'array', default: {} } }).detail).toContain('default');
    expect(badSchema({ p: { enum: ['a', 'b'], default: 'c' } }).detail).toContain('default');
    expect(validateParamSchema({ p: { type: 'any', default: null } })).toEqual({ p: { type: 'any', default: null } });
  });
});

describe('checkParams', () => {
  const schema = (raw: Record<string, unknown>) => validateParamSchema(raw) as Record<string, ParamSpec>;

  it('passes params through when there is no schema', () => {
    const given = { a: 1 };
    expect(checkParams(null, given)).toEqual({ a: 1 });
  });

  it('applies defaults for missing params, as deep copies', () => {
    const s = schema({ o: { type: 'object', default: { list: [1] } }, n: { type: 'number', default: 2 } });
    const first = checkParams(s, {});
    expect(first).toEqual({ o: { list: [1] }, n: 2 });
    ((first.o as JsonObject).list as Json[]).push(99);
    expect(checkParams(s, {})).toEqual({ o: { list: [1] }, n: 2 });
    expect(s.o!.default).toEqual({ list: [1] });
  });

  it('keeps a given value over the default, including null and falsy values', () => {
    const s = schema({ n: { type: 'number', default: 2 }, x: { default: 'd' } });
    expect(checkParams(s, { n: 0, x: null })).toEqual({ n: 0, x: null });
    expect(checkParams(s, { x: '' })).toEqual({ n: 2, x: '' });
  });

  it('refuses a missing required param with 400 missing_param', () => {
    const s = schema({ target: { type: 'string', required: true } });
    expect(thrown(() => checkParams(s, {}))).toMatchObject({ error: 'missing_param', param: 'target' });
    expect(checkParams(s, { target: 'x' })).toEqual({ target: 'x' });
    // A default satisfies required.
    expect(checkParams(schema({ t: { required: true, default: 'd' } }), {})).toEqual({ t: 'd' });
  });

  it('checks the enum first, with param, value and allowed', () => {
    const s = schema({ move: { type: 'string', enum: ['rock', 'paper', 'scissors'] } });
    expect(checkParams(s, { move: 'rock' })).toEqual({ move: 'rock' });
    expect(thrown(() => checkParams(s, { move: 'lizard' }))).toMatchObject({
      error: 'invalid_param',
      param: 'move',
      value: 'lizard',
      allowed: ['rock', 'paper', 'scissors'],
    });
    // A value of the wrong type outside the enum is reported as an enum failure.
    expect(thrown(() => checkParams(s, { move: 5 })).error).toBe('invalid_param');
  });

  it('compares enum members structurally', () => {
    const s = schema({ pos: { enum: [{ x: 1, y: 2 }, [1, 2]] } });
    expect(checkParams(s, { pos: { y: 2, x: 1 } })).toEqual({ pos: { y: 2, x: 1 } });
    expect(checkParams(s, { pos: [1, 2] })).toEqual({ pos: [1, 2] });
    expect(thrown(() => checkParams(s, { pos: [2, 1] })).error).toBe('invalid_param');
  });

  it('checks JSON types with param, expected and actual', () => {
    const s = schema({ s: { type: 'string' } });
    expect(thrown(() => checkParams(s, { s: 42 }))).toMatchObject({ error: 'invalid_param_type', param: 's', expected: 'string', actual: 'integer' });
    expect(thrown(() => checkParams(s, { s: true }))).toMatchObject({ actual: 'boolean' });
  });

  it('number accepts integers and fractions; integer rejects 1.5', () => {
    const s = schema({ n: { type: 'number' }, i: { type: 'integer' } });
    expect(checkParams(s, { n: 3, i: 3 })).toEqual({ n: 3, i: 3 });
    expect(checkParams(s, { n: 1.5, i: -7 })).toEqual({ n: 1.5, i: -7 });
    expect(thrown(() => checkParams(s, { i: 1.5 }))).toMatchObject({ error: 'invalid_param_type', param: 'i', expected: 'integer', actual: 'number' });
    expect(thrown(() => checkParams(s, { n: '3' }))).toMatchObject({ error: 'invalid_param_type', expected: 'number', actual: 'string' });
  });

  it('array accepts arrays; object rejects arrays and null', () => {
    const s = schema({ a: { type: 'array' }, o: { type: 'object' } });
    expect(checkParams(s, { a: [], o: {} })).toEqual({ a: [], o: {} });
    expect(thrown(() => checkParams(s, { o: [] }))).toMatchObject({ error: 'invalid_param_type', param: 'o', expected: 'object', actual: 'array' });
    expect(thrown(() => checkParams(s, { o: null }))).toMatchObject({ error: 'invalid_param_type', param: 'o', expected: 'object', actual: 'null' });
    expect(thrown(() => checkParams(s, { a: { 0: 1 } }))).toMatchObject({ error: 'invalid_param_type', param: 'a', expected: 'array', actual: 'object' });
  });

  it('boolean and any', () => {
    const s = schema({ b: { type: 'boolean' }, x: { type: 'any' } });
    expect(checkParams(s, { b: false, x: null })).toEqual({ b: false, x: null });
    expect(thrown(() => checkParams(s, { b: 'true' }))).toMatchObject({ error: 'invalid_param_type', expected: 'boolean', actual: 'string' });
    for (const x of [1, 'a', [1], { a: 1 }, true]) expect(checkParams(s, { x })).toEqual({ x });
  });

  it('lets extra params through, untouched', () => {
    const s = schema({ n: { type: 'integer', default: 1 } });
    expect(checkParams(s, { extra: 'yes', other: { deep: [1] } })).toEqual({ n: 1, extra: 'yes', other: { deep: [1] } });
  });

  it('treats params named like Object.prototype members as ordinary params', () => {
    const s = schema(JSON.parse('{"constructor": {"type": "string", "default": "c"}, "toString": {"required": true}, "__proto__": {"type": "integer", "default": 3}}'));
    expect(Object.keys(s)).toEqual(['constructor', 'toString', '__proto__']);
    expect(thrown(() => checkParams(s, {}))).toMatchObject({ error: 'missing_param', param: 'toString' });
    const out = checkParams(s, { toString: 1 });
    expect(out.constructor).toBe('c');
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(3);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('does not mutate the given params', () => {
    const s = schema({ n: { default: 1 } });
    const given: JsonObject = { a: 1 };
    checkParams(s, given);
    expect(given).toEqual({ a: 1 });
  });
});

describe('jsonTypeOf', () => {
  it('names JSON values', () => {
    expect(jsonTypeOf(null)).toBe('null');
    expect(jsonTypeOf([])).toBe('array');
    expect(jsonTypeOf({})).toBe('object');
    expect(jsonTypeOf(1)).toBe('integer');
    expect(jsonTypeOf(1.5)).toBe('number');
    expect(jsonTypeOf('s')).toBe('string');
    expect(jsonTypeOf(false)).toBe('boolean');
  });
});
