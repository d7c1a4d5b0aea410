// Zero-free digit paths (§1.6), first-free slot allocation (§3.4) and owed zero-slot summaries.
import { DIGIT_KEYS, floorDepth } from './block.js';
import { isObject, own, type JsonObject } from './json.js';
import { walkKeys } from './walk.js';

/** The i-th (0-based) zero-free path of length L: i in base 9, digits shifted by one, padded to L. */
export function zeroFreePath(index: number, length: number): string {
  let out = '';
  let rest = index;
  for (let k = 0; k < length; k += 1) {
    out = String((rest % 9) + 1) + out;
    rest = Math.floor(rest / 9);
  }
  return out;
}

/** Every zero-free path of lengths 1..maxLength in order (1..9, 11..99, 111..). */
export function zeroFreePaths(maxLength: number): string[] {
  const out: string[] = [];
  for (let length = 1; length <= maxLength; length += 1) {
    for (let i = 0; i < 9 ** length; i += 1) out.push(zeroFreePath(i, length));
  }
  return out;
}

/**
 * The first zero-free path of exactly `length` digits (lexicographic order) whose literal walk is
 * absent; null when all 9^length are taken. A non-object met before the last step counts as absent.
 */
export function firstFreeSlot(block: unknown, length: number): string | null {
  const search = (node: unknown, prefix: string): string | null => {
    const remaining = length - prefix.length;
    for (const key of DIGIT_KEYS) {
      const child = isObject(node) ? own(node, key) : undefined;
      if (child === undefined) return prefix + key + '1'.repeat(remaining - 1);
      if (remaining === 1) continue;
      if (!isObject(child)) return prefix + key + '1'.repeat(remaining - 1);
      const found = search(child, prefix + key);
      if (found !== null) return found;
    }
    return null;
  };
  return length < 1 ? null : search(block, '');
}

export interface OwedSummary {
  slot: string;
  over: string;
}

/** Zero-slot summaries owed at a supernested accumulator's root, oldest first (advisory). */
export function owedSummaries(block: JsonObject): OwedSummary[] {
  const floor = floorDepth(block);
  if (floor < 2) return [];
  const L = floor - 1;
  const out: OwedSummary[] = [];
  // Visit only the containers that exist, in zero-free order (a depth-first walk over keys 1-9):
  // enumerating all 9^L paths would cost billions of steps on a block whose floor is merely deep.
  const visit = (node: unknown, path: string): void => {
    if (path.length === L) {
      if (isObject(node)) owe(path, node);
      return;
    }
    if (!isObject(node)) return;
    for (const key of DIGIT_KEYS) {
      const child = own(node, key);
      if (child !== undefined) visit(child, path + key);
    }
  };
  const owe = (container: string, node: JsonObject): void => {
    const prev = previousZeroFree(container) ?? '_'.repeat(L);
    const prevNode = walkKeys(block, [...prev]);
    if (!isObject(prevNode) || !DIGIT_KEYS.every((k) => own(prevNode, k) !== undefined)) return;
    const voice = own(node, '_');
    if (typeof voice === 'string' && voice !== '') return;
    const p = prev.replaceAll('_', '');
    out.push({ slot: `${container}0`, over: `${p}1-${p}9` });
  };
  visit(block, '');
  return out;
}

/** The zero-free path just before `path` of the same length (`"21"` → `"19"`); null for `"1…1"`. */
function previousZeroFree(path: string): string | null {
  const digits = [...path];
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    if (digits[i] !== '1') {
      digits[i] = String(Number(digits[i]) - 1);
      return digits.join('');
    }
    digits[i] = '9';
  }
  return null;
}
