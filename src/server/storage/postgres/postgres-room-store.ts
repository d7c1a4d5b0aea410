// The scale-out store (D25): any number of agent-sync processes share one PostgreSQL database
// through the `postgres` driver. Behaviour mirrors the SQLite adapter; what differs:
// - the store is not exclusive: another process may write any room, so a write lock reports the
//   real head of the room's log and the registry reloads a room that moved under it;
// - a room's write lock is a transaction holding `pg_advisory_xact_lock` on a 64-bit hash of the
//   schema and room id, so writers of one room serialise across processes (D11). Two rooms whose
//   hashes collide merely share a lock (they wait for each other); correctness never depends on
//   distinct keys. The lock ends with the transaction, so a crashed process never leaves it held;
// - each tx.commit runs in a savepoint of that transaction, so a failed batch leaves nothing
//   behind and does not undo earlier batches of the same lock; the transaction commits when the
//   lock's function settles, even if it failed (a commit it made before failing is kept, as in
//   the other stores). Work is durable once withRoomLock has resolved.
import { AsyncLocalStorage } from 'node:async_hooks';
import postgres from 'postgres';
import type { LogQuery, MessageQuery, RoomStore, RoomTx } from '../../../core/ports/room-store.js';
import { PostgresCredentialStore, type Statement } from './postgres-credential-store.js';
import type { LogRecord, Message, RoomRecord } from '../../../core/room/model.js';
import { MESSAGE_TAIL, type CommitBatch, type RoomData } from '../../../core/room/room-state.js';
import { RoomLocks } from '../room-locks.js';
import {
  entryFromRow, entryParams, logFromRow, logParams, messageFromRow, messageParams, roomFromRow, roomParams,
  type EntryRow, type LogRow, type MessageRow, type RoomRow,
} from '../sql-rows.js';
import { migrate } from './migrate.js';
import { ROOM_LOCK, SQL } from './postgres-statements.js';
import { isDatabaseUnavailable } from './unavailable.js';

export interface PostgresStoreOptions {
  /** Connections in this process's pool (default 10). A room's write lock holds one while it runs. */
  poolSize?: number;
  /** Schema for the tables (default: the server's search_path, normally `public`). It must exist. */
  schema?: string;
  /** Seconds to wait when opening a connection (default 10). */
  connectTimeoutSeconds?: number;
  /**
   * Seconds one statement may run (PostgreSQL's statement_timeout; default 10), waiting for a
   * room's advisory lock included; past it the statement fails as unavailable (503, retry).
   */
  statementTimeoutSeconds?: number;
  /**
   * Seconds a withRoomLock call may wait for its turn (this process's queue, a pooled connection,
   * the room's advisory lock) before it gives up without running its function (default: twice the
   * statement timeout). Callers that were told "unavailable" meanwhile are thus never served late.
   */
  lockWaitSeconds?: number;
  /**
   * Seconds a room lock's transaction may sit idle before PostgreSQL ends it (default 60), so a
   * process that hangs while holding a room (frozen, not crashed) cannot block the room forever.
   */
  lockIdleTimeoutSeconds?: number;
}

/**
 * The statement a commit runs in its transaction after the batch (sent in the same round trip),
 * before the lock is released: the place for the change feed's `SELECT pg_notify(...)`, which
 * PostgreSQL delivers only if and when the transaction commits. A hook that throws fails the
 * commit (before anything is sent); null adds nothing.
 */
export type CommitHook = (roomId: string, batch: CommitBatch) => Statement | null;

/** Runs inside the transaction that deletes a room (with the deleted room's creation time). */
export type DeleteHook = (sql: postgres.TransactionSql<Types>, roomId: string, createdAt: number) => Promise<unknown>;

/** bigint columns (seqs, times, counters) come back as JS numbers; every value we store is one. */
const int8 = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };
type Types = { int8: number };
type Exec = postgres.Sql<Types> | postgres.TransactionSql<Types>;

/** The lock transaction of the running withRoomLock, seen by store calls made from inside it. */
interface LockScope {
  sql: postgres.TransactionSql<Types>;
  open: boolean;
}

