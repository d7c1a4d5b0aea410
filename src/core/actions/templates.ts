// Write-template placeholders (D4): `${self}`, `${now}`, `${params.NAME}` and `${params.a.b}`.
// A string that is exactly one placeholder takes the value's JSON type; inside longer text the
// value is rendered as text. Unknown placeholders are refused when an action is registered. Pure.
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isPlainObject } from '../json.js';

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const EXACT = /^\$\{([^}]*)\}$/;
const VALID = /^(?:self|now|params\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)$/;

export interface TemplateVars {
  self: string;
  now: string;
  params: JsonObject;
}

/** Throw `400 invalid_template` if any placeholder in the string is not one we know. */
export function checkTemplateString(text: string, field: string): void {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!VALID.test(name)) {
      throw new SyncError('invalid_template', `The ${field} template uses the unknown placeholder \${${name}}.`, {
        field,
        placeholder: `\${${name}}`,
        hint: 'Placeholders are ${self}, ${now}, ${params.NAME} and ${params.NAME.FIELD}.',
      });
    }
  }
}

/** Check every string (and object key) inside a JSON template. */
export function checkTemplateValue(value: Json | undefined, field: string): void {
  if (typeof value === 'string') checkTemplateString(value, field);
  else if (Array.isArray(value)) value.forEach((v, i) => checkTemplateValue(v, `${field}[${i}]`));
  else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      checkTemplateString(k, field);
      checkTemplateValue(v as Json, `${field}.${k}`);
    }
  }
}

function lookup(name: string, vars: TemplateVars): Json | undefined {
  if (name === 'self') return vars.self;
  if (name === 'now') return vars.now;
  let current: Json | undefined = vars.params;
  for (const part of name.slice('params.'.length).split('.')) {
    // Own properties only: `${params.constructor}` must not reach Object.prototype.
    if (!isPlainObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = (current as JsonObject)[part];
  }
  return current;
}

/** Text rendering of a value inside a longer string. */
export function asText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Render a template string as text (used for scopes, keys and if_version). */
export function renderText(text: string, vars: TemplateVars): string {
  if (!text.includes('${')) return text;
  return text.replace(PLACEHOLDER, (_m, name: string) => asText(lookup(name, vars)));
}

/** Render a JSON template deeply; an exact placeholder keeps its JSON type (missing → null). */
export function renderValue(value: Json | undefined, vars: TemplateVars): Json | undefined {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const exact = EXACT.exec(value);
    if (exact) return lookup(exact[1]!, vars) ?? null;
    return renderText(value, vars);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars) ?? null);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty, so a key rendered as `__proto__` stays an own key instead of setting the prototype.
      Object.defineProperty(out, renderText(k, vars), { value: renderValue(v as Json, vars) ?? null, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
