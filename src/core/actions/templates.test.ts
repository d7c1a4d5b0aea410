// Unit tests for write-template placeholders (D4): exact placeholders keep their JSON type,
// embedded ones render as text, one pass only, and unknown placeholders are refused.
import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { asText, checkTemplateString, checkTemplateValue, renderText, renderValue, type TemplateVars } from './templates.js';

const NOW = '2030-01-02T03:04:05.000Z';

function vars(params: JsonObject = {}, self = 'alice'): TemplateVars {
  return { self, now: NOW, params };
}

function refused(fn: () => void): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    return (error as SyncError).toBody();
  }
  throw new Error('expected invalid_template');
}

describe('renderValue: an exact placeholder keeps the JSON type', () => {
  it('numbers, booleans, null, strings that look like numbers', () => {
    expect(renderValue('${params.n}', vars({ n: 42 }))).toBe(42);
    expect(renderValue('${params.n}', vars({ n: 1.5 }))).toBe(1.5);
    expect(renderValue('${params.b}', vars({ b: false }))).toBe(false);
    expect(renderValue('${params.z}', vars({ z: null }))).toBe(null);
    expect(renderValue('${params.s}', vars({ s: '42' }))).toBe('42');
  });

  it('objects and arrays stay objects and arrays', () => {
    expect(renderValue('${params.o}', vars({ o: { a: [1, { b: 2 }] } }))).toEqual({ a: [1, { b: 2 }] });
    expect(renderValue('${params.l}', vars({ l: [1, 'x'] }))).toEqual([1, 'x']);
  });

  it('a missing parameter becomes null', () => {
    expect(renderValue('${params.missing}', vars())).toBe(null);
    expect(renderValue('${params.a.b}', vars({ a: 1 }))).toBe(null);
  });

  it('self, now and dotted parameters', () => {
    expect(renderValue('${self}', vars({}, 'bob'))).toBe('bob');
    expect(renderValue('${now}', vars())).toBe(NOW);
    expect(renderValue('${params.a.b}', vars({ a: { b: 7 } }))).toBe(7);
    expect(renderValue('${params.a.b.c}', vars({ a: { b: { c: [1] } } }))).toEqual([1]);
  });

  it('never reads inherited properties of the params object', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(renderValue(`\${params.${name}}`, vars({ n: 1 })), name).toBe(null);
      expect(renderValue(`\${params.o.${name}}`, vars({ o: { n: 1 } })), name).toBe(null);
      expect(renderText(`x\${params.${name}}y`, vars()), name).toBe('xy');
    }
    expect(renderValue('${params.constructor}', vars({ constructor: 5 }))).toBe(5);
  });
});

describe('renderValue and renderText: placeholders inside text render as text', () => {
  it('numbers, booleans, strings and null', () => {
    expect(renderValue('n=${params.n}', vars({ n: 42 }))).toBe('n=42');
    expect(renderValue('${params.a}${params.b}', vars({ a: 1, b: 2 }))).toBe('12');
    expect(renderValue('ok: ${params.b}', vars({ b: true }))).toBe('ok: true');
    expect(renderValue('[${params.z}]', vars({ z: null }))).toBe('[]');
    expect(renderValue('hello ${params.name}!', vars({ name: 'bob' }))).toBe('hello bob!');
  });

  it('objects and arrays as JSON text', () => {
    expect(renderValue('o=${params.o}', vars({ o: { a: 1 } }))).toBe('o={"a":1}');
    expect(renderValue('l=${params.l}', vars({ l: [1, 'x'] }))).toBe('l=[1,"x"]');
  });

  it('a missing parameter renders as empty text', () => {
    expect(renderValue('x${params.missing}y', vars())).toBe('xy');
    expect(renderText('${params.missing}', vars())).toBe('');
  });

  it('self, now and dotted parameters', () => {
    expect(renderText('${self}.result', vars({}, 'carol'))).toBe('carol.result');
    expect(renderText('at ${now}', vars())).toBe(`at ${NOW}`);
    expect(renderText('roles.${params.role.id}', vars({ role: { id: 'scout' } }))).toBe('roles.scout');
  });

  it('renderText renders an exact placeholder as text too (scopes, keys, if_version)', () => {
    expect(renderText('${params.n}', vars({ n: 42 }))).toBe('42');
    expect(renderText('${params.o}', vars({ o: { a: 1 } }))).toBe('{"a":1}');
  });

  it('is a single pass: inserted text is never expanded again', () => {
    expect(renderValue('say ${params.t}', vars({ t: '${self}' }))).toBe('say ${self}');
    expect(renderValue('${params.t}', vars({ t: '${self}' }))).toBe('${self}');
    expect(renderValue('${params.o}', vars({ o: { k: '${now}' } }))).toEqual({ k: '${now}' });
    expect(renderValue({ '${params.k}': 1 }, vars({ k: '${self}' }))).toEqual({ '${self}': 1 });
  });

  it('leaves text without placeholders, and unterminated placeholders, alone', () => {
    expect(renderValue('plain', vars())).toBe('plain');
    expect(renderValue('cost $5', vars())).toBe('cost $5');
    expect(renderValue('${params.x', vars({ x: 1 }))).toBe('${params.x');
  });
});

