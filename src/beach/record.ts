// What the beach stores per block, and what every engine operation returns.
import type { Block } from './block.js';
import type { LockMap } from './lock-key.js';

/**
 * One block's stored state. `block` is null when only locks exist (a lock-only call on an absent
 * block stores the hash and no block: GET still answers 404). `touched` is the ISO time of the last
 * content change (§8.8).
 */
export interface BlockRecord {
  block: Block | null;
  locks: LockMap;
  touched?: string;
}

export interface EngineContext {
  /** The beach's origin without scheme (`beach.example.com`, `host:port`); salts ordinary locks. */
  origin: string;
  /** Epoch milliseconds; the engine never reads a clock. */
  now: number;
}

/** Side effects on other keys that the storage layer must apply in the same transaction. */
export interface EngineEffects {
  /** Replace `liquid:<block>` with this block (a won single-resolution claim). */
  liquid?: Block;
  /** Record a single-resolution claim (the reference keeps it 120 s). */
  claim?: { window: string; claimant: string };
}

export interface EngineResult {
  status: number;
  body: unknown;
  /** The record to store: null ⇒ delete it. Meaningful only when `changed`. */
  record: BlockRecord | null;
  changed: boolean;
  effects?: EngineEffects;
}
