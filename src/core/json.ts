// JSON value types and small pure helpers over them. No I/O.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep structural equality for JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** A deep copy of a JSON value. */
export function cloneJson<T extends Json>(value: T): T {
  return value === null || typeof value !== 'object' ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Set an own property even for keys such as `__proto__`, which plain assignment would not. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The own property `key` of `obj`: never a member inherited from Object.prototype (`constructor`, …). */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The object held under the own key `key`, created as an own property when missing. */
export function ownChild(obj: JsonObject, key: string): JsonObject {
  const found = ownValue(obj, key);
  if (isPlainObject(found)) return found as JsonObject;
  const child: JsonObject = {};
  setOwn(obj, key, child);
  return child;
}

/** Recursively merge `patch` into `base`: objects merge per key, everything else replaces. */
export function deepMerge(base: Json | undefined, patch: Json): Json {
  if (!isPlainObject(patch) || !isPlainObject(base)) return cloneJson(patch);
  const out: JsonObject = { ...(base as JsonObject) };
  for (const [k, v] of Object.entries(patch as JsonObject)) setOwn(out, k, deepMerge(Object.hasOwn(out, k) ? out[k] : undefined, v));
  return out;
}

/** Remove `null` and `undefined` object fields recursively (the `compact=true` rendering). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) setOwn(out, k, stripNulls(v));
  return out;
}

/** True when the value nests arrays/objects deeper than `max` levels. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max <= 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => nestedDeeperThan(child, max - 1));
}
