// The storage port (ARCHITECTURE: async and transaction-scoped). Adapters: memory, SQLite,
// and later PostgreSQL; one conformance suite runs against each.
import type { LogRecord, Message, RoomRecord } from '../room/model.js';
import type { CommitBatch, RoomData } from '../room/room-state.js';
import type { CredentialStore } from './credential-store.js';

export type { AgentCredential } from './credential-store.js';

export interface LogQuery {
  /** Newest first, strictly below this seq. */
  before?: number;
  /** Oldest first, strictly above this seq. */
  after?: number;
  limit: number;
}

export interface MessageQuery {
  /** Only messages with seq > after. */
  after: number;
  /** Only messages with seq < before (no bound when absent). */
  before?: number;
  /** At most this many, the newest ones. */
  limit: number;
}

/** What a write lock hands to its holder. */
export interface RoomTx {
  /** The latest log seq in the store, or null when this process is the only writer. */
  headSeq(): Promise<number | null>;
  /** Apply the batch atomically, its credential changes included: all of it or nothing. */
  commit(batch: CommitBatch): Promise<void>;
}

export interface RoomStore {
  /** True when no other process writes this store, so cached room images never go stale. */
  readonly exclusive: boolean;
  close(): Promise<void>;

  /** Insert a room; false if the id is taken. */
  createRoom(room: RoomRecord): Promise<boolean>;
  getRoom(id: string): Promise<RoomRecord | null>;
  /** All rooms, or those with the given ids; newest first. */
  listRooms(ids?: readonly string[]): Promise<RoomRecord[]>;
  updateRoom(room: RoomRecord): Promise<void>;
  /** Remove the room and everything in it; false if it did not exist. */
  deleteRoom(id: string): Promise<boolean>;

  loadRoom(id: string): Promise<RoomData | null>;
  /** Run `fn` holding the room's write lock (serialises writers per room, D11, D25). */
  withRoomLock<T>(id: string, fn: (tx: RoomTx) => Promise<T>): Promise<T>;

  readLog(roomId: string, query: LogQuery): Promise<LogRecord[]>;
  readMessages(roomId: string, query: MessageQuery): Promise<Message[]>;

  /** Per room, the earliest pending wall-clock timer (restored into the scheduler at start-up). */
  pendingTimers(): Promise<Array<{ roomId: string; at: number }>>;

  /**
   * The credential store in the same database: room commits write its agent credentials in their
   * own transaction, and deleting a room removes them. Callers that only read credentials (auth)
   * take this port, never the room store.
   */
  readonly credentials: CredentialStore;
}
