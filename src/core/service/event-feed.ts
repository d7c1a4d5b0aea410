// The room's change stream (D17): every committed, successful log record as an event, shown to
// each subscriber as that reader may see it (D9), resumable from a sequence number.
import type { JsonObject } from '../json.js';
import { visibleLogRecord } from '../room/audit.js';
import type { LogRecord } from '../room/model.js';
import type { Reader } from '../read/policy.js';
import type { RoomState } from '../room/room-state.js';
import type { ServiceDeps } from './ports.js';

export interface FeedEvent {
  seq: number;
  kind: string;
  data: JsonObject;
}

/** Why the server ends a stream: its room was deleted, or the server is stopping. */
export type FeedEnd = 'room_deleted' | 'shutdown';

type Subscriber = { reader: Reader; incarnation: number; push(event: FeedEvent): void; end(reason: FeedEnd): void };

const BACKLOG_PAGE = 500;

export class EventFeed {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private stopping = false;

  constructor(private readonly deps: ServiceDeps) {
    deps.registry.onCommit((room, batch) => {
      const subs = this.subscribers.get(room.id);
      if (!subs) return;
      for (const record of batch.log) {
        if (!record.ok) continue;
        for (const sub of subs) if (sub.incarnation === room.incarnation) sub.push(toEvent(record, sub.reader));
      }
    });
    deps.registry.onForget((roomId) => this.endRoom(roomId, 'room_deleted'));
  }

  /**
   * Receive live events of the room (the incarnation the caller loaded) until the returned
   * function is called or the server calls `end` (the room was deleted, the server stops).
   */
  subscribe(room: RoomState, reader: Reader, push: (event: FeedEvent) => void, end: (reason: FeedEnd) => void): () => void {
    if (this.stopping || !this.deps.registry.isCurrent(room)) {
      end(this.stopping ? 'shutdown' : 'room_deleted');
      return () => {};
    }
    const roomId = room.id;
    let subs = this.subscribers.get(roomId);
    if (!subs) this.subscribers.set(roomId, (subs = new Set()));
    const sub: Subscriber = { reader, incarnation: room.incarnation, push, end };
    subs.add(sub);
    return () => {
      if (!subs.delete(sub)) return;
      if (subs.size === 0 && this.subscribers.get(roomId) === subs) this.subscribers.delete(roomId);
    };
  }

  /** End every stream, and every later one at once (the server is stopping). */
  endAll(): void {
    this.stopping = true;
    for (const roomId of [...this.subscribers.keys()]) this.endRoom(roomId, 'shutdown');
  }

  private endRoom(roomId: string, reason: FeedEnd): void {
    const subs = this.subscribers.get(roomId);
    if (!subs) return;
    this.subscribers.delete(roomId);
    for (const sub of [...subs]) {
      subs.delete(sub);
      sub.end(reason);
    }
  }

  /** Committed events after `afterSeq`, oldest first (one page; call again from the last seq). */
  async backlog(roomId: string, reader: Reader, afterSeq: number): Promise<FeedEvent[]> {
    const records = await this.deps.store.readLog(roomId, { after: afterSeq, limit: BACKLOG_PAGE });
    return records.filter((r) => r.ok).map((r) => toEvent(r, reader));
  }

  streaming(roomId: string): boolean {
    return this.subscribers.has(roomId);
  }

  get subscriberCount(): number {
    let n = 0;
    for (const subs of this.subscribers.values()) n += subs.size;
    return n;
  }
}

function toEvent(record: LogRecord, reader: Reader): FeedEvent {
  return { seq: record.seq, kind: record.kind, data: visibleLogRecord(record, reader) };
}
