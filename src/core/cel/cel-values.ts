// Conversion between JSON values and CEL runtime values (D5). Pure.
// Whole JSON numbers become CEL ints (BigInt); every other number is a double. JSON objects
// become `Map`s: cel-js types a plain object by its `constructor` property, so a key named
// `constructor` (or `toString`, …) on a plain object breaks every expression that touches it,
// while a Map's keys never meet Object.prototype. Every map of user-chosen names that reaches
// CEL (scopes, keys, agents, views, actions, params) is therefore a Map.
import { Optional } from '@marcbachmann/cel-js';
import type { Json } from '../json.js';

export type CelValue = unknown;
export type CelMap = Map<string, CelValue>;

const mapGet = Map.prototype.get;

/**
 * A CEL map whose values are computed on first read (views are evaluated only if read). It is a
 * real Map, so cel-js types it as a map; reads through get, iteration and `in` resolve values.
 */
export function lazyCelMap(keys: Iterable<string>, compute: (key: string) => CelValue): CelMap {
  const map: CelMap = new Map();
  for (const key of keys) map.set(key, undefined);
  const resolve = (key: string): CelValue => (map.has(key) ? compute(key) : mapGet.call(map, key));
  function* entries(): Generator<[string, CelValue]> {
    for (const key of map.keys()) yield [key, resolve(key)];
  }
  Object.defineProperties(map, {
    get: { value: resolve },
    entries: { value: entries },
    [Symbol.iterator]: { value: entries },
    values: { value: () => [...entries()].map(([, v]) => v)[Symbol.iterator]() },
    forEach: { value: (fn: (value: CelValue, key: string, m: CelMap) => void) => { for (const [k, v] of entries()) fn(v, k, map); } },
  });
  return map;
}

// Plain assignment would set the prototype for a JSON key named `__proto__`; keep it an own key.
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// CEL ints are int64: a whole number outside that range can only be a double.
const INT64_LIMIT = 2 ** 63;

/** JSON → CEL: integral numbers become BigInt and objects Maps, recursively. Returns new containers. */
export function toCel(value: Json | undefined): CelValue {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCel);
  const out: CelMap = new Map();
  for (const key of Object.keys(value)) out.set(key, toCel(value[key]));
  return out;
}

/** A CEL result JSON cannot carry: a double that is infinite or NaN (`1.0 / 0.0`). */
export class NotJson extends Error {
  readonly code = 'not_json';
}

/** CEL → JSON: BigInt and CEL wrapper types become plain JSON, recursively; throws NotJson on Infinity or NaN. */
export function fromCel(value: CelValue): Json {
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson(`the result contains the double ${value}, which JSON cannot hold`);
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return null;
    case 'object':
      return fromCelObject(value);
    default:
      return String(value);
  }
}

function fromCelObject(value: object | null): Json {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (value instanceof Map) {
    const out: Record<string, Json> = {};
    for (const [k, v] of value) setOwn(out, String(k), fromCel(v));
    return out;
  }
  if (value instanceof Set) return [...value].map(fromCel);
  if (value instanceof Optional) return value.hasValue() ? fromCel(value.value()) : null;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return celWrapperToJson(value);
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value)) setOwn(out, key, fromCel((value as Record<string, CelValue>)[key]));
  return out;
}

// CEL's own value classes: uint renders as a number, duration as "3s", a type as its name ("int").
function celWrapperToJson(value: object): Json {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag === 'google.protobuf.Duration') return durationText(value as { seconds: bigint; nanos: number });
  if (typeof tag === 'string' && tag.startsWith('Type<')) return String((value as { name: unknown }).name);
  const primitive = (value as { valueOf(): unknown }).valueOf();
  return typeof primitive === 'bigint' ? Number(primitive) : String(value);
}

// cel-js's own toString misprints negative fractions ("-1.5s" as "-10.5s"), so format here.
function durationText(d: { seconds: bigint; nanos: number }): string {
  const total = BigInt(d.seconds) * 1_000_000_000n + BigInt(Math.trunc(d.nanos));
  const abs = total < 0n ? -total : total;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${total < 0n ? '-' : ''}${abs / 1_000_000_000n}${fraction ? `.${fraction}` : ''}s`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}
