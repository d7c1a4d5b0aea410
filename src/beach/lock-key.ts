// Which lock position a write touches (§4.2) and whose authority governs it (§4.4).
import { parseSpindle } from './address.js';
import { blockKind } from './block-kind.js';
import { floorDepth } from './block.js';
import { hasOwn } from './json.js';

export type LockMap = Record<string, string>;

/**
 * The reference formula, kept for comparison: on sed:/grain: blocks it keys by the literal first
 * dotted segment, which lets `"12"` on a grain or `"1.1"` on a collective bypass the owner (§12.2).
 */
export function referenceLockKey(blockName: string, spindle: string | null | undefined, block: unknown): string {
  if (spindle === null || spindle === undefined || spindle === '') return '_';
  const s = spindle.endsWith('*') ? spindle.slice(0, -1) : spindle;
  if (blockKind(blockName).kind !== 'ordinary') {
    const first = s.split('.')[0] ?? '';
    return first === '' || first === '0' || first === '_' ? '_' : first;
  }
  const { digits } = parseSpindle(s, floorDepth(block));
  if (digits.length === 0 || digits[0] === 0) return '_';
  return String(digits[0]);
}

/**
 * The position a write at `spindle` touches, derived from the parsed walk on every kind of block:
 * - ordinary: the first walked digit (a short address at floor ≥ 2 walks `_` first ⇒ `"_"`);
 * - grain: the side, i.e. the first walked digit (`"12"` is side 1, child 2);
 * - sed: the longest walked prefix that holds a lock (a registrant owns its subtree, a deeper
 *   registrant its own), else the whole walked position (`"11"` for registrant 11, `"1.1"` too).
 * Throws InvalidAddressError on a malformed spindle.
 */
export function lockKeyForWrite(blockName: string, spindle: string | null | undefined, block: unknown, locks: LockMap = {}): string {
  if (spindle === null || spindle === undefined || spindle === '') return '_';
  const s = spindle.endsWith('*') ? spindle.slice(0, -1) : spindle;
  const { digits } = parseSpindle(s, floorDepth(block));
  if (digits.length === 0 || digits[0] === 0) return '_';
  const kind = blockKind(blockName).kind;
  if (kind !== 'sed') return String(digits[0]);
  const walked = digits.join('');
  for (let length = walked.length; length >= 1; length -= 1) {
    if (hasOwn(locks, walked.slice(0, length))) return walked.slice(0, length);
  }
  return walked;
}

export interface Authority {
  lockKey: string;
  /** Where the governing hash lives: the position itself, or `"_"` when inherited from the root. */
  authKey: string;
  stored: string | undefined;
  inherited: boolean;
}

/** Ordinary blocks inherit the root lock for every un-delegated digit; sed:/grain: never inherit. */
export function resolveAuthority(blockName: string, lockKey: string, locks: LockMap): Authority {
  const own = hasOwn(locks, lockKey) ? locks[lockKey] : undefined;
  if (own === undefined && lockKey !== '_' && blockKind(blockName).kind === 'ordinary' && hasOwn(locks, '_')) {
    return { lockKey, authKey: '_', stored: locks['_'], inherited: true };
  }
  return { lockKey, authKey: lockKey, stored: own, inherited: false };
}

/** The literal key path of a locked position's node: `"3"` → block[3]; sed `"113"` → block[1][1][3]. */
export function lockedNodeKeys(blockName: string, position: string, block: unknown): string[] {
  if (blockKind(blockName).kind !== 'sed') return [position];
  return parseSpindle(position, floorDepth(block)).digits.map((d) => (d === 0 ? '_' : String(d)));
}
