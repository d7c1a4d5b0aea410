// Conformance cases for messages and log records: full round trips, and what loadRoom derives
// from them (tail, directed, max seqs, invocation counts).
import { describe, expect, it } from 'vitest';
import type { LogRecord, Message } from '../../../core/room/model.js';
import { MESSAGE_TAIL } from '../../../core/room/room-state.js';
import type { StoreContext } from './fixtures.js';
import { commit, logRecord, message, range, seedRoom } from './fixtures.js';

const MESSAGES: Message[] = [
  message(1, { body: 'hi', to: null }),
  message(2, { from: null, kind: 'system', body: '42', to: ['bob'] }),
  message(3, { body: { text: 'move', n: 42, s: '42', list: [1, null, 'x'], deep: { a: { b: true } } }, to: ['bob', 'carol'] }),
  message(4, { body: null, to: [] }),
  message(5, { kind: 'invoke', body: [1, '1', false], to: null }),
  message(6, { body: 7.5 }),
];

const LOGS: LogRecord[] = [
  logRecord(1, { kind: 'room_create', agent: null, action: null, params: null, detail: { by: 'admin' } }),
  logRecord(2, { kind: 'agent_join', agent: 'alice', action: null, params: null, detail: { id: 'alice', name: 'Alice', grants: [] } }),
  logRecord(3, {
    action: 'move', params: { to: '42', n: 42, deep: { x: [null] } },
    writes: [
      { scope: '_shared', key: 'pos', value: '42' },
      { scope: '_shared', key: 'cfg', merge: { a: 1, b: null } },
      { scope: 'alice', key: 'tmp', deleted: true },
      { scope: '_messages', key: '9', value: { text: 'x' } },
    ],
  }),
  logRecord(4, { action: 'move', ok: false, error: 'precondition_failed', params: { to: 1 }, detail: { message: 'The if condition was false.' } }),
  logRecord(5, { action: '_send_message', builtin: true, params: { body: 'hi' } }),
  logRecord(6, { kind: 'timer', agent: null, action: null, builtin: false, params: null, detail: { fired: ['_shared.x'] } }),
  logRecord(7, { kind: 'agent_update', agent: 'admin', action: null, params: null, detail: { changes: { role: 'observer' } } }),
];

export function messageLogCases(ctx: StoreContext): void {
  describe('messages and log', () => {
    it('round-trips messages with their recipients and JSON bodies', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { messages: MESSAGES });
      const data = (await ctx.store.loadRoom('r1'))!;
      expect(data.messagesTail).toStrictEqual(MESSAGES);
      expect(data.messageSeq).toBe(6);
      expect(data.directed).toStrictEqual([{ seq: 2, to: ['bob'] }, { seq: 3, to: ['bob', 'carol'] }, { seq: 4, to: [] }]);
      expect(await ctx.store.readMessages('r1', { after: 0, limit: 100 })).toStrictEqual(MESSAGES);
      expect(data.messagesTail[1]!.body).toBe('42');
      expect((await ctx.store.readMessages('r1', { after: 1, before: 4, limit: 100 })).map((m) => m.seq)).toStrictEqual([2, 3]);
      expect((await ctx.store.readMessages('r1', { after: 1, before: 4, limit: 1 })).map((m) => m.seq)).toStrictEqual([3]);
    });

    it('round-trips log records with every field', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { log: LOGS.slice(0, 3) });
      await commit(ctx.store, 'r1', { log: LOGS.slice(3) });
      expect(await ctx.store.readLog('r1', { after: 0, limit: 100 })).toStrictEqual(LOGS);
      expect(await ctx.store.readLog('r1', { limit: 100 })).toStrictEqual([...LOGS].reverse());
      expect((await ctx.store.loadRoom('r1'))!.logSeq).toBe(7);
    });

    it('starts an empty room at seq 0 with nothing derived', async () => {
      await seedRoom(ctx.store);
      expect(await ctx.store.loadRoom('r1')).toStrictEqual({
        room: (await ctx.store.getRoom('r1'))!, entries: [], messagesTail: [], directed: [],
        messageSeq: 0, logSeq: 0, counters: {}, invocationCounts: {},
      });
    });

    it('loads at most MESSAGE_TAIL newest messages, ascending, but every directed one', async () => {
      await seedRoom(ctx.store);
      const total = MESSAGE_TAIL + 7;
      const all = range(1, total).map((seq) => message(seq, { to: seq === 1 || seq === total ? ['bob'] : null }));
      await commit(ctx.store, 'r1', { messages: all.slice(0, 100) });
      await commit(ctx.store, 'r1', { messages: all.slice(100) });
      const data = (await ctx.store.loadRoom('r1'))!;
      expect(data.messagesTail).toHaveLength(MESSAGE_TAIL);
      expect(data.messagesTail[0]!.seq).toBe(8);
      expect(data.messagesTail.map((m) => m.seq)).toEqual(range(8, total));
      expect(data.messagesTail.at(-1)).toStrictEqual(all.at(-1));
      expect(data.directed).toStrictEqual([{ seq: 1, to: ['bob'] }, { seq: total, to: ['bob'] }]);
      expect(data.messageSeq).toBe(total);
    });

    it('derives the max seqs even when records were committed out of order', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { messages: [message(5)], log: [logRecord(9)] });
      await commit(ctx.store, 'r1', { messages: [message(3)], log: [logRecord(4)] });
      const data = (await ctx.store.loadRoom('r1'))!;
      expect([data.messageSeq, data.logSeq]).toEqual([5, 9]);
      expect(data.messagesTail.map((m) => m.seq)).toEqual([3, 5]);
      expect((await ctx.store.readLog('r1', { after: 0, limit: 10 })).map((r) => r.seq)).toEqual([4, 9]);
    });

    it('counts only successful custom invocations, per action', async () => {
      await seedRoom(ctx.store);
      await commit(ctx.store, 'r1', { log: LOGS });
      await commit(ctx.store, 'r1', {
        log: [
          logRecord(8, { action: 'move' }),
          logRecord(9, { action: 'chat' }),
          logRecord(10, { action: 'chat', ok: false, error: 'invalid_params' }),
          logRecord(11, { action: 'chat', builtin: true }),
          logRecord(12, { kind: 'agent_join', action: 'chat' }),
          logRecord(13, { action: null }),
        ],
      });
      expect((await ctx.store.loadRoom('r1'))!.invocationCounts).toStrictEqual({ move: 2, chat: 1 });
    });

    it('keeps seqs per room: two rooms may use the same seq', async () => {
      await seedRoom(ctx.store, 'r1');
      await seedRoom(ctx.store, 'r2');
      await commit(ctx.store, 'r1', { messages: [message(1, { body: 'one' })], log: [logRecord(1, { action: 'a' })] });
      await commit(ctx.store, 'r2', { messages: [message(1, { body: 'two' })], log: [logRecord(1, { action: 'b' })] });
      expect((await ctx.store.readMessages('r2', { after: 0, limit: 10 })).map((m) => m.body)).toEqual(['two']);
      expect((await ctx.store.readLog('r1', { limit: 10 })).map((r) => r.action)).toEqual(['a']);
      expect((await ctx.store.loadRoom('r2'))!.invocationCounts).toStrictEqual({ b: 1 });
    });
  });
}
