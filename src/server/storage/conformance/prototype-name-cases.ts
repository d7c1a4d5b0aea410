// Conformance cases for names that are also members of Object.prototype (`constructor`,
// `toString`, `__proto__`, …): as scopes, keys, value keys, meta keys, counter names, action
// names and message recipients they round-trip like any other name (issue 7, finding 3).
import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../../core/json.js';
import type { StoreContext } from './fixtures.js';
import { commit, entry, logRecord, message, put, room } from './fixtures.js';

export const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', '__defineGetter__'] as const;

/** `{name: value(name)}` for every name, built so that `__proto__` is an own key. */
function objectOf<T extends Json>(value: (name: string, i: number) => T): JsonObject {
  return JSON.parse(`{${PROTOTYPE_NAMES.map((n, i) => `${JSON.stringify(n)}: ${JSON.stringify(value(n, i))}`).join(', ')}}`) as JsonObject;
}

export function prototypeNameCases(ctx: StoreContext): void {
  describe('names that are Object.prototype members', () => {
    it('round-trip as room meta keys and as keys inside values', async () => {
      const meta = objectOf((n) => ({ inner: objectOf((m) => `${n}.${m}`) }));
      expect(await ctx.store.createRoom(room('r1', 1_000, { meta }))).toBe(true);
      const got = (await ctx.store.getRoom('r1'))!;
      expect(JSON.stringify(got.meta)).toBe(JSON.stringify(meta));
      expect(Object.keys(got.meta)).toEqual([...PROTOTYPE_NAMES]);
      expect(Object.getPrototypeOf(got.meta)).toBe(Object.prototype);
    });

    it('round-trip as entry scopes and keys (agent scopes, action, view, agent and help records), each distinct', async () => {
      expect(await ctx.store.createRoom(room('r1'))).toBe(true);
      const scopes = [...PROTOTYPE_NAMES, '_actions', '_views', '_agents', '_help'];
      const entries = scopes.flatMap((scope, i) =>
        PROTOTYPE_NAMES.map((key, j) => entry(scope, key, { [`${scope}/${key}`]: i * 10 + j }, { createdAt: 1_000 + i * 10 + j })),
      );
      const shared = PROTOTYPE_NAMES.map((key, j) => entry('_shared', key, objectOf((n) => `${key}:${n}`), { createdAt: 2_000 + j }));
      await commit(ctx.store, 'r1', { entries: [...entries, ...shared].map(put) });
      const loaded = (await ctx.store.loadRoom('r1'))!.entries;
      expect(loaded).toHaveLength(entries.length + shared.length);
      expect(JSON.stringify(loaded)).toBe(JSON.stringify([...entries, ...shared]));
      for (const e of loaded) expect(Object.getPrototypeOf(e.value)).toBe(Object.prototype);
    });

    it('count invocations and counters per name, and keep them as own keys', async () => {
      expect(await ctx.store.createRoom(room('r1'))).toBe(true);
      const log = PROTOTYPE_NAMES.flatMap((action, i) => Array.from({ length: i + 1 }, (_, k) => logRecord(i * 10 + k + 1, { action })));
      const counters = objectOf((_, i) => i + 1) as Record<string, number>;
      await commit(ctx.store, 'r1', { log, counters });
      const data = (await ctx.store.loadRoom('r1'))!;
      for (const [i, name] of PROTOTYPE_NAMES.entries()) {
        expect(Object.hasOwn(data.invocationCounts, name), name).toBe(true);
        expect(data.invocationCounts[name], name).toBe(i + 1);
        expect(Object.hasOwn(data.counters, name), name).toBe(true);
        expect(data.counters[name], name).toBe(i + 1);
      }
      expect(Object.keys(data.invocationCounts).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    });

    it('issue, find and revoke credentials of agents with such ids', async () => {
      expect(await ctx.store.createRoom(room('r1'))).toBe(true);
      for (const [i, agentId] of PROTOTYPE_NAMES.entries()) {
        await commit(ctx.store, 'r1', { credentials: { at: 100 + i, issue: { agentId, hash: `h-${i}` } } });
      }
      for (const [i, agentId] of PROTOTYPE_NAMES.entries()) {
        expect(await ctx.credentials.findAgentCredential(`h-${i}`)).toStrictEqual({ hash: `h-${i}`, roomId: 'r1', agentId, createdAt: 100 + i, revokedAt: null });
      }
      await commit(ctx.store, 'r1', { credentials: { at: 500, revokeAgent: 'constructor' } });
      expect((await ctx.credentials.findAgentCredential('h-0'))?.revokedAt).toBe(500);
      expect((await ctx.credentials.findAgentCredential('h-1'))?.revokedAt).toBeNull();
    });

    it('round-trip as message senders and recipients', async () => {
      expect(await ctx.store.createRoom(room('r1'))).toBe(true);
      const messages = PROTOTYPE_NAMES.map((name, i) => message(i + 1, { from: name, to: [name, 'bob'] }));
      await commit(ctx.store, 'r1', { messages });
      const data = (await ctx.store.loadRoom('r1'))!;
      expect(data.messagesTail).toStrictEqual(messages);
      expect(data.directed).toStrictEqual(messages.map((m) => ({ seq: m.seq, to: m.to })));
      expect(await ctx.store.readMessages('r1', { after: 0, limit: 100 })).toStrictEqual(messages);
    });
  });
}
