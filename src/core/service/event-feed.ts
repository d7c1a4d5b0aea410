// The room's change stream (D17): every committed, successful log record as an event, shown to
// each subscriber as that reader may see it (D9), resumable from a sequence number.
import type { JsonObject } from '../json.js';
import { visibleLogRecord } from '../room/audit.js';
import type { LogRecord } from '../room/model.js';
import type { Reader } from '../read/policy.js';
import type { ServiceDeps } from './ports.js';

export interface FeedEvent {
  seq: number;
  kind: string;
  data: JsonObject;
}

type Subscriber = { reader: Reader; push(event: FeedEvent): void };

const BACKLOG_PAGE = 500;

export class EventFeed {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  constructor(private readonly deps: ServiceDeps) {
    deps.registry.onCommit((room, batch) => {
      const subs = this.subscribers.get(room.id);
      if (!subs) return;
      for (const record of batch.log) if (record.ok) for (const sub of subs) sub.push(toEvent(record, sub.reader));
    });
  }

  /** Receive live events of a room until the returned function is called. */
  subscribe(roomId: string, reader: Reader, push: (event: FeedEvent) => void): () => void {
    let subs = this.subscribers.get(roomId);
    if (!subs) this.subscribers.set(roomId, (subs = new Set()));
    const sub: Subscriber = { reader, push };
    subs.add(sub);
    return () => {
      subs.delete(sub);
      if (subs.size === 0) this.subscribers.delete(roomId);
    };
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
