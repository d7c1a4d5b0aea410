// Conformance cases for state entries: every field and JSON type survives a commit and a load;
// puts replace, deletes remove, loads order by creation time; pending timers are found.
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../core/json.js';
import type { Entry } from '../../../core/room/model.js';
import type { StoreContext } from './fixtures.js';
import { commit, del, entry, put, seedRoom } from './fixtures.js';

const VALUES: Array<[string, Json]> = [
  ['plain', 'hello'], ['numeric-string', '42'], ['bool-string', 'true'], ['null-string', 'null'],
  ['json-string', '{"a":1}'], ['quoted-string', '"x"'], ['empty-string', ''], ['unicode', 'héllo 🌍 \u0000 end'],
  ['int', 42], ['negative', -7], ['zero', 0], ['float', 3.25], ['big', 2 ** 53 - 1], ['tiny', 1e-7],
  ['true', true], ['false', false], ['null', null], ['empty-array', []], ['empty-object', {}],
  ['array', [1, '2', null, true, { a: [] }]],
  ['nested', { a: { b: { c: [1, 2, { d: '42', e: null, f: false }] } }, 'dotted.key': 'v', '': 0 }],
];

const full = (over: Partial<Entry> = {}): Entry => entry('alice', 'notes.private', { secret: '42' }, {
  version: 'abcdef0123456789', revision: 7, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_005_000,
  writer: 'alice', sortKey: 12, enabled: 'state._shared.turn > 2', enabledAuthority: 'alice', timerAt: null,
  timer: { spec: { ticks: 3, tick_on: '_shared.turn', effect: 'delete' }, effect: 'delete', startedAt: 1_700_000_000_000, ticksLeft: 2, tickOn: { scope: '_shared', key: 'turn' } },
  ...over,
});

