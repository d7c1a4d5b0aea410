// The beach store in process memory: each record kept as JSON text, so callers never share objects
// with the store. A transaction runs start to finish in one synchronous step, so it is serial.
import { blockBytes, checkWrites, type BeachStore, type StoredBlockSize, type StoredRecord, type Transacted } from '../../beach/beach-store.js';

export class MemoryBeachStore implements BeachStore {
  private readonly records = new Map<string, { text: string; bytes: number }>();

  async get(name: string): Promise<StoredRecord | null> {
    return this.read(name);
  }

  async transact<T>(names: readonly string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<T>): Promise<T> {
    const current = new Map(names.map((name) => [name, this.read(name)] as const));
    const { result, writes } = fn(current);
    checkWrites(names, writes);
    const encoded = [...(writes ?? [])].map(([name, record]) => [name, record === null ? null : { text: JSON.stringify(record), bytes: blockBytes(record) }] as const);
    for (const [name, value] of encoded) {
      if (value === null) this.records.delete(name);
      else this.records.set(name, value);
    }
    return result;
  }

  async list(): Promise<StoredBlockSize[]> {
    return [...this.records].filter(([, value]) => value.bytes > 0).map(([name, value]) => ({ name, bytes: value.bytes }));
  }

  async close(): Promise<void> {}

  private read(name: string): StoredRecord | null {
    const value = this.records.get(name);
    return value === undefined ? null : (JSON.parse(value.text) as StoredRecord);
  }
}
