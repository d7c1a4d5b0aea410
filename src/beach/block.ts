// The block data model (§1): the spine rule, a node's semantic, the floor, the hidden directory.
import { isObject, own, type JsonObject } from './json.js';

export type Block = JsonObject;

export const DIGIT_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The spine rule: the only legal keys are `_` and the single digits 1–9. */
export function isSpineKey(key: string): boolean {
  return key === '_' || (key.length === 1 && key >= '1' && key <= '9');
}

/** A node's meaning: a string itself, or the string at the end of its `_` chain; else null (§1.2). */
export function semantic(node: unknown): string | null {
  if (typeof node === 'string') return node;
  let current: unknown = node;
  while (isObject(current) && own(current, '_') !== undefined) {
    current = own(current, '_');
    if (typeof current === 'string') return current;
  }
  return null;
}

/** The length of the root underscore chain down to its first string (§1.3). */
export function floorDepth(block: unknown): number {
  let depth = 0;
  let node: unknown = block;
  while (isObject(node) && own(node, '_') !== undefined) {
    depth += 1;
    node = own(node, '_');
    if (typeof node === 'string') return depth;
  }
  return depth;
}

/** A block has a floor when its root `_` chain reaches an identity string. */
export function hasFloor(block: unknown): boolean {
  let node: unknown = block;
  while (isObject(node) && own(node, '_') !== undefined) {
    node = own(node, '_');
    if (typeof node === 'string') return true;
  }
  return false;
}

/** The digit children present on a node, in order. */
export function digitChildren(node: unknown): Array<[string, unknown]> {
  if (!isObject(node)) return [];
  const out: Array<[string, unknown]> = [];
  for (const key of DIGIT_KEYS) {
    const child = own(node, key);
    if (child !== undefined) out.push([key, child]);
  }
  return out;
}

/**
 * The hidden directory of a digit node (§1.4): follows `_`, `_._`, … to the first level that has a
 * digit key and returns those digits; null when there is none.
 */
export function hiddenDirectory(node: unknown): Record<string, unknown> | null {
  let current: unknown = isObject(node) ? own(node, '_') : undefined;
  while (isObject(current)) {
    const digits = digitChildren(current);
    if (digits.length > 0) return Object.fromEntries(digits);
    current = own(current, '_');
  }
  return null;
}
