// The change feed (issue 9): how a process hears of durable changes made by the other processes
// sharing its store. Notices carry ids, never bodies: the room, what happened, and the log
// sequence it reached; the receiver reads what changed from the store. Every process keeps its
// caches (room images, views, credentials, waits, streams, timers) true by consuming it.

export type ChangeKind =
  /** A logged commit: the room's log reached `seq`. */
  | 'commit'
  /** Soft agent state (presence) was written without a log record; `seq` is the head it was written at. */
  | 'presence'
  /** The room was deleted; `createdAt` names the incarnation that went. */
  | 'deleted';

export interface ChangeNotice {
  kind: ChangeKind;
  roomId: string;
  /** The log head after a commit; 0 when unknown (presence, deletion). */
  seq: number;
  /** The process that made the change (a process ignores its own notices). */
  origin: string;
  /** The earliest wall-clock deadline the change set, so every process schedules it (null: none). */
  timerAt: number | null;
  /** For `deleted`: the creation time of the room that was deleted (0 when unknown). */
  createdAt: number;
}

export interface ChangeFeed {
  /** This process's id in notices. */
  readonly origin: string;
  /**
   * Announce a change this process made, once it is durable. A feed whose notices are written
   * inside the store's transaction (PostgreSQL NOTIFY) ignores it.
   */
  publish(notice: ChangeNotice): void;
  /**
   * Hear notices. `onGap` is called when notices may have been missed (the feed reconnected):
   * the listener must catch up from the store by sequence. Returns the unsubscribe function.
   */
  subscribe(onNotice: (notice: ChangeNotice) => void, onGap: () => void): () => void;
  /** Start delivering (connect and listen); resolves once notices from now on are heard. */
  start(): Promise<void>;
  close(): Promise<void>;
}
