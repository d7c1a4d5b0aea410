// Walking a block by digits: 0 steps into `_`, d into key "d".
import type { Digits } from './address.js';
import { isObject, own } from './json.js';

export const digitKey = (d: number): string => (d === 0 ? '_' : String(d));

/** The node at a digit path, or undefined when a step is missing or meets a non-object. */
export function walk(block: unknown, digits: Digits): unknown {
  let node: unknown = block;
  for (const d of digits) {
    if (!isObject(node)) return undefined;
    node = own(node, digitKey(d));
  }
  return node;
}

/** The node at a path of literal keys (no `0 → _` translation): used by slot allocation. */
export function walkKeys(block: unknown, keys: readonly string[]): unknown {
  let node: unknown = block;
  for (const key of keys) {
    if (!isObject(node)) return undefined;
    node = own(node, key);
  }
  return node;
}
