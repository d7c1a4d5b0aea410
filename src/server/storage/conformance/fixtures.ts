// Record builders and helpers for the RoomStore conformance suite (test support: imports vitest,
// never imported by the server).
import { expect } from 'vitest';
import type { Json } from '../../../core/json.js';
import type { RoomStore } from '../../../core/ports/room-store.js';
import type { CredentialStore } from '../../../core/ports/credential-store.js';
import type { Entry, LogRecord, Message, RoomRecord } from '../../../core/room/model.js';
import type { CommitBatch, EntryChange } from '../../../core/room/room-state.js';

export interface StoreHandle {
  store: RoomStore;
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  /** A fresh, empty store for one test. */
  create(): Promise<StoreHandle>;
}

/** The store of the running test (set by the suite's beforeEach), and its credential store. */
export interface StoreContext {
  readonly store: RoomStore;
  readonly credentials: CredentialStore;
}

export const room = (id: string, createdAt = 1_000, over: Partial<RoomRecord> = {}): RoomRecord => ({
  id, createdAt, meta: {}, tokenHash: `room-hash-${id}`, viewTokenHash: `view-hash-${id}`, ...over,
});

export const entry = (scope: string, key: string, value: Json, over: Partial<Entry> = {}): Entry => ({
  scope, key, value,
  version: '0123456789abcdef', revision: 1, createdAt: 1_000, updatedAt: 1_000, writer: null, sortKey: null,
  timer: null, enabled: null, enabledAuthority: null, timerAt: null,
  ...over,
});

export const message = (seq: number, over: Partial<Message> = {}): Message => ({
  seq, ts: 2_000 + seq, from: 'alice', kind: 'chat', body: `message ${seq}`, to: null, ...over,
});

export const logRecord = (seq: number, over: Partial<LogRecord> = {}): LogRecord => ({
  seq, ts: 3_000 + seq, kind: 'invoke', agent: 'alice', action: 'move', builtin: false, params: {}, ok: true,
  error: null, writes: [], detail: null, ...over,
});

export const put = (e: Entry): EntryChange => ({ op: 'put', entry: e });
export const del = (scope: string, key: string): EntryChange => ({ op: 'delete', scope, key });

export const batch = (over: Partial<CommitBatch> = {}): CommitBatch => ({ entries: [], messages: [], log: [], counters: {}, ...over });

/** Commit one batch under the room's write lock. */
export async function commit(store: RoomStore, roomId: string, over: Partial<CommitBatch>): Promise<void> {
  await store.withRoomLock(roomId, (tx) => tx.commit(batch(over)));
}

/** Create a room and check that the store took it. */
export async function seedRoom(store: RoomStore, id = 'r1', createdAt = 1_000): Promise<RoomRecord> {
  const record = room(id, createdAt);
  expect(await store.createRoom(record)).toBe(true);
  return record;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Let pending microtasks and I/O callbacks run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