export function entryCases(ctx: StoreContext): void {
  describe('entries', () => {
    it('round-trips a value of every JSON type with its type intact (D3)', async () => {
      await seedRoom(ctx.store);
      const entries = VALUES.map(([key, value], i) => entry('_shared', key, value, { createdAt: 1_000 + i }));
      await commit(ctx.store, 'r1', { entries: entries.map(put) });
      const loaded = (await ctx.store.loadRoom('r1'))!.entries;
      expect(loaded).toStrictEqual(entries);
      const numeric = loaded.find((e) => e.key === 'numeric-string')!;
      expect(typeof numeric.value).toBe('string');
      expect(numeric.value).toBe('42');
      expect(loaded.find((e) => e.key === 'null')!.value).toBeNull();
    });

    it('keeps the key order of objects, as JSON in is JSON out (D3)', async () => {
      await seedRoom(ctx.store);
      const value = { zeta: 1, alpha: { y: 'last', b: [{ z: 0, a: 1 }] }, mid: null };
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'ordered', value))] });
      expect(JSON.stringify((await ctx.store.loadRoom('r1'))!.entries[0]!.value)).toBe(JSON.stringify(value));
    });

    it('round-trips every field: version, revision, times, writer, sortKey, timer, enabled, authority', async () => {
      await seedRoom(ctx.store);
      const logical = full();
      const wall = full({
        scope: '_tasks', key: '3', value: 'x', sortKey: 3, writer: null, enabled: null, enabledAuthority: null, timerAt: 1_700_000_065_000,
        timer: { spec: { ms: 60_000, effect: 'enable' }, effect: 'enable', startedAt: 1_700_000_005_000, expiresAt: 1_700_000_065_000 },
      });
      const fired = full({ scope: '_shared', key: 'gone', timerAt: null, timer: { spec: { at: '2030-01-01T00:00:00.000Z', effect: 'delete' }, effect: 'delete', startedAt: 5, expiresAt: 9, fired: true } });
      await commit(ctx.store, 'r1', { entries: [put(logical), put(wall), put(fired)] });
      const loaded = (await ctx.store.loadRoom('r1'))!.entries;
      expect(loaded).toHaveLength(3);
      for (const e of [logical, wall, fired]) expect(loaded.find((l) => l.scope === e.scope && l.key === e.key)).toStrictEqual(e);
    });

    // The store keeps exactly what the core computed, so a reload matches the core's in-memory image.
    it('replaces every field, creation time included, on a put of an existing key', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { entries: [put(full())] });
      const next = entry('alice', 'notes.private', ['replaced'], { version: 'ffffffffffffffff', revision: 8, createdAt: 1_600_000_000_000, updatedAt: 1_700_000_009_000 });
      await commit(ctx.store, 'r1', { entries: [put(next)] });
      expect((await ctx.store.loadRoom('r1'))!.entries).toStrictEqual([next]);
    });

    it('keeps keys distinct per scope and treats dots as plain characters', async () => {
      await seedRoom(ctx.store);
      const list = [entry('_shared', 'a.b', 1), entry('_shared', 'a', { b: 2 }, { createdAt: 1_001 }), entry('bob', 'a.b', 3, { createdAt: 1_002 })];
      await commit(ctx.store, 'r1', { entries: list.map(put) });
      expect((await ctx.store.loadRoom('r1'))!.entries).toStrictEqual(list);
    });

    it('deletes entries, ignores deleting a missing key, and applies a batch in order', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'a', 1)), put(entry('_shared', 'b', 2, { createdAt: 1_001 }))] });
      await commit(ctx.store, 'r1', { entries: [del('_shared', 'a'), del('_shared', 'missing'), del('bob', 'b')] });
      expect((await ctx.store.loadRoom('r1'))!.entries.map((e) => e.key)).toEqual(['b']);
      await commit(ctx.store, 'r1', {
        entries: [put(entry('_shared', 'c', 3, { createdAt: 1_002 })), del('_shared', 'c'), del('_shared', 'b'), put(entry('_shared', 'b', 'back', { createdAt: 1_003 }))],
      });
      expect((await ctx.store.loadRoom('r1'))!.entries).toStrictEqual([entry('_shared', 'b', 'back', { createdAt: 1_003 })]);
    });

    it('loads entries ordered by creation time, whatever the order they were written in', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { entries: [30, 10, 20].map((t) => put(entry('_shared', `k${t}`, t, { createdAt: t }))) });
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'k5', 5, { createdAt: 5 })), put(entry('_shared', 'k30', 'updated', { createdAt: 30, updatedAt: 99 }))] });
      const loaded = (await ctx.store.loadRoom('r1'))!.entries;
      expect(loaded.map((e) => e.key)).toEqual(['k5', 'k10', 'k20', 'k30']);
      expect(loaded[3]!.value).toBe('updated');
    });

    it('keeps the entries of each room apart', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'k', 'one'))] });
      await commit(ctx.store, 'r2', { entries: [put(entry('_shared', 'k', 'two'))] });
      await commit(ctx.store, 'r2', { entries: [del('_shared', 'k')] });
      expect((await ctx.store.loadRoom('r1'))!.entries.map((e) => e.value)).toEqual(['one']);
      expect((await ctx.store.loadRoom('r2'))!.entries).toEqual([]);
    });

    it('reports, per room, the earliest pending wall-clock timer', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      await seedRoom(ctx.store, 'r3');
      await commit(ctx.store, 'r1', { entries: [put(entry('_shared', 'a', 1, { timerAt: 900 })), put(entry('_actions', 'b', {}, { timerAt: 500 })), put(entry('_shared', 'c', 1))] });
      await commit(ctx.store, 'r2', { entries: [put(entry('_shared', 'a', 1, { timerAt: 700 }))] });
      await commit(ctx.store, 'r3', { entries: [put(entry('_shared', 'a', 1))] });
      const pending = (await ctx.store.pendingTimers()).sort((x, y) => x.roomId.localeCompare(y.roomId));
      expect(pending).toEqual([{ roomId: 'r1', at: 500 }, { roomId: 'r2', at: 700 }]);
      await commit(ctx.store, 'r2', { entries: [put(entry('_shared', 'a', 1, { timerAt: null }))] });
      await ctx.store.deleteRoom('r1');
      expect(await ctx.store.pendingTimers()).toEqual([]);
    });
  });

  describe('counters', () => {
    it('stores counters and overwrites only the ones a batch names', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { counters: { a: 1, b: 2, zero: 0, big: 2 ** 40 } });
      await commit(ctx.store, 'r1', { counters: { a: 5 } });
      await commit(ctx.store, 'r1', {});
      expect((await ctx.store.loadRoom('r1'))!.counters).toStrictEqual({ a: 5, b: 2, zero: 0, big: 2 ** 40 });
    });
  });
}
