// An in-memory RoomStore for tests and ephemeral servers. Data is copied in and out, so
// callers can never alias what the store holds; a commit is validated before anything changes.
import type { LogQuery, MessageQuery, RoomStore, RoomTx } from '../../../core/ports/room-store.js';
import { MemoryCredentialStore } from './memory-credential-store.js';
import type { Entry, LogRecord, Message, RoomRecord } from '../../../core/room/model.js';
import type { CommitBatch, RoomData } from '../../../core/room/room-state.js';
import { MESSAGE_TAIL } from '../../../core/room/room-state.js';
import { RoomLocks } from '../room-locks.js';

const copy = <T>(value: T): T => structuredClone(value);
const entryId = (scope: string, key: string): string => `${scope}\u0000${key}`;
// Code-unit order, as SQLite's BINARY collation orders ASCII ids (localeCompare would not).
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface RoomRows {
  room: RoomRecord;
  entries: Map<string, Entry>;
  /** Both kept sorted by seq, with their seqs indexed. */
  messages: Message[];
  log: LogRecord[];
  messageSeqs: Set<number>;
  logSeqs: Set<number>;
  counters: Map<string, number>;
}

export class MemoryRoomStore implements RoomStore {
  readonly exclusive = true;
  private readonly rooms = new Map<string, RoomRows>();
  readonly credentials = new MemoryCredentialStore((hash) =>
    [...this.rooms.values()].filter((r) => r.room.tokenHash === hash || r.room.viewTokenHash === hash).map((r) => r.room.id));
  private readonly locks = new RoomLocks();

  async close(): Promise<void> {}

  async createRoom(room: RoomRecord): Promise<boolean> {
    if (this.rooms.has(room.id)) return false;
    this.rooms.set(room.id, {
      room: copy(room), entries: new Map(), messages: [], log: [], messageSeqs: new Set(), logSeqs: new Set(), counters: new Map(),
    });
    return true;
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const rows = this.rooms.get(id);
    return rows ? copy(rows.room) : null;
  }

  async listRooms(ids?: readonly string[]): Promise<RoomRecord[]> {
    const all = [...this.rooms.values()].map((r) => copy(r.room)).filter((r) => !ids || ids.includes(r.id));
    return all.sort((a, b) => b.createdAt - a.createdAt || compare(a.id, b.id));
  }

  /** Replaces meta and token hashes; the id and creation time of a room never change. */
  async updateRoom(room: RoomRecord): Promise<void> {
    const rows = this.rooms.get(room.id);
    if (rows) rows.room = { ...copy(room), createdAt: rows.room.createdAt };
  }

  async deleteRoom(id: string): Promise<boolean> {
    this.credentials.deleteRoom(id);
    return this.rooms.delete(id);
  }

  async loadRoom(id: string): Promise<RoomData | null> {
    const rows = this.rooms.get(id);
    if (!rows) return null;
    const counts = new Map<string, number>();
    for (const r of rows.log) {
      if (r.kind === 'invoke' && r.ok && !r.builtin && r.action) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
    }
    const invocationCounts = Object.fromEntries(counts);
    const entries = [...rows.entries.values()].sort(
      (a, b) => a.createdAt - b.createdAt || compare(a.scope, b.scope) || compare(a.key, b.key),
    );
    return copy({
      room: rows.room,
      entries,
      messagesTail: rows.messages.slice(-MESSAGE_TAIL),
      directed: rows.messages.filter((m) => m.to).map((m) => ({ seq: m.seq, to: m.to! })),
      messageSeq: rows.messages.at(-1)?.seq ?? 0,
      logSeq: rows.log.at(-1)?.seq ?? 0,
      counters: Object.fromEntries(rows.counters),
      invocationCounts,
    });
  }

  async withRoomLock<T>(id: string, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    return this.locks.run(id, async (batch) => this.commit(id, batch), fn);
  }

  private commit(id: string, batch: CommitBatch): void {
    const rows = this.rooms.get(id);
    if (!rows) throw new Error(`room ${id} does not exist`);
    const staged = copy(batch);
    this.validate(id, rows, staged);
    for (const change of staged.entries) {
      if (change.op === 'put') rows.entries.set(entryId(change.entry.scope, change.entry.key), change.entry);
      else rows.entries.delete(entryId(change.scope, change.key));
    }
    insertBySeq(rows.messages, rows.messageSeqs, staged.messages);
    insertBySeq(rows.log, rows.logSeqs, staged.log);
    for (const [name, value] of Object.entries(staged.counters)) rows.counters.set(name, value);
    this.credentials.apply(id, staged.credentials);
    if (staged.meta) rows.room = { ...rows.room, meta: staged.meta };
    if (staged.tokens) rows.room = { ...rows.room, tokenHash: staged.tokens.tokenHash, viewTokenHash: staged.tokens.viewTokenHash };
  }

  /** Reject what the SQL stores reject through their keys, before anything is changed. */
  private validate(id: string, rows: RoomRows, batch: CommitBatch): void {
    uniqueSeqs(id, 'message', rows.messageSeqs, batch.messages);
    uniqueSeqs(id, 'log', rows.logSeqs, batch.log);
    this.credentials.check(id, batch.credentials);
  }

  async readLog(roomId: string, query: LogQuery): Promise<LogRecord[]> {
    const log = this.rooms.get(roomId)?.log ?? [];
    if (query.after !== undefined) return copy(log.filter((r) => r.seq > query.after!).slice(0, query.limit));
    const before = query.before ?? Number.POSITIVE_INFINITY;
    return copy(log.filter((r) => r.seq < before).reverse().slice(0, query.limit));
  }

  async readMessages(roomId: string, query: MessageQuery): Promise<Message[]> {
    const messages = this.rooms.get(roomId)?.messages ?? [];
    const after = messages.filter((m) => m.seq > query.after && (query.before === undefined || m.seq < query.before));
    return copy(query.limit > 0 ? after.slice(-query.limit) : []);
  }

  async pendingTimers(): Promise<Array<{ roomId: string; at: number }>> {
    const out: Array<{ roomId: string; at: number }> = [];
    for (const [roomId, rows] of this.rooms) {
      let at: number | null = null;
      for (const e of rows.entries.values()) if (e.timerAt !== null && (at === null || e.timerAt < at)) at = e.timerAt;
      if (at !== null) out.push({ roomId, at });
    }
    return out;
  }
}

function uniqueSeqs(roomId: string, what: string, existing: ReadonlySet<number>, added: ReadonlyArray<{ seq: number }>): void {
  const seen = new Set<number>();
  for (const { seq } of added) {
    if (existing.has(seq) || seen.has(seq)) throw new Error(`duplicate ${what} seq ${seq} in room ${roomId}`);
    seen.add(seq);
  }
}

function insertBySeq<T extends { seq: number }>(rows: T[], seqs: Set<number>, added: readonly T[]): void {
  let sorted = true;
  for (const row of added) {
    if (rows.length > 0 && row.seq < rows.at(-1)!.seq) sorted = false;
    rows.push(row);
    seqs.add(row.seq);
  }
  if (!sorted) rows.sort((a, b) => a.seq - b.seq);
}
