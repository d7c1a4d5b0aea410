// The cache of loaded rooms and the commit path every change takes (D11): the store's room
// lock, validate the cache, commit to the store, apply in memory, tell listeners.
// A commit made by another process (heard on the change feed, or found under the lock when the
// store's head moved) takes the same path: the registry catches the cached image up from a
// snapshot of the store, applies the difference as a batch with the log records it missed, and
// tells the same listeners, so waits, streams, views, credentials and timers never tell the two apart.
import { SyncError } from '../errors.js';
import { WAITING_GRACE_MS } from '../limits.js';
import type { ChangeFeed, ChangeNotice } from '../ports/change-feed.js';
import type { RoomStore, RoomTx } from '../ports/room-store.js';
import type { Entry, LogRecord } from '../room/model.js';
import { MESSAGE_TAIL, RoomState, emptyBatch, type CommitBatch, type RoomData } from '../room/room-state.js';
import type { Clock } from '../ports/clock.js';
import type { Hasher } from '../ports/hasher.js';
import { applyTicks } from '../time/ticks.js';
import { invalidateViews } from '../read/view-cache.js';
import { touchesOf } from '../wait/touches.js';

/** Told of every commit, with what it touched directly (see wait/touches.ts); `remote`: made by another server (heard through the change feed). */
export type CommitListener = (room: RoomState, batch: CommitBatch, touches: ReadonlySet<string>, remote: boolean) => void;

export interface RegistryOptions {
  /** The change feed shared with the other processes of the store (none: this process is alone). */
  feed?: ChangeFeed;
  /**
   * The longest a wait may last: on a shared store, a stored `waiting` status newer than this
   * may belong to a wait pending on another process and is kept; an older one is stale.
   */
  waitMaxMs?: number;
}

