// An in-memory RoomStore for tests and ephemeral servers. Data is copied in and out, so
// callers can never alias what the store holds.
import type { AgentCredential, LogQuery, MessageQuery, RoomStore, RoomTx } from '../../../core/ports/room-store.js';
import type { Entry, LogRecord, Message, RoomRecord } from '../../../core/room/model.js';
import type { CommitBatch, RoomData } from '../../../core/room/room-state.js';
import { MESSAGE_TAIL } from '../../../core/room/room-state.js';

const copy = <T>(value: T): T => structuredClone(value);

interface RoomRows {
  room: RoomRecord;
  entries: Map<string, Entry>;
  messages: Message[];
  log: LogRecord[];
  counters: Map<string, number>;
}

export class MemoryRoomStore implements RoomStore {
  readonly exclusive = true;
  private readonly rooms = new Map<string, RoomRows>();
  private readonly credentials = new Map<string, AgentCredential>();

  async close(): Promise<void> {}

  async createRoom(room: RoomRecord): Promise<boolean> {
    if (this.rooms.has(room.id)) return false;
    this.rooms.set(room.id, { room: copy(room), entries: new Map(), messages: [], log: [], counters: new Map() });
    return true;
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const rows = this.rooms.get(id);
    return rows ? copy(rows.room) : null;
  }

  async listRooms(ids?: readonly string[]): Promise<RoomRecord[]> {
    const all = [...this.rooms.values()].map((r) => copy(r.room)).filter((r) => !ids || ids.includes(r.id));
    return all.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  async updateRoom(room: RoomRecord): Promise<void> {
    const rows = this.rooms.get(room.id);
    if (rows) rows.room = copy(room);
  }

  async deleteRoom(id: string): Promise<boolean> {
    for (const [hash, cred] of this.credentials) if (cred.roomId === id) this.credentials.delete(hash);
    return this.rooms.delete(id);
  }

  async loadRoom(id: string): Promise<RoomData | null> {
    const rows = this.rooms.get(id);
    if (!rows) return null;
    const invocationCounts: Record<string, number> = {};
    for (const r of rows.log) {
      if (r.kind === 'invoke' && r.ok && !r.builtin && r.action) invocationCounts[r.action] = (invocationCounts[r.action] ?? 0) + 1;
    }
    const entries = [...rows.entries.values()].sort((a, b) => a.createdAt - b.createdAt);
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
    return fn({ headSeq: async () => null, commit: async (batch) => this.commit(id, batch) });
  }

  private commit(id: string, batch: CommitBatch): void {
    const rows = this.rooms.get(id);
    if (!rows) throw new Error(`room ${id} does not exist`);
    const staged = copy(batch);
    for (const change of staged.entries) {
      if (change.op === 'put') rows.entries.set(`${change.entry.scope}\u0000${change.entry.key}`, change.entry);
      else rows.entries.delete(`${change.scope}\u0000${change.key}`);
    }
    rows.messages.push(...staged.messages);
    rows.log.push(...staged.log);
    for (const [name, value] of Object.entries(staged.counters)) rows.counters.set(name, value);
    const creds = staged.credentials;
    if (creds?.revokeAgent) {
      for (const c of this.credentials.values()) if (c.roomId === id && c.agentId === creds.revokeAgent && c.revokedAt === null) c.revokedAt = creds.at;
    }
    if (creds?.issue) this.credentials.set(creds.issue.hash, { hash: creds.issue.hash, roomId: id, agentId: creds.issue.agentId, createdAt: creds.at, revokedAt: null });
  }

  async readLog(roomId: string, query: LogQuery): Promise<LogRecord[]> {
    const log = this.rooms.get(roomId)?.log ?? [];
    if (query.after !== undefined) return copy(log.filter((r) => r.seq > query.after!).slice(0, query.limit));
    const before = query.before ?? Number.POSITIVE_INFINITY;
    return copy(log.filter((r) => r.seq < before).reverse().slice(0, query.limit));
  }

  async readMessages(roomId: string, query: MessageQuery): Promise<Message[]> {
    const messages = this.rooms.get(roomId)?.messages ?? [];
    return copy(messages.filter((m) => m.seq > query.after).slice(-query.limit));
  }

  async findAgentCredential(hash: string): Promise<AgentCredential | null> {
    const cred = this.credentials.get(hash);
    return cred ? copy(cred) : null;
  }

  async roomsForCredential(hash: string): Promise<string[]> {
    const out = new Set<string>();
    const cred = this.credentials.get(hash);
    if (cred && cred.revokedAt === null) out.add(cred.roomId);
    for (const rows of this.rooms.values()) if (rows.room.tokenHash === hash || rows.room.viewTokenHash === hash) out.add(rows.room.id);
    return [...out];
  }
}