export class PostgresRoomStore implements RoomStore {
  readonly exclusive = false;
  /**
   * The current pool. A connection failure replaces it with a fresh one and ends the old one once
   * its in-flight work had time to finish: the `postgres` driver (3.4.9) can leave a transaction
   * begun just after a connection reset pending forever, and only ending its pool settles it.
   */
  private sql: postgres.Sql<Types>;
  private readonly connect: () => postgres.Sql<Types>;
  private readonly drainSeconds: number;
  private readonly lockWaitMs: number;
  /** The migration in progress or done; cleared when it failed, so the next call tries again. */
  private migrated: Promise<void> | null = null;
  private readonly locks = new RoomLocks();
  private readonly scopes = new AsyncLocalStorage<LockScope>();
  private readonly hooks: CommitHook[] = [];
  /** Agent credentials in this database: commits and deletions write them in their transaction. */
  readonly credentials = new PostgresCredentialStore((text, params) => this.query(text, params));
  private readonly deleteHooks: DeleteHook[] = [];

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.drainSeconds = (options.statementTimeoutSeconds ?? 10) + 1;
    this.lockWaitMs = (options.lockWaitSeconds ?? 2 * (options.statementTimeoutSeconds ?? 10)) * 1000;
    this.connect = () => postgres(url, {
      max: options.poolSize ?? 10,
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      types: { int8 },
      connection: {
        application_name: 'agent-sync',
        idle_in_transaction_session_timeout: (options.lockIdleTimeoutSeconds ?? 60) * 1000,
        statement_timeout: (options.statementTimeoutSeconds ?? 10) * 1000,
        ...(options.schema ? { search_path: options.schema } : {}),
      },
      onnotice: () => {},
    });
    this.sql = this.connect();
    // Start now; a failure reaches whoever calls the store first (start-up restores timers at once).
    this.ready().catch(() => {});
  }

  /**
   * Pass on what `work` on `pool` settles to; when it fails because the database went away, put a
   * fresh pool in the place of that one (once: later failures of the old pool change nothing).
   */
  private watch<T>(pool: postgres.Sql<Types>, work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      if (pool === this.sql && !this.closing && isDatabaseUnavailable(error)) {
        this.sql = this.connect();
        pool.end({ timeout: this.drainSeconds }).catch(() => {});
      }
      throw error;
    });
  }

  private closing = false;

  /** Every call waits for the schema; a failed migration (database down) is retried by the next call. */
  private ready(): Promise<void> {
    const pool = this.sql;
    this.migrated ??= this.watch(pool, migrate(pool)).then(
      () => undefined,
      (error: unknown) => {
        this.migrated = null;
        throw error;
      },
    );
    return this.migrated;
  }

  /** Add a statement to every commit's transaction (see CommitHook); returns its removal. */
  onCommit(hook: CommitHook): () => void {
    this.hooks.push(hook);
    return () => {
      const at = this.hooks.indexOf(hook);
      if (at >= 0) this.hooks.splice(at, 1);
    };
  }

  /** One statement for a server module keeping its own rows beside the rooms (MCP's credential store). */
  statement<R>(text: string, params: unknown[] = []): Promise<R[]> {
    return this.query<R>(text, params);
  }

  /** Create a server module's tables once, even when processes start together (an advisory lock per schema). */
  async ensureTables(name: string, statements: readonly string[]): Promise<void> {
    await this.ready();
    await this.sql.begin(async (tx) => {
      await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtextextended('agent-sync:tables:' || $1 || ':' || coalesce(current_schema(), ''), 0))`, [name]);
      for (const statement of statements) await tx.unsafe(statement);
    });
  }

  /** Add a statement to every room deletion's transaction; returns its removal. */
  onDelete(hook: DeleteHook): () => void {
    this.deleteHooks.push(hook);
    return () => {
      const at = this.deleteHooks.indexOf(hook);
      if (at >= 0) this.deleteHooks.splice(at, 1);
    };
  }

  /** Wait until the database is reachable and migrated; throws what stopped it. */
  async open(): Promise<void> {
    await this.ready();
  }

  /**
   * One transaction on this store's pool, for stores that share its database (the beach): `run`
   * executes a statement in it. It commits when `fn` resolves and rolls back when it throws.
   */
  async transaction<T>(fn: (run: <R>(text: string, params: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T> {
    await this.ready();
    const pool = this.sql;
    return this.watch(pool, pool.begin((tx) => fn(<R>(text: string, params: unknown[]) => this.query<R>(text, params, tx))) as Promise<T>);
  }

  /** One statement on this store's pool, for stores that share its database. */
  select<R>(text: string, params: unknown[] = []): Promise<R[]> {
    return this.query<R>(text, params);
  }

  /** One round trip to the database (readiness): throws when it cannot be reached. */
  async ping(): Promise<void> {
    await this.watch(this.sql, this.sql.unsafe('SELECT 1'));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.migrated?.catch(() => {});
    await this.sql.end({ timeout: 5 });
  }

  /**
   * Calls made while this process holds a room's lock run on the lock's connection: they see what
   * the lock has committed so far, and they never wait for a second pooled connection (a full
   * pool of lock holders each waiting for one more connection would wait forever).
   */
  private exec(): Exec {
    const scope = this.scopes.getStore();
    return scope?.open ? scope.sql : this.sql;
  }

  private async query<R>(text: string, params: unknown[] = [], on: Exec = this.exec()): Promise<R[]> {
    await this.ready();
    const pool = this.sql;
    return (await this.watch(pool, on.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }))) as unknown as R[];
  }

  async createRoom(room: RoomRecord): Promise<boolean> {
    await this.ready();
    const result = await this.watch(this.sql, this.exec().unsafe(SQL.insertRoom, roomParams(room) as never[], { prepare: true }));
    return result.count === 1;
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const [row] = await this.query<RoomRow>(SQL.getRoom, [id]);
    return row ? roomFromRow(row) : null;
  }

  async listRooms(ids?: readonly string[]): Promise<RoomRecord[]> {
    if (ids && ids.length === 0) return [];
    const rows = ids ? await this.query<RoomRow>(SQL.listRoomsIn, [[...ids]]) : await this.query<RoomRow>(SQL.listRooms);
    return rows.map(roomFromRow);
  }

  async updateRoom(room: RoomRecord): Promise<void> {
    await this.query(SQL.updateRoom, [JSON.stringify(room.meta), room.tokenHash, room.viewTokenHash, room.id]);
  }

  /** Takes the room's lock, so no other process commits into a room while it is being removed. */
  async deleteRoom(id: string): Promise<boolean> {
    const run = async (tx: postgres.TransactionSql<Types>): Promise<boolean> => {
      await this.query(ROOM_LOCK, [id], tx);
      for (const statement of SQL.deleteRoomRows) await this.query(statement, [id], tx);
      const [credentials, params] = this.credentials.deleteRoomStatement(id);
      await this.query(credentials, params, tx);
      const [gone] = await this.query<{ created_at: number }>(SQL.deleteRoom, [id], tx);
      if (!gone) return false;
      for (const hook of this.deleteHooks) await hook(tx, id, gone.created_at);
      return true;
    };
    const scope = this.scopes.getStore();
    if (scope?.open) return run(scope.sql);
    await this.ready();
    return this.watch(this.sql, this.sql.begin((tx) => run(tx)) as Promise<boolean>);
  }

  /**
   * Outside a lock the room is read in one read-only REPEATABLE READ transaction, so the image
   * is one consistent snapshot (entries and log head of the same instant) even while another
   * process commits; inside a lock, on the lock's connection (writers are held off).
   */
  async loadRoom(id: string): Promise<RoomData | null> {
    const scope = this.scopes.getStore();
    if (scope?.open) return this.loadRoomOn(id, scope.sql);
    await this.ready();
    const pool = this.sql;
    return this.watch(pool, pool.begin('isolation level repeatable read read only', (tx) => this.loadRoomOn(id, tx)) as Promise<RoomData | null>);
  }

  private async loadRoomOn(id: string, on: Exec): Promise<RoomData | null> {
    const [roomRows, entries, tail, directed, messageSeq, logSeq, counters, counts] = await Promise.all([
      this.query<RoomRow>(SQL.getRoom, [id], on),
      this.query<EntryRow>(SQL.entriesOf, [id], on),
      this.query<MessageRow>(SQL.messageTail, [id, MESSAGE_TAIL], on),
      this.query<{ seq: number; recipients: string }>(SQL.directed, [id], on),
      this.query<{ n: number | null }>(SQL.maxMessageSeq, [id], on),
      this.query<{ n: number | null }>(SQL.maxLogSeq, [id], on),
      this.query<{ name: string; value: number }>(SQL.countersOf, [id], on),
      this.query<{ action: string; n: number }>(SQL.invocationCounts, [id], on),
    ]);
    const roomRow = roomRows[0];
    if (!roomRow) return null;
    return {
      room: roomFromRow(roomRow),
      entries: entries.map(entryFromRow),
      messagesTail: tail.map(messageFromRow).reverse(),
      directed: directed.map((r) => ({ seq: r.seq, to: JSON.parse(r.recipients) as string[] })),
      messageSeq: messageSeq[0]?.n ?? 0,
      logSeq: logSeq[0]?.n ?? 0,
      counters: Object.fromEntries(counters.map((r) => [r.name, r.value])),
      invocationCounts: Object.fromEntries(counts.map((c) => [c.action, c.n])),
    };
  }

  /**
   * Holders in this process queue here first (in call order, one pooled connection per busy
   * room), then take the advisory lock that serialises them with the other processes.
   */
  async withRoomLock<T>(id: string, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    await this.ready();
    return this.locks.queue(id, () => this.lockedTransaction(id, fn, giveUpAt));
  }

  private async lockedTransaction<T>(id: string, fn: (tx: RoomTx) => Promise<T>, giveUpAt: number): Promise<T> {
    const late = () => {
      if (Date.now() > giveUpAt) throw Object.assign(new Error(`waited too long for the write lock on room ${id}`), { code: 'ROOM_LOCK_TIMEOUT' });
    };
    late();
    let failure: { error: unknown } | null = null;
    let scope: LockScope | null = null;
    try {
      const pool = this.sql;
      const result = await this.watch(pool, pool.begin(async (sql) => {
        // The lock and the log head in one round trip: the connection runs the second statement
        // once the first holds the lock, and each statement reads its own snapshot, so the head
        // is the one under the lock. Until this lock commits, nobody else can move it.
        const [, headRows] = await Promise.all([
          sql.unsafe(ROOM_LOCK, [id], { prepare: true }).execute(),
          sql.unsafe<Array<{ n: number | null }>>(SQL.maxLogSeq, [id], { prepare: true }).execute(),
        ]);
        let head: number | null = headRows[0]?.n ?? 0;
        late();
        const current: LockScope = { sql, open: true };
        scope = current;
        const live = () => {
          if (!current.open) throw new Error(`the write lock on room ${id} was already released; commit inside withRoomLock`);
        };
        const tx: RoomTx = {
          headSeq: async () => {
            live();
            if (head !== null) return head;
            const [row] = await this.query<{ n: number | null }>(SQL.maxLogSeq, [id], sql);
            return row?.n ?? 0;
          },
          commit: async (batch) => {
            live();
            head = null;
            await sql.savepoint((savepoint) => this.applyBatch(savepoint, id, batch));
          },
        };
        try {
          return await this.scopes.run(current, () => fn(tx));
        } catch (error) {
          // Commit what the function committed before it failed, then pass the failure on.
          failure = { error };
          return undefined;
        } finally {
          current.open = false;
        }
      }));
      if (failure) throw (failure as { error: unknown }).error;
      return result as T;
    } finally {
      if (scope) (scope as LockScope).open = false;
    }
  }

  /**
   * The batch in one round trip: the room check, the batch's statements and the hooks' go out
   * together and the connection runs them in order; a failure anywhere fails the savepoint.
   */
  private async applyBatch(sql: postgres.TransactionSql<Types>, roomId: string, batch: CommitBatch): Promise<void> {
    const statements: Statement[] = [[SQL.roomExists, [roomId]], ...batchStatements(roomId, batch, this.credentials)];
    for (const hook of this.hooks) {
      const statement = hook(roomId, batch);
      if (statement) statements.push(statement);
    }
    const [exists, ...writes] = statements.map(([text, params]) => sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).execute());
    const [found] = await Promise.all([exists!, ...writes]);
    if (found.length === 0) throw new Error(`room ${roomId} does not exist`);
  }

  async readLog(roomId: string, query: LogQuery): Promise<LogRecord[]> {
    const rows = query.after !== undefined
      ? await this.query<LogRow>(SQL.logAfter, [roomId, query.after, query.limit])
      : await this.query<LogRow>(SQL.logBefore, [roomId, query.before ?? Number.MAX_SAFE_INTEGER, query.limit]);
    return rows.map(logFromRow);
  }

  async readMessages(roomId: string, query: MessageQuery): Promise<Message[]> {
    return (await this.query<MessageRow>(SQL.messagesAfter, [roomId, query.after, query.before ?? Number.MAX_SAFE_INTEGER, query.limit])).map(messageFromRow).reverse();
  }

  async pendingTimers(): Promise<Array<{ roomId: string; at: number }>> {
    return (await this.query<{ roomId: string; at: number }>(SQL.pendingTimers)).map((r) => ({ roomId: r.roomId, at: r.at }));
  }
}

/** What a batch writes, in order (entries, messages, log, counters, credentials, room record). */
function batchStatements(roomId: string, batch: CommitBatch, credentials: PostgresCredentialStore): Statement[] {
  const out: Statement[] = [];
  for (const change of batch.entries) {
    out.push(change.op === 'put' ? [SQL.upsertEntry, entryParams(roomId, change.entry)] : [SQL.deleteEntry, [roomId, change.scope, change.key]]);
  }
  for (const m of batch.messages) out.push([SQL.insertMessage, messageParams(roomId, m)]);
  for (const l of batch.log) out.push([SQL.insertLog, logParams(roomId, l)]);
  for (const [name, value] of Object.entries(batch.counters)) out.push([SQL.upsertCounter, [roomId, name, value]]);
  out.push(...credentials.statementsFor(roomId, batch.credentials));
  if (batch.meta) out.push([SQL.updateRoomMeta, [JSON.stringify(batch.meta), roomId]]);
  if (batch.tokens) out.push([SQL.updateRoomTokens, [batch.tokens.tokenHash, batch.tokens.viewTokenHash, roomId]]);
  return out;
}