/** Log records read per page when catching up. */
const CATCH_UP_PAGE = 500;

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
  /** Per room, the catch-up in progress (a chain: one at a time, in order). */
  private readonly catching = new Map<string, Promise<void>>();
  /** Rooms with a catch-up queued behind the running one (notices in between coalesce). */
  private readonly catchQueued = new Set<string>();
  private readonly noticeListeners = new Set<(notice: ChangeNotice) => void>();
  private readonly gapListeners = new Set<() => void>();
  private readonly feed: ChangeFeed | null;
  private readonly waitMaxMs: number;

  constructor(
    private readonly store: RoomStore,
    private readonly report: (error: unknown) => void = () => {},
    private readonly ticking: { clock: Clock; hasher: Hasher } | null = null,
    options: RegistryOptions = {},
  ) {
    this.feed = options.feed ?? null;
    this.waitMaxMs = options.waitMaxMs ?? 0;
    this.feed?.subscribe((notice) => this.heard(notice), () => this.gap());
  }

  /** Told of every notice another process sent (timers learn deadlines of rooms not loaded here). */
  onNotice(listener: (notice: ChangeNotice) => void): void {
    this.noticeListeners.add(listener);
  }

  /** Told after the feed reconnected (notices may have been missed); the registry catches up its rooms itself. */
  onGap(listener: () => void): void {
    this.gapListeners.add(listener);
  }

  /** Announce a change this process made (no-op for feeds that notify inside the transaction). */
  publish(kind: ChangeNotice['kind'], roomId: string, seq: number, extra: { timerAt?: number | null; createdAt?: number } = {}): void {
    if (!this.feed) return;
    try {
      this.feed.publish({ kind, roomId, seq, origin: this.feed.origin, timerAt: extra.timerAt ?? null, createdAt: extra.createdAt ?? 0 });
    } catch (error) {
      this.report(error);
    }
  }

  private heard(notice: ChangeNotice): void {
    if (notice.origin === this.feed?.origin) return;
    for (const listener of this.noticeListeners) {
      try {
        listener(notice);
      } catch (error) {
        this.report(error);
      }
    }
    const room = this.rooms.get(notice.roomId);
    if (notice.kind === 'deleted') {
      if (room && (notice.createdAt === 0 || room.room.createdAt <= notice.createdAt)) this.forget(notice.roomId);
      return;
    }
    // A load in flight may have read the store before this change: catch up once it is in.
    if (!room && !this.loading.has(notice.roomId)) return;
    if (room && notice.kind === 'commit' && notice.seq <= room.logSeq) return;
    this.catchUp(notice.roomId);
  }

  private gap(): void {
    for (const id of [...this.rooms.keys()]) this.catchUp(id);
    for (const listener of this.gapListeners) {
      try {
        listener();
      } catch (error) {
        this.report(error);
      }
    }
  }

  /**
   * Bring the cached image of the room up to the store (queued behind a catch-up already
   * running); reads of the room wait for it. Resolves when done; failures are reported, and
   * the next notice, write or reconnect tries again.
   */
  catchUp(id: string): Promise<void> {
    const running = this.catching.get(id);
    if (running) {
      if (this.catchQueued.has(id)) return running;
      this.catchQueued.add(id);
    }
    const next = (running ?? Promise.resolve()).then(async () => {
      this.catchQueued.delete(id);
      await this.loading.get(id)?.catch(() => null);
      await this.catchUpNow(id);
    }).catch((error: unknown) => this.report(error)).finally(() => {
      if (this.catching.get(id) === next) this.catching.delete(id);
    });
    this.catching.set(id, next);
    return next;
  }

  private async catchUpNow(id: string): Promise<void> {
    const room = this.rooms.get(id);
    if (!room) return;
    const data = await this.store.loadRoom(id);
    if (this.rooms.get(id) !== room) return;
    if (!data || data.room.createdAt !== room.room.createdAt) {
      // Deleted (and perhaps created again): what is bound to this incarnation ends.
      this.forget(id);
      return;
    }
    // A snapshot older than the image (a local commit applied since it was read) has nothing new.
    if (data.logSeq < room.logSeq) return;
    const fetched = await this.missedLog(id, room.logSeq, data.logSeq);
    // Two catch-ups may overlap (one under the write lock, one from a notice): from here on
    // nothing awaits, so each record and change is applied and told once.
    if (this.rooms.get(id) !== room || room.logSeq > data.logSeq) return;
    const log = fetched.filter((r) => r.seq > room.logSeq);
    let target = room;
    let batch: CommitBatch;
    let touches: ReadonlySet<string>;
    if (data.messageSeq - room.messageSeq > MESSAGE_TAIL) {
      // Too far behind to patch the message tail: take the snapshot whole (same incarnation).
      target = this.image(data, room.incarnation);
      this.rooms.set(id, target);
      batch = { ...emptyBatch(), log };
      touches = new Set(['*']);
    } else {
      batch = difference(room, data, log);
      if (!batch.entries.length && !batch.messages.length && !batch.log.length && !Object.keys(batch.counters).length && !batch.meta && !batch.tokens) return;
      room.apply(batch);
      if (log.length === 0 && data.logSeq > room.logSeq) room.logSeq = data.logSeq;
      touches = touchesOf(batch);
    }
    invalidateViews(target, touches);
    this.tell(target, batch, touches, true);
  }

  /** Log records after `after` up to `upTo`, oldest first. */
  private async missedLog(id: string, after: number, upTo: number): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    while (after < upTo) {
      const page = await this.store.readLog(id, { after, limit: CATCH_UP_PAGE });
      for (const record of page) if (record.seq <= upTo) out.push(record);
      if (page.length < CATCH_UP_PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    return out;
  }

  private tell(room: RoomState, batch: CommitBatch, touches: ReadonlySet<string>, remote: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(room, batch, touches, remote);
      } catch (error) {
        this.report(error);
      }
    }
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The loaded room, loading it on first use; `room_not_found` if it does not exist. */
  async get(id: string): Promise<RoomState> {
    this.used.add(id);
    // A change heard from another process is applied before anyone reads the room again.
    const catching = this.catching.get(id);
    if (catching) await catching;
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
        const known = this.incarnations.get(id);
        const room = this.image(data, known && known.createdAt === data.room.createdAt ? known.n : this.nextIncarnation++);
        this.incarnations.set(id, { createdAt: data.room.createdAt, n: room.incarnation });
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

  /**
   * A room image from the store. `waiting` is soft state: alone on the store, no wait survives a
   * restart, so nobody is waiting any more; on a shared store a wait may be pending on another
   * process, so only a status older than the longest wait (it cannot still be pending) is reset.
   */
  private image(data: RoomData, incarnation: number): RoomState {
    const room = new RoomState(data);
    room.incarnation = incarnation;
    const staleBefore = this.store.exclusive || !this.ticking ? Number.POSITIVE_INFINITY : this.staleWaitingBefore(this.ticking.clock.now());
    for (const agent of room.agents.values()) {
      if (agent.status !== 'waiting' || (agent.waiting_since ?? agent.last_heartbeat) >= staleBefore) continue;
      agent.status = 'active';
      agent.waiting_on = null;
      delete agent.waiting_since;
    }
    return room;
  }

  /** A stored `waiting` with an older heartbeat cannot belong to a wait still pending anywhere. */
  staleWaitingBefore(now: number): number {
    return now - this.waitMaxMs - WAITING_GRACE_MS;
  }

  /** The rooms in memory. */
  loaded(): IterableIterator<RoomState> {
    return this.rooms.values();
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
  // Under the lock nothing waits for a catch-up started outside it (that one needs a pooled
  // connection, which a full pool of lock holders would never free): catch up here, on the lock's.
  private async fresh(id: string, tx: RoomTx): Promise<RoomState> {
    const room = this.rooms.get(id) ?? (await this.load(id));
    if (!room) throw new SyncError('room_not_found', `There is no room ${id}.`, { room: id });
    if (this.store.exclusive) return room;
    const head = await tx.headSeq();
    if (head === null || head === room.logSeq) return room;
    // Catch up through the same path as a notice (listeners hear what the other process did).
    await this.catchUpNow(id);
    const current = this.rooms.get(id) ?? (await this.load(id));
    if (!current) throw new SyncError('room_not_found', `There is no room ${id}.`, { room: id });
    if (current.logSeq !== head) {
      // Overtaken: a whole image read under the lock is right.
      this.rooms.delete(id);
      const reloaded = await this.load(id);
      if (!reloaded) throw new SyncError('room_not_found', `There is no room ${id}.`, { room: id });
      return reloaded;
    }
    return current;
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
    this.tell(room, batch, touches, false);
    this.publish('commit', room.id, room.logSeq, { timerAt: earliestTimer(batch) });
  }
}

/** What the store has that the image lacks, as a batch (entries, new messages, counters, room record). */
function difference(room: RoomState, data: RoomData, log: LogRecord[]): CommitBatch {
  const batch = emptyBatch();
  batch.log = log;
  const seen = new Set<string>();
  for (const entry of data.entries) {
    seen.add(`${entry.scope}\u0000${entry.key}`);
    const cached = room.entry(entry.scope, entry.key);
    // Revisions only grow: an older snapshot of a key (soft state written since) is not news.
    if (!cached || (!sameEntry(cached, entry) && entry.revision >= cached.revision)) batch.entries.push({ op: 'put', entry });
  }
  for (const scope of [...room.scopeNames()]) {
    for (const entry of [...room.entriesOf(scope)]) {
      if (!seen.has(`${entry.scope}\u0000${entry.key}`)) batch.entries.push({ op: 'delete', scope: entry.scope, key: entry.key });
    }
  }
  batch.messages = data.messagesTail.filter((m) => m.seq > room.messageSeq);
  for (const [name, value] of Object.entries(data.counters)) if (room.counter(name) !== value) batch.counters[name] = value;
  if (JSON.stringify(data.room.meta) !== JSON.stringify(room.room.meta)) batch.meta = data.room.meta;
  if (data.room.tokenHash !== room.room.tokenHash || data.room.viewTokenHash !== room.room.viewTokenHash) {
    batch.tokens = { tokenHash: data.room.tokenHash, viewTokenHash: data.room.viewTokenHash };
  }
  return batch;
}

function sameEntry(a: Entry, b: Entry): boolean {
  return a.revision === b.revision && a.updatedAt === b.updatedAt && a.version === b.version && a.timerAt === b.timerAt
    && a.enabled === b.enabled && a.writer === b.writer && a.sortKey === b.sortKey && JSON.stringify(a.timer) === JSON.stringify(b.timer);
}

/** The earliest wall-clock deadline a batch sets. */
export function earliestTimer(batch: CommitBatch): number | null {
  let at: number | null = null;
  for (const change of batch.entries) {
    if (change.op === 'put' && change.entry.timerAt !== null && (at === null || change.entry.timerAt < at)) at = change.entry.timerAt;
  }
  return at;
}
