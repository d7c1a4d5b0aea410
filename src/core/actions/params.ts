// Parameter schemas (D12): validation at registration and checking at invocation. Pure.
import { SyncError, quote } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { cloneJson, isPlainObject, jsonEqual } from '../json.js';
import type { ParamSpec, ParamType } from '../room/model.js';

const TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'any']);
const SPEC_FIELDS = new Set(['type', 'enum', 'required', 'default', 'description']);

// Plain assignment would set the prototype for a key named `__proto__`; define an own property instead.
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function bad(detail: string, extra: Record<string, unknown> = {}): SyncError {
  return new SyncError('invalid_definition', `The params schema is not valid: ${detail}.`, { field: 'params', detail, ...extra });
}

/** Validate a params schema given at registration. */
export function validateParamSchema(raw: unknown): Record<string, ParamSpec> | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) throw bad('params must be an object mapping names to {type, enum, required, default, description}');
  const out: Record<string, ParamSpec> = {};
  for (const [name, specRaw] of Object.entries(raw)) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw bad(`the parameter name ${JSON.stringify(name)} must be letters, digits or _`);
    if (!isPlainObject(specRaw)) throw bad(`params.${name} must be an object`);
    const unknown = Object.keys(specRaw).find((k) => !SPEC_FIELDS.has(k));
    if (unknown) throw bad(`params.${name} has the unknown field ${quote(unknown)}`);
    const spec: ParamSpec = {};
    if (specRaw.type !== undefined) {
      if (typeof specRaw.type !== 'string' || !TYPES.has(specRaw.type)) {
        throw bad(`params.${name}.type must be one of ${[...TYPES].join(', ')}`);
      }
      spec.type = specRaw.type as ParamType;
    }
    if (specRaw.enum !== undefined) {
      if (!Array.isArray(specRaw.enum) || specRaw.enum.length === 0) throw bad(`params.${name}.enum must be a non-empty array`);
      const misfit = spec.type ? (specRaw.enum as Json[]).find((v) => !fitsType(spec.type!, v)) : undefined;
      if (misfit !== undefined) throw bad(`params.${name}.enum holds ${quote(misfit)}, which is not of type ${spec.type}`);
      spec.enum = specRaw.enum as Json[];
    }
    if (specRaw.required !== undefined) {
      if (typeof specRaw.required !== 'boolean') throw bad(`params.${name}.required must be true or false`);
      spec.required = specRaw.required;
    }
    if (specRaw.description !== undefined) {
      if (typeof specRaw.description !== 'string') throw bad(`params.${name}.description must be a string`);
      spec.description = specRaw.description;
    }
    if (specRaw.default !== undefined) {
      const check = paramProblem(name, spec, specRaw.default as Json);
      if (check) throw bad(`params.${name}.default does not fit its own schema`);
      spec.default = specRaw.default as Json;
    }
    setOwn(out, name, spec);
  }
  return out;
}

export function jsonTypeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fitsType(type: ParamType, value: Json): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === type;
  }
}

function paramProblem(name: string, spec: ParamSpec, value: Json): SyncError | null {
  if (spec.enum && !spec.enum.some((allowed) => jsonEqual(allowed, value))) {
    return new SyncError('invalid_param', `The parameter ${name} must be one of the allowed values.`, {
      param: name,
      value,
      allowed: spec.enum,
    });
  }
  if (spec.type && !fitsType(spec.type, value)) {
    return new SyncError('invalid_param_type', `The parameter ${name} must be of type ${spec.type}.`, {
      param: name,
      expected: spec.type,
      actual: jsonTypeOf(value),
    });
  }
  return null;
}

/** Check invocation params against the schema; returns params with defaults applied. */
export function checkParams(schema: Record<string, ParamSpec> | null, given: JsonObject): JsonObject {
  if (!schema) return given;
  const out: JsonObject = { ...given };
  for (const [name, spec] of Object.entries(schema)) {
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined) {
      if (spec.default !== undefined) setOwn(out, name, cloneJson(spec.default));
      else if (spec.required) {
        throw new SyncError('missing_param', `The parameter ${name} is required.`, { param: name });
      }
      continue;
    }
    const problem = paramProblem(name, spec, value);
    if (problem) throw problem;
  }
  return out;
}
