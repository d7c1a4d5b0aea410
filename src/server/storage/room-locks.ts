// Per-room write locks within one process: holders of one room's lock run one after another in
// call order; different rooms never wait for each other. The memory and SQLite stores use them
// as their whole lock; the PostgreSQL store queues here before taking the cross-process lock.
import type { CommitBatch } from '../../core/room/room-state.js';
import type { RoomTx } from '../../core/ports/room-store.js';

export class RoomLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `fn` once every earlier holder of this room's lock has finished. */
  async queue<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(id, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }

  /** Run `fn` with a tx that commits through `commit` and is only valid while `fn` runs. */
  async run<T>(id: string, commit: (batch: CommitBatch) => Promise<void>, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    return this.queue(id, async () => {
      let held = true;
      const tx: RoomTx = {
        headSeq: async () => null,
        commit: async (batch) => {
          if (!held) throw new Error(`the write lock on room ${id} was already released; commit inside withRoomLock`);
          await commit(batch);
        },
      };
      try {
        return await fn(tx);
      } finally {
        held = false;
      }
    });
  }
}
