// The beach's storage port: one record per block name, changed only inside a transaction that is
// serialised against every other transaction touching the same names. Adapters live in
// src/server/storage/ (memory, SQLite; PostgreSQL later), the transport and service only see this.
import type { BlockRecord } from '../../beach/index.js';

/** A single-resolution claim of a pool (§3.6): who resolved `window`, and when (epoch ms). */
export interface WindowClaim {
  window: string;
  claimant: string;
  at: number;
}

/** What a store keeps per block: the engine's record, plus the pool's live window claims. */
export interface StoredRecord extends BlockRecord {
  claims?: WindowClaim[];
  /** On a world's gate record (no block): how many blocks the world holds (see block-count.ts). */
  blocks?: number;
}

/** What a transaction stores: a record per name, `null` to delete; names left out stay as they were. */
export type BlockWrites = ReadonlyMap<string, StoredRecord | null>;

export interface Transacted<T> {
  result: T;
  writes?: BlockWrites;
}

export interface StoredBlockSize {
  name: string;
  /** UTF-8 bytes of the block's JSON text. */
  bytes: number;
}

export interface BeachStore {
  /** The record of one block (null when absent), as stored now; the caller owns the copy. */
  get(name: string): Promise<StoredRecord | null>;

  /**
   * Runs `fn` over the current records of `names` (null when absent) and stores its `writes`, as one
   * transaction serialised against every other transaction that touches any of those names, so
   * concurrent appends, registrations and writes to one block never lose an update. `fn` must be
   * synchronous and pure (an adapter may run it again after a serialisation failure) and may only
   * write names it was given; if it throws, nothing is stored and the error propagates.
   */
  transact<T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>): Promise<T>;

  /** Every stored block with its size; records holding only locks (no block) are not listed. */
  list(): Promise<StoredBlockSize[]>;

  close(): Promise<void>;
}

/** One block's transaction: `next` undefined leaves the record as it was, null deletes it. */
export function withBlock<T>(store: BeachStore, name: string, fn: (record: StoredRecord | null) => { result: T; next?: StoredRecord | null }): Promise<T> {
  return store.transact([name], (records) => {
    const { result, next } = fn(records.get(name) ?? null);
    return next === undefined ? { result } : { result, writes: new Map([[name, next]]) };
  });
}

/** Checks a transaction's writes against the names it locked (adapters call this before storing). */
export function checkWrites(names: readonly string[], writes: BlockWrites | undefined): void {
  for (const name of writes?.keys() ?? []) {
    if (!names.includes(name)) throw new Error(`beach transaction wrote "${name}", which it did not lock`);
  }
}

/** The stored size of a record: the UTF-8 bytes of its block's JSON, 0 when it holds only locks. */
export const blockBytes = (record: StoredRecord): number => (record.block === null ? 0 : Buffer.byteLength(JSON.stringify(record.block), 'utf8'));
