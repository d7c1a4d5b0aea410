// The embedded default store (D24): one SQLite file in WAL mode through better-sqlite3.
// One server process owns a data directory (a lock file beside the database, owner-lock.ts), so
// its in-memory room images can never go stale; other processes (the operator CLI) may only read
// the file (`readRoomsReadOnly`).
import Database from 'better-sqlite3';
import type { LogQuery, MessageQuery, RoomStore, RoomTx } from '../../../core/ports/room-store.js';
import { SqliteCredentialStore } from './sqlite-credential-store.js';
import type { LogRecord, Message, RoomRecord } from '../../../core/room/model.js';
import { MESSAGE_TAIL, type CommitBatch, type RoomData } from '../../../core/room/room-state.js';
import { RoomLocks } from '../room-locks.js';
import { MIGRATIONS } from './schema.js';
import {
  entryFromRow, entryParams, logFromRow, logParams, messageFromRow, messageParams, roomFromRow, roomParams,
  type EntryRow, type LogRow, type MessageRow, type RoomRow,
} from '../sql-rows.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { acquireOwnerLock } from './owner-lock.js';

export class SqliteRoomStore implements RoomStore {
  readonly exclusive = true;
  /** The open connection; the beach store shares it (one exclusive owner of the file). */
  readonly db: Database.Database;
  private readonly sql: Statements;
  /** Agent credentials, on this connection: commits and deletions write them in their transaction. */
  readonly credentials: SqliteCredentialStore;
  private readonly commitTx: (roomId: string, batch: CommitBatch) => void;
  private readonly locks = new RoomLocks();
  private readonly release: () => void;

  /**
   * Open (and migrate) the database at `path`; `:memory:` gives a private in-memory database.
   * Throws at once if another connection (another agent-sync process) holds the file.
   */
  constructor(path: string) {
    this.release = path === ':memory:' ? () => {} : acquireOwnerLock(path);
    // A short busy wait: only a reader (the operator CLI) ever shares the file, briefly.
    try {
      this.db = new Database(path, { timeout: 2000 });
    } catch (error) {
      this.release();
      throw error;
    }
    try {
      this.db.pragma('foreign_keys = OFF');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.migrate();
    } catch (error) {
      this.db.close();
      this.release();
      if (isBusy(error)) {
        throw new Error(`another agent-sync process is using ${path}; stop it or choose another data directory`, { cause: error });
      }
      throw error;
    }
    this.sql = prepareStatements(this.db);
    this.credentials = new SqliteCredentialStore(this.db);
    this.commitTx = this.db.transaction((roomId: string, batch: CommitBatch) => this.applyBatch(roomId, batch));
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /** Readiness: the file is open and answers a read. */
  async ping(): Promise<void> {
    this.db.pragma('user_version', { simple: true });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.release();
  }

  async createRoom(room: RoomRecord): Promise<boolean> {
    return this.sql.insertRoom.run(...roomParams(room)).changes === 1;
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const row = this.sql.getRoom.get(id) as RoomRow | undefined;
    return row ? roomFromRow(row) : null;
  }

  async listRooms(ids?: readonly string[]): Promise<RoomRecord[]> {
    const rows = this.sql.listRooms.all() as RoomRow[];
    return rows.map(roomFromRow).filter((r) => !ids || ids.includes(r.id));
  }

  async updateRoom(room: RoomRecord): Promise<void> {
    this.sql.updateRoom.run(JSON.stringify(room.meta), room.tokenHash, room.viewTokenHash, room.id);
  }

  async deleteRoom(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      for (const stmt of this.sql.deleteRoomRows) stmt.run(id);
      this.credentials.deleteRoom(id);
      return this.sql.deleteRoom.run(id).changes === 1;
    })();
  }

  async loadRoom(id: string): Promise<RoomData | null> {
    const roomRow = this.sql.getRoom.get(id) as RoomRow | undefined;
    if (!roomRow) return null;
    const tail = (this.sql.messageTail.all(id, MESSAGE_TAIL) as MessageRow[]).map(messageFromRow).reverse();
    const directed = (this.sql.directed.all(id) as Array<{ seq: number; recipients: string }>).map((r) => ({ seq: r.seq, to: JSON.parse(r.recipients) as string[] }));
    const counts = this.sql.invocationCounts.all(id) as Array<{ action: string; n: number }>;
    return {
      room: roomFromRow(roomRow),
      entries: (this.sql.entriesOf.all(id) as EntryRow[]).map(entryFromRow),
      messagesTail: tail,
      directed,
      messageSeq: (this.sql.maxMessageSeq.get(id) as { n: number | null }).n ?? 0,
      logSeq: (this.sql.maxLogSeq.get(id) as { n: number | null }).n ?? 0,
      counters: Object.fromEntries((this.sql.countersOf.all(id) as Array<{ name: string; value: number }>).map((r) => [r.name, r.value])),
      invocationCounts: Object.fromEntries(counts.map((c) => [c.action, c.n])),
    };
  }

  async withRoomLock<T>(id: string, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    return this.locks.run(id, async (batch) => this.commitTx(id, batch), fn);
  }

  private applyBatch(roomId: string, batch: CommitBatch): void {
    if (!this.sql.roomExists.get(roomId)) throw new Error(`room ${roomId} does not exist`);
    for (const change of batch.entries) {
      if (change.op === 'put') this.sql.upsertEntry.run(...entryParams(roomId, change.entry));
      else this.sql.deleteEntry.run(roomId, change.scope, change.key);
    }
    for (const m of batch.messages) this.sql.insertMessage.run(...messageParams(roomId, m));
    for (const l of batch.log) this.sql.insertLog.run(...logParams(roomId, l));
    for (const [name, value] of Object.entries(batch.counters)) this.sql.upsertCounter.run(roomId, name, value);
    this.credentials.apply(roomId, batch.credentials);
    if (batch.meta) this.sql.updateRoomMeta.run(JSON.stringify(batch.meta), roomId);
    if (batch.tokens) this.sql.updateRoomTokens.run(batch.tokens.tokenHash, batch.tokens.viewTokenHash, roomId);
  }

  async readLog(roomId: string, query: LogQuery): Promise<LogRecord[]> {
    const rows = query.after !== undefined
      ? (this.sql.logAfter.all(roomId, query.after, query.limit) as LogRow[])
      : (this.sql.logBefore.all(roomId, query.before ?? Number.MAX_SAFE_INTEGER, query.limit) as LogRow[]);
    return rows.map(logFromRow);
  }

  async readMessages(roomId: string, query: MessageQuery): Promise<Message[]> {
    return (this.sql.messagesAfter.all(roomId, query.after, query.before ?? Number.MAX_SAFE_INTEGER, query.limit) as MessageRow[]).map(messageFromRow).reverse();
  }

  async pendingTimers(): Promise<Array<{ roomId: string; at: number }>> {
    return this.sql.pendingTimers.all() as Array<{ roomId: string; at: number }>;
  }
}

/** The rooms of a database another process may own, read through a read-only connection (operator CLI). */
export function readRoomsReadOnly(path: string): Array<{ id: string; createdAt: number; meta: string }> {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    return (db.prepare('SELECT id, created_at AS createdAt, meta FROM rooms ORDER BY created_at DESC, id').all() as Array<{ id: string; createdAt: number; meta: string }>);
  } finally {
    db.close();
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}
