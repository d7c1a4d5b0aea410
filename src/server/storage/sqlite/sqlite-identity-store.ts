// Identity in SQLite: its own file beside the rooms' (`identity.db` in the data directory),
// opened shared (WAL, a busy timeout) rather than exclusively, so the operator CLI can create
// users and mint or revoke tokens while the server runs, and the server sees them at once
// (nothing above the store caches identity, except what is keyed by the store's change stamp).
import Database from 'better-sqlite3';
import { SqlIdentityStore, type SqlExecutor, type SqlValue } from '../identity/sql-identity-store.js';
import { SQLITE_IDENTITY_MIGRATIONS } from '../identity/identity-schema.js';

// $n → ?: each placeholder becomes positional, and the values are picked in placeholder order.
function toSqlite(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { text, order };
}

interface Prepared {
  stmt: Database.Statement;
  order: number[];
}

class SqliteExecutor implements SqlExecutor {
  private readonly cache = new Map<string, Prepared>();
  /** PRAGMA data_version changes with every commit of another connection (the operator CLI)… */
  private readonly dataVersion: Database.Statement;
  /** …and this counts this connection's own writes, which it does not see. */
  private writes = 0;
  constructor(readonly db: Database.Database) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }
  /** Changes after any commit to the file, by any connection; no read of a table. */
  changeStamp(): string {
    return `${this.dataVersion.get() as number}:${this.writes}`;
  }
  private prepare(sql: string): Prepared {
    let prepared = this.cache.get(sql);
    if (!prepared) {
      const { text, order } = toSqlite(sql);
      prepared = { stmt: this.db.prepare(text), order };
      // Multi-row inserts vary in length: keep only fixed statements.
      if (this.cache.size < 200) this.cache.set(sql, prepared);
    }
    return prepared;
  }
  async all<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    const { stmt, order } = this.prepare(sql);
    if (!stmt.readonly) this.writes++;
    return stmt.all(...order.map((i) => params[i])) as T[];
  }
  async run(sql: string, params: SqlValue[]): Promise<number> {
    const { stmt, order } = this.prepare(sql);
    const values = order.map((i) => params[i]);
    this.writes++;
    return stmt.reader ? stmt.all(...values).length : stmt.run(...values).changes;
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

export class SqliteIdentityStore extends SqlIdentityStore {
  /** Open (and migrate) the identity database at `path` (`:memory:` for a private one). */
  constructor(path: string) {
    const db = new Database(path, { timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      // Two processes may open a fresh file together: migrate under a write lock.
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (current > SQLITE_IDENTITY_MIGRATIONS.length) throw new Error(`${path} has identity schema ${current}, newer than this agent-sync knows; run a newer agent-sync`);
        for (let v = current; v < SQLITE_IDENTITY_MIGRATIONS.length; v++) db.exec(SQLITE_IDENTITY_MIGRATIONS[v]!);
        db.pragma(`user_version = ${SQLITE_IDENTITY_MIGRATIONS.length}`);
      }).immediate();
    } catch (error) {
      db.close();
      throw error;
    }
    super(new SqliteExecutor(db));
  }
}
