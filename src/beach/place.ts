// Placement (§3.3): walk-or-create a digit path (subnest migration), then set the final key.
import type { Digits } from './address.js';
import { isObject, own, setOwn, type JsonObject } from './json.js';
import { digitKey } from './walk.js';

export interface PlaceOptions {
  /** A scalar written onto an object sets its `_` (beach placement); off for the client's raw writer. */
  voice: boolean;
}

/** Mutates `block`: places `value` at `path` (literal keys). A string met on the way becomes `{_: string}`. */
export function placeKeys(block: JsonObject, keys: readonly string[], value: unknown, options: PlaceOptions): void {
  if (keys.length === 0) return;
  let node = block;
  for (const key of keys.slice(0, -1)) {
    const existing = own(node, key);
    let next: JsonObject;
    if (typeof existing === 'string') next = { _: existing };
    else if (isObject(existing)) next = existing;
    else next = {};
    if (next !== existing) setOwn(node, key, next);
    node = next;
  }
  const last = keys[keys.length - 1]!;
  const existing = own(node, last);
  if (options.voice && isObject(existing) && (value === null || typeof value !== 'object')) setOwn(existing, '_', value);
  else setOwn(node, last, value);
}

/** Places at walked digits (0 → `_`). An empty path is a no-op. */
export function placeAt(block: JsonObject, digits: Digits, value: unknown, options: PlaceOptions = { voice: true }): void {
  placeKeys(block, digits.map(digitKey), value, options);
}
