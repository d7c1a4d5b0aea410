// The beach store in the server's SQLite file (table `beach_blocks`, created by the schema's
// migrations). It shares the room store's connection: the file is opened once, exclusively. A
// transaction is one synchronous better-sqlite3 transaction, so it is serial and all-or-nothing.
import type Database from 'better-sqlite3';
import { blockBytes, checkWrites, type BeachStore, type StoredBlockSize, type StoredRecord, type Transacted } from '../../beach/beach-store.js';

export class SqliteBeachStore implements BeachStore {
  private readonly sql;
  private readonly run: <T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>) => T;

  /** `db` must already carry the schema (SqliteRoomStore migrates it on open). */
  constructor(db: Database.Database) {
    this.sql = {
      get: db.prepare<[string], { record: string }>('SELECT record FROM beach_blocks WHERE name = ?'),
      put: db.prepare('INSERT INTO beach_blocks (name, record, block_bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET record = excluded.record, block_bytes = excluded.block_bytes, updated_at = excluded.updated_at'),
      delete: db.prepare('DELETE FROM beach_blocks WHERE name = ?'),
      list: db.prepare<[], StoredBlockSize>('SELECT name, block_bytes AS bytes FROM beach_blocks WHERE block_bytes > 0'),
    };
    const tx = db.transaction((names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<unknown>) => {
      const { result, writes } = fn(new Map(names.map((name) => [name, this.read(name)] as const)));
      checkWrites(names, writes);
      const at = Date.now();
      for (const [name, record] of writes ?? []) {
        if (record === null) this.sql.delete.run(name);
        else this.sql.put.run(name, JSON.stringify(record), blockBytes(record), at);
      }
      return result;
    });
    this.run = <T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>) => tx.immediate(names, fn) as T;
  }

  async get(name: string): Promise<StoredRecord | null> {
    return this.read(name);
  }

  async transact<T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>): Promise<T> {
    return this.run(names, fn);
  }

  async list(): Promise<StoredBlockSize[]> {
    return this.sql.list.all();
  }

  /** The connection belongs to the room store, which closes it. */
  async close(): Promise<void> {}

  private read(name: string): StoredRecord | null {
    const row = this.sql.get.get(name);
    return row === undefined ? null : (JSON.parse(row.record) as StoredRecord);
  }
}