describe('renderValue: deep templates', () => {
  it('substitutes every string at any depth and keeps other leaves', () => {
    const template: Json = { who: '${self}', n: '${params.n}', list: ['${params.n}', 'n=${params.n}', 3, true, null], deep: { at: '${now}' } };
    expect(renderValue(template, vars({ n: 5 }))).toEqual({ who: 'alice', n: 5, list: [5, 'n=5', 3, true, null], deep: { at: NOW } });
  });

  it('substitutes object keys as text', () => {
    expect(renderValue({ '${self}': '${params.v}', 'k_${params.n}': 1 }, vars({ v: [1], n: 2 }))).toEqual({ alice: [1], k_2: 1 });
  });

  it('keeps a key that renders to __proto__ as a plain own key', () => {
    const out = renderValue({ '${params.k}': { polluted: true } }, vars({ k: '__proto__' })) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('missing exact placeholders inside containers become null', () => {
    expect(renderValue(['${params.x}', { a: '${params.y}' }], vars())).toEqual([null, { a: null }]);
  });

  it('does not mutate the template', () => {
    const template = { a: '${params.n}', b: ['${self}'] };
    renderValue(template, vars({ n: 1 }));
    expect(template).toEqual({ a: '${params.n}', b: ['${self}'] });
  });

  it('passes undefined and non-string scalars through', () => {
    expect(renderValue(undefined, vars())).toBeUndefined();
    expect(renderValue(7, vars())).toBe(7);
    expect(renderValue(null, vars())).toBe(null);
  });
});

describe('checkTemplateString and checkTemplateValue', () => {
  it('accept the known placeholders', () => {
    for (const text of ['${self}', '${now}', '${params.x}', '${params.a_b.C9}', 'k.${params.a}.${self}', 'no placeholders', '$notone', '${params.x']) {
      expect(() => checkTemplateString(text, 'writes[0].key'), text).not.toThrow();
    }
  });

  it('refuse unknown placeholders with 400 invalid_template naming the placeholder', () => {
    for (const name of ['foo', 'params', 'params.', 'params..a', 'params.a.', 'params.a-b', ' self ', 'SELF', '', 'state._shared.x', 'params.a b']) {
      const body = refused(() => checkTemplateString(`x\${${name}}y`, 'writes[0].key'));
      expect(body).toMatchObject({ error: 'invalid_template', field: 'writes[0].key', placeholder: `\${${name}}` });
      expect(body.message).toContain(`\${${name}}`);
      expect(typeof body.hint).toBe('string');
    }
  });

  it('checkTemplateValue walks arrays, objects and object keys', () => {
    expect(() => checkTemplateValue({ a: ['${self}', { b: '${params.x}' }], n: 1, z: null }, 'writes[0].value')).not.toThrow();
    expect(refused(() => checkTemplateValue(['ok', { b: '${foo}' }], 'writes[0].value'))).toMatchObject({ field: 'writes[0].value[1].b', placeholder: '${foo}' });
    expect(refused(() => checkTemplateValue({ '${params}': 1 }, 'writes[0].merge'))).toMatchObject({ field: 'writes[0].merge', placeholder: '${params}' });
    expect(refused(() => checkTemplateValue('${params.}', 'writes[0].value'))).toMatchObject({ placeholder: '${params.}' });
    expect(() => checkTemplateValue(undefined, 'writes[0].value')).not.toThrow();
    expect(() => checkTemplateValue(5, 'writes[0].value')).not.toThrow();
  });
});

describe('helpers', () => {
  it('asText renders values for text', () => {
    expect(asText(undefined)).toBe('');
    expect(asText(null)).toBe('');
    expect(asText('s')).toBe('s');
    expect(asText(0)).toBe('0');
    expect(asText(false)).toBe('false');
    expect(asText({ a: [1] })).toBe('{"a":[1]}');
  });

});
