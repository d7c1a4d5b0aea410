// The beach store conformance suite: every BeachStore adapter runs these cases unchanged, each on a
// fresh, empty store. Test support: imports vitest, never imported by the server.
import { describe, expect, it } from 'vitest';
import { perTestStore } from './per-test-store.js';
import { withBlock, type BeachStore, type StoredRecord } from '../../beach/beach-store.js';

export interface BeachStoreHandle {
  store: BeachStore;
  cleanup(): Promise<void>;
}

export interface BeachStoreFactory {
  name: string;
  create(): Promise<BeachStoreHandle>;
}

const record = (block: StoredRecord['block'], locks: Record<string, string> = {}): StoredRecord => ({ block, locks });
const put = (store: BeachStore, name: string, value: StoredRecord | null) => withBlock(store, name, () => ({ result: undefined, next: value }));
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'sed:crew', 'grain:085d6efa34a97d66', 'ünïcødé 名前', "quote' \"double\"", 'a'.repeat(512)];

export function runBeachStoreConformance(factory: BeachStoreFactory): void {
  describe(`BeachStore conformance: ${factory.name}`, () => {
    const handle = perTestStore<BeachStoreHandle>(() => factory.create());
    const store = (): BeachStore => handle().store;

    it('answers null for an absent block and lists nothing on an empty store', async () => {
      expect(await store().get('nope')).toBeNull();
      expect(await store().list()).toEqual([]);
      expect(await withBlock(store(), 'nope', (r) => ({ result: r }))).toBeNull();
    });

    it('stores, replaces and deletes a record, keeping every field', async () => {
      const first: StoredRecord = { block: { _: 'A', 1: { _: 'one', 2: 'deep' } }, locks: { _: 'h0', 1: 'h1' }, touched: '2026-06-01T12:00:00.000Z', claims: [{ window: 'w1', claimant: 'alice', at: 5 }] };
      await put(store(), 'a', first);
      expect(await store().get('a')).toEqual(first);
      await put(store(), 'a', record({ _: 'A2' }));
      expect(await store().get('a')).toEqual(record({ _: 'A2' }));
      await put(store(), 'a', null);
      expect(await store().get('a')).toBeNull();
      expect(await store().list()).toEqual([]);
    });

    it('leaves a record as it was when the transaction writes nothing, and returns its result', async () => {
      await put(store(), 'a', record({ _: 'A' }));
      expect(await withBlock(store(), 'a', (r) => ({ result: r?.block }))).toEqual({ _: 'A' });
      expect(await store().get('a')).toEqual(record({ _: 'A' }));
    });

    it('hands out copies: changing what was read or written does not change the store', async () => {
      const written = record({ _: 'A', 1: 'one' });
      await put(store(), 'a', written);
      (written.block as Record<string, unknown>)['1'] = 'mutated after write';
      const read = (await store().get('a'))!;
      (read.block as Record<string, unknown>)['1'] = 'mutated after read';
      await withBlock(store(), 'a', (r) => {
        (r!.block as Record<string, unknown>)['1'] = 'mutated inside, not written';
        return { result: undefined };
      });
      expect((await store().get('a'))!.block).toEqual({ _: 'A', 1: 'one' });
    });

    it('lists blocks with their JSON size, but not lock-only records', async () => {
      await put(store(), 'b', record({ _: 'bee' }));
      await put(store(), 'a', record({ _: 'A', 1: 'one' }));
      await put(store(), 'locked-only', record(null, { _: 'hash' }));
      const listed = [...(await store().list())].sort((x, y) => x.name.localeCompare(y.name));
      expect(listed).toEqual([
        { name: 'a', bytes: JSON.stringify({ _: 'A', 1: 'one' }).length },
        { name: 'b', bytes: JSON.stringify({ _: 'bee' }).length },
      ]);
      expect(await store().get('locked-only')).toEqual(record(null, { _: 'hash' }));
    });

    it('keeps hostile names and keys apart and intact', async () => {
      for (const [i, name] of HOSTILE.entries()) await put(store(), name, record(JSON.parse(`{"_":"block ${i}","__proto__":"key"}`)));
      for (const [i, name] of HOSTILE.entries()) {
        const got = (await store().get(name))!;
        expect(got.block!['_']).toBe(`block ${i}`);
        expect(Object.prototype.hasOwnProperty.call(got.block, '__proto__')).toBe(true);
        expect(Object.getPrototypeOf(got.block)).toBe(Object.prototype);
      }
      expect((await store().list()).map((b) => b.name).sort()).toEqual([...HOSTILE].sort());
      expect(await store().get('prototype')).toBeNull();
    });

    it('changes several blocks in one transaction, all or nothing', async () => {
      await put(store(), 'pool', record({ _: 'pool' }));
      await store().transact(['pool', 'liquid:pool'], () => ({
        result: undefined,
        writes: new Map([
          ['pool', record({ _: 'pool', 1: 'entry' })],
          ['liquid:pool', record({ _: 'liquid' })],
        ]),
      }));
      expect((await store().get('pool'))!.block).toEqual({ _: 'pool', 1: 'entry' });
      expect((await store().get('liquid:pool'))!.block).toEqual({ _: 'liquid' });

      await expect(store().transact(['pool', 'liquid:pool'], () => {
        throw new Error('engine bug');
      })).rejects.toThrow('engine bug');
      await expect(store().transact(['pool'], () => ({ result: 1, writes: new Map([['pool', record({ _: 'x' })], ['elsewhere', record({ _: 'y' })]]) }))).rejects.toThrow(/did not lock/);
      expect((await store().get('pool'))!.block).toEqual({ _: 'pool', 1: 'entry' });
      expect(await store().get('elsewhere')).toBeNull();
    });

    it('serialises concurrent transactions on one block: no update is lost', async () => {
      const bump = (r: StoredRecord | null) => {
        const n = Number(r?.block?.['_'] ?? '0');
        return { result: n + 1, next: record({ _: String(n + 1) }) };
      };
      const results = await Promise.all(Array.from({ length: 50 }, () => withBlock(store(), 'counter', bump)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store().get('counter'))!.block).toEqual({ _: '50' });
    });

    it('serialises multi-block transactions with single-block ones on the same names', async () => {
      const bumpAll = (names: string[]) =>
        store().transact(names, (records) => ({
          result: undefined,
          writes: new Map(names.map((name) => [name, record({ _: String(Number(records.get(name)?.block?.['_'] ?? '0') + 1) })])),
        }));
      await Promise.all(Array.from({ length: 30 }, (_, i) => bumpAll(i % 3 === 0 ? ['x', 'y'] : i % 3 === 1 ? ['y'] : ['x'])));
      expect((await store().get('x'))!.block).toEqual({ _: '20' });
      expect((await store().get('y'))!.block).toEqual({ _: '20' });
    });
  });
}
