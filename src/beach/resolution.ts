// Single-resolution claim on a windowed root append (§3.6): one resolver per window wins.
import { DIGIT_KEYS, type Block } from './block.js';
import { BeachError } from './errors.js';
import { liquidBase } from './identity.js';
import { isObject, own } from './json.js';
import { isIsoDateTime } from './timestamps.js';

/** What the storage layer loads for a claim: the pool's liquid block and any claim already made. */
export interface WindowState {
  liquid: Block | null;
  /** The claimant of `window` if it was already resolved (and the claim has not expired). */
  claimedBy: string | null;
}

export interface ClaimWon {
  claimant: string;
  cleared: Block | null;
  liquid: Block;
}

const firstStaged = (slot: unknown): string | null => {
  if (!isObject(slot)) return null;
  const six = own(slot, '6');
  if (isIsoDateTime(six)) return six;
  const two = own(slot, '2');
  return isIsoDateTime(two) ? two : null;
};

/** Checks `resolve_seen` and the claim; throws the 409s, or returns what the winner changes. */
export function claimWindow(pool: Block | null, pool_name: string, window: string, seen: string | undefined, content: unknown, state: WindowState): ClaimWon {
  if (seen !== undefined && isObject(state.liquid)) {
    const seenAt = Date.parse(seen);
    const moved = DIGIT_KEYS.some((key) => {
      const staged = firstStaged(own(state.liquid!, key));
      return staged !== null && !Number.isNaN(seenAt) && Date.parse(staged) > seenAt;
    });
    if (moved) {
      throw new BeachError(409, 'window_moved', `window ${window} moved: an intention was staged after ${seen}`, { ok: false, window, buffer: state.liquid });
    }
  }
  if (state.claimedBy !== null) {
    throw new BeachError(409, 'window_already_resolved', `window ${window} was already resolved by ${state.claimedBy}`, {
      ok: false,
      window,
      resolved_by: state.claimedBy,
      landed: landedEntry(pool),
    });
  }
  const claimant = isObject(content) && typeof own(content, '1') === 'string' ? (own(content, '1') as string) : 'anon';
  return { claimant, cleared: state.liquid, liquid: { _: liquidBase(pool_name) } };
}

/** Best effort: the highest top-level digit slot of the pool. */
function landedEntry(pool: Block | null): { slot: string; entry: unknown } | null {
  if (!isObject(pool)) return null;
  for (const key of [...DIGIT_KEYS].reverse()) {
    const entry = own(pool, key);
    if (entry !== undefined) return { slot: key, entry };
  }
  return null;
}
