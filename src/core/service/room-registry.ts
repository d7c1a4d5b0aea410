// The cache of loaded rooms and the commit path every change takes (D11): the store's room
// lock, validate the cache, commit to the store, apply in memory, tell listeners.
import { SyncError } from '../errors.js';
import type { RoomStore, RoomTx } from '../ports/room-store.js';
import { RoomState, type CommitBatch } from '../room/room-state.js';
import type { Clock } from '../ports/clock.js';
import type { Hasher } from '../ports/hasher.js';
import { applyTicks } from '../time/ticks.js';
import { invalidateViews } from '../read/view-cache.js';
import { touchesOf } from '../wait/touches.js';

/** Told of every commit, with what it touched directly (see wait/touches.ts). */
export type CommitListener = (room: RoomState, batch: CommitBatch, touches: ReadonlySet<string>) => void;

export class RoomRegistry {
  private readonly rooms = new Map<string, RoomState>();
  private readonly loading = new Map<string, Promise<RoomState | null>>();
  private readonly writers = new Map<string, number>();
  private readonly listeners = new Set<CommitListener>();
  private readonly forgetListeners = new Set<(roomId: string) => void>();
  /** Rooms used since the last eviction sweep. */
  private readonly used = new Set<string>();
  /** The incarnation of each loaded room id (kept across a reload, new after a deletion). */
  private readonly incarnations = new Map<string, { createdAt: number; n: number }>();
  private nextIncarnation = 1;

  constructor(
    private readonly store: RoomStore,
    private readonly report: (error: unknown) => void = () => {},
    private readonly ticking: { clock: Clock; hasher: Hasher } | null = null,
  ) {}

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The loaded room, loading it on first use; `room_not_found` if it does not exist. */
  async get(id: string): Promise<RoomState> {
    this.used.add(id);
    const room = this.rooms.get(id) ?? (await this.load(id));
    if (!room) throw new SyncError('room_not_found', `There is no room ${id}.`, { room: id });
    return room;
  }

  cached(id: string): RoomState | undefined {
    return this.rooms.get(id);
  }

  /** Whether `room` is the live incarnation of its id (false once it was deleted). */
  isCurrent(room: RoomState): boolean {
    return this.incarnations.get(room.id)?.n === room.incarnation;
  }

  /**
   * Drop from memory the rooms nobody used since the previous sweep and that nothing holds
   * (`busy`: waits, streams, pending soft state); they load again on next use. Returns how many.
   */
  evictIdle(busy: (roomId: string) => boolean): number {
    let evicted = 0;
    for (const id of [...this.rooms.keys()]) {
      if (this.used.has(id) || this.writers.has(id) || busy(id)) continue;
      this.rooms.delete(id);
      this.incarnations.delete(id);
      evicted++;
    }
    this.used.clear();
    return evicted;
  }

  /** Drop a deleted room from the cache and tell the forget listeners. */
  forget(id: string): void {
    this.rooms.delete(id);
    this.incarnations.delete(id);
    for (const listener of this.forgetListeners) listener(id);
  }

  onForget(listener: (roomId: string) => void): void {
    this.forgetListeners.add(listener);
  }

  private load(id: string): Promise<RoomState | null> {
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.store.loadRoom(id).then((data) => {
        this.loading.delete(id);
        if (!data) return null;
        const existing = this.rooms.get(id);
        if (existing) return existing;
        const room = new RoomState(data);
        const known = this.incarnations.get(id);
        room.incarnation = known && known.createdAt === data.room.createdAt ? known.n : this.nextIncarnation++;
        this.incarnations.set(id, { createdAt: data.room.createdAt, n: room.incarnation });
        // No wait survives a restart, so nobody is waiting any more.
        for (const agent of room.agents.values()) {
          if (agent.status !== 'waiting') continue;
          agent.status = 'active';
          agent.waiting_on = null;
        }
        this.rooms.set(id, room);
        return room;
      }, (error: unknown) => {
        this.loading.delete(id);
        throw error;
      });
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Run `fn` as the room's only writer, in this process and (through the store lock) across processes. */
  // The store's room lock serialises writers (in this process and, for shared stores, across
  // processes); the registry only counts who holds or awaits it, so busy rooms are not evicted.
  async exclusive<T>(id: string, fn: (room: RoomState, tx: RoomTx) => Promise<T>): Promise<T> {
    this.writers.set(id, (this.writers.get(id) ?? 0) + 1);
    try {
      return await this.store.withRoomLock(id, async (tx) => fn(await this.fresh(id, tx), tx));
    } finally {
      const left = this.writers.get(id)! - 1;
      if (left > 0) this.writers.set(id, left);
      else this.writers.delete(id);
    }
  }

  // Another process may have written since we loaded: reload when the store's head moved.
  private async fresh(id: string, tx: RoomTx): Promise<RoomState> {
    const room = await this.get(id);
    if (this.store.exclusive) return room;
    const head = await tx.headSeq();
    if (head === null || head === room.logSeq) return room;
    this.rooms.delete(id);
    return this.get(id);
  }

  /**
   * Commit a batch inside `exclusive`, then apply it and notify listeners. Writes tick the
   * logical timers watching their keys in the same transaction (D15); firings do not tick.
   */
  async commit(room: RoomState, tx: RoomTx, batch: CommitBatch): Promise<void> {
    if (this.ticking && batch.log[0]?.kind !== 'timer') {
      const expired = applyTicks(room, batch, this.ticking.clock.now(), this.ticking.hasher);
      const record = batch.log[0];
      if (expired.length && record) record.detail = { ...(record.detail ?? {}), timers_fired: expired };
    }
    await tx.commit(batch);
    room.apply(batch);
    const touches = touchesOf(batch);
    invalidateViews(room, touches);
    for (const listener of this.listeners) {
      try {
        listener(room, batch, touches);
      } catch (error) {
        this.report(error);
      }
    }
  }
}
