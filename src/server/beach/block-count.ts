// The block quota: how many blocks one world may hold, and a hook that admits (or refuses) the
// creator of a new block. A request runs first without it; only one that would create or remove a
// block runs again with the world's gate record (`U+001E<world key>`, holding the world's count) in
// its transaction, so creations in one world serialise on the gate and the count stays exact, also
// across processes sharing one database.
import type { BeachStore, BlockWrites, StoredRecord, Transacted } from './beach-store.js';
import { worldKey, type World } from './world.js';

export interface BlockQuota {
  /** The most blocks one world (the base beach included) may hold; 0: no bound. */
  maxPerWorld: number;
  /** Runs before a block is created (the creator's budget); it throws to refuse. */
  admitCreation?: () => Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

/** The record that counts a world's blocks; it has no block, so no index lists it. */
export const gateName = (world: World): string => `\u001e${worldKey(world)}`;

const hasBlock = (record: StoredRecord | null | undefined): boolean => record !== null && record !== undefined && record.block !== null;

/** Blocks the writes would create and remove. */
function change(records: ReadonlyMap<string, StoredRecord | null>, writes: BlockWrites | undefined): { created: number; removed: number } {
  let created = 0;
  let removed = 0;
  for (const [name, next] of writes ?? []) {
    const before = hasBlock(records.get(name));
    const after = hasBlock(next);
    if (after && !before) created++;
    if (before && !after) removed++;
  }
  return { created, removed };
}

type Fn = (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<Reply>;

export class BlockCount {
  constructor(
    private readonly store: BeachStore,
    private readonly quota: BlockQuota,
    /** Counts a world's stored blocks (once, for a world whose gate is not yet written). */
    private readonly countBlocks: (world: World) => Promise<number>,
  ) {}

  async transact(world: World, names: string[], fn: Fn): Promise<Reply> {
    const bounded = this.quota.maxPerWorld > 0;
    const first = await this.store.transact(names, (records): Transacted<{ reply: Reply } | { created: number }> => {
      const out = fn(records);
      const { created, removed } = change(records, out.writes);
      // Nothing stored yet: this request creates (or removes) a block and runs again below.
      if (created > 0 || (bounded && removed > 0)) return { result: { created } };
      return { result: { reply: out.result }, ...(out.writes ? { writes: out.writes } : {}) };
    });
    if ('reply' in first) return first.reply;
    // Admit the creator, then count under the gate.
    if (first.created > 0) await this.quota.admitCreation?.();
    if (!bounded) return this.store.transact(names, fn);
    const gate = gateName(world);
    const initial = (await this.store.get(gate))?.blocks ?? (await this.countBlocks(world));
    return this.store.transact([...names, gate], (records) => {
      const out = fn(records);
      const { created, removed } = change(records, out.writes);
      if (created === 0 && removed === 0) return out;
      const count = records.get(gate)?.blocks ?? initial;
      const next = count + created - removed;
      if (created > removed && next > this.quota.maxPerWorld) {
        const message = `this world holds ${count} blocks, the most this beach keeps per world (${this.quota.maxPerWorld}); write into an existing block or delete one first`;
        return { result: { status: 507, body: { error: message, code: 'too_many_blocks', message, limit: this.quota.maxPerWorld } } };
      }
      const writes = new Map(out.writes);
      writes.set(gate, { block: null, locks: {}, blocks: Math.max(0, next) });
      return { result: out.result, writes };
    });
  }
}
