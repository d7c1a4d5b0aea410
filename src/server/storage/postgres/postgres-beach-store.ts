// The beach store in PostgreSQL (table `beach_blocks`, created by the room store's migrations), on
// the room store's pool. A transaction takes a transaction-scoped advisory lock per block name, in
// sorted order (so two multi-block transactions never deadlock), then reads, runs the pure engine
// and writes: transactions touching a name serialise across every process on the database.
import { blockBytes, checkWrites, type BeachStore, type StoredBlockSize, type StoredRecord, type Transacted } from '../../beach/beach-store.js';

/** What the beach needs of the room store (PostgresRoomStore provides it). */
export interface SharedDatabase {
  select<R>(text: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (run: <R>(text: string, params: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T>;
}

const SQL = {
  lock: `SELECT pg_advisory_xact_lock(hashtextextended('agent-sync:beach:' || coalesce(current_schema(), '') || ':' || $1, 0))`,
  get: 'SELECT record FROM beach_blocks WHERE name = $1',
  put: `INSERT INTO beach_blocks (name, record, block_bytes, updated_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (name) DO UPDATE SET record = excluded.record, block_bytes = excluded.block_bytes, updated_at = excluded.updated_at`,
  delete: 'DELETE FROM beach_blocks WHERE name = $1',
  list: 'SELECT name, block_bytes AS bytes FROM beach_blocks WHERE block_bytes > 0',
} as const;

const parse = (rows: Array<{ record: string }>): StoredRecord | null => (rows[0] ? (JSON.parse(rows[0].record) as StoredRecord) : null);

export class PostgresBeachStore implements BeachStore {
  constructor(private readonly db: SharedDatabase) {}

  async get(name: string): Promise<StoredRecord | null> {
    return parse(await this.db.select<{ record: string }>(SQL.get, [name]));
  }

  async transact<T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>): Promise<T> {
    const unique = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.db.transaction(async (run) => {
      for (const name of unique) await run(SQL.lock, [name]);
      const records = new Map<string, StoredRecord | null>();
      for (const name of names) records.set(name, parse(await run<{ record: string }>(SQL.get, [name])));
      const { result, writes } = fn(records);
      checkWrites(names, writes);
      const at = Date.now();
      for (const [name, record] of writes ?? []) {
        if (record === null) await run(SQL.delete, [name]);
        else await run(SQL.put, [name, JSON.stringify(record), blockBytes(record), at]);
      }
      return result;
    });
  }

  async list(): Promise<StoredBlockSize[]> {
    return (await this.db.select<StoredBlockSize>(SQL.list)).map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  }

  /** The pool belongs to the room store, which closes it. */
  async close(): Promise<void> {}
}
