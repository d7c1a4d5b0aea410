// Per-room write locks for stores owned by one process (memory, SQLite): holders of one room's
// lock run one after another in call order; different rooms never wait for each other.
import type { CommitBatch } from '../../core/room/room-state.js';
import type { RoomTx } from '../../core/ports/room-store.js';

export class RoomLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `fn` with a tx that commits through `commit` and is only valid while `fn` runs. */
  async run<T>(id: string, commit: (batch: CommitBatch) => Promise<void>, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    const previous = this.tails.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(id, tail);
    await previous;
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
      release();
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}
