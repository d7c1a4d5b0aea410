// The change feed over PostgreSQL LISTEN/NOTIFY (issue 9). Notices are written by the store's
// hooks inside the transaction of each commit and each room deletion, so PostgreSQL delivers
// them when, and only if, the change commits; publish() therefore does nothing. A notice names
// ids only (8 KB payload limit): `kind|origin|seq|timerAt|createdAt|roomId`, e.g.
// `c|9f2c1ab0e4d7|42||0|lobby`. The channel is per schema (`agent_sync:<schema>`), so stores in
// different schemas of one database never hear each other.
//
// One connection of its own listens. When it drops, the feed reconnects (retrying while the
// database is away) and then tells subscribers there was a gap: they catch up from the store by
// sequence, so notices sent while nobody listened are never lost.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { ChangeFeed, ChangeKind, ChangeNotice } from '../../../core/ports/change-feed.js';
import type { CommitBatch } from '../../../core/room/room-state.js';
import type { PostgresRoomStore } from './postgres-room-store.js';

const NOTIFY = `SELECT pg_notify('agent_sync:' || coalesce(current_schema(), ''), $1)`;
const KINDS: Record<string, ChangeKind> = { c: 'commit', p: 'presence', d: 'deleted' };

export interface PostgresFeedOptions {
  /** The store's schema, when it is set in the store's options rather than the URL. */
  schema?: string;
  report?: (error: unknown) => void;
  /** Delay between attempts to listen again after the connection dropped (default 1000 ms). */
  retryMs?: number;
}

type Subscriber = { onNotice: (n: ChangeNotice) => void; onGap: () => void };

export class PostgresChangeFeed implements ChangeFeed {
  readonly origin = randomBytes(6).toString('hex');
  private readonly subscribers = new Set<Subscriber>();
  private readonly listener: postgres.Sql;
  private channel: string | null = null;
  private closing = false;
  private retrying = false;
  private readonly removeHooks: Array<() => void>;
  private readonly report: (error: unknown) => void;
  private readonly retryMs: number;

  constructor(url: string, store: PostgresRoomStore, options: PostgresFeedOptions = {}) {
    this.report = options.report ?? (() => {});
    this.retryMs = options.retryMs ?? 1000;
    this.listener = postgres(url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: 10,
      fetch_types: false,
      connection: { application_name: `agent-sync-feed:${this.origin}`, ...(options.schema ? { search_path: options.schema } : {}) },
      onnotice: () => {},
      onnotify: (channel: string, payload: string) => {
        if (channel === this.channel) this.deliver(payload);
      },
      onclose: () => this.dropped(),
    } as postgres.Options<Record<string, postgres.PostgresType>>);
    this.removeHooks = [
      store.onCommit((roomId, batch) => [NOTIFY, [this.payload(batch.log.length ? 'c' : 'p', roomId, seqOf(batch), earliest(batch), 0)]]),
      store.onDelete((sql, roomId, createdAt) => sql.unsafe(NOTIFY, [this.payload('d', roomId, 0, null, createdAt)])),
    ];
  }

  publish(): void {}

  subscribe(onNotice: (notice: ChangeNotice) => void, onGap: () => void): () => void {
    const sub = { onNotice, onGap };
    this.subscribers.add(sub);
    return () => void this.subscribers.delete(sub);
  }

  /** Listen; resolves once notices committed from now on will be heard. */
  async start(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const remove of this.removeHooks) remove();
    await this.listener.end({ timeout: 5 });
  }

  private async listen(): Promise<void> {
    const [row] = await this.listener.unsafe<Array<{ schema: string | null }>>('SELECT current_schema() AS schema');
    const channel = `agent_sync:${row?.schema ?? ''}`;
    await this.listener.unsafe(`LISTEN "${channel.replace(/"/g, '""')}"`);
    this.channel = channel;
  }

  // The listening connection went away: listen again (retrying while the database is away), then
  // have every subscriber catch up on what it may have missed.
  private dropped(): void {
    if (this.closing || this.retrying || this.channel === null) return;
    this.retrying = true;
    const attempt = () => {
      if (this.closing) return;
      this.listen().then(() => {
        this.retrying = false;
        for (const sub of [...this.subscribers]) sub.onGap();
      }, () => void setTimeout(attempt, this.retryMs).unref());
    };
    setTimeout(attempt, 0).unref();
  }

  private payload(kind: string, roomId: string, seq: number, timerAt: number | null, createdAt: number): string {
    return `${kind}|${this.origin}|${seq}|${timerAt ?? ''}|${createdAt}|${roomId}`;
  }

  private deliver(payload: string): void {
    const parts = payload.split('|');
    const kind = KINDS[parts[0] ?? ''];
    if (!kind || parts.length < 6) return;
    const notice: ChangeNotice = {
      kind,
      origin: parts[1]!,
      seq: Number(parts[2]) || 0,
      timerAt: parts[3] ? Number(parts[3]) : null,
      createdAt: Number(parts[4]) || 0,
      roomId: parts.slice(5).join('|'),
    };
    for (const sub of [...this.subscribers]) {
      try {
        sub.onNotice(notice);
      } catch (error) {
        this.report(error);
      }
    }
  }
}

function seqOf(batch: CommitBatch): number {
  return batch.log.reduce((max, r) => Math.max(max, r.seq), 0);
}

function earliest(batch: CommitBatch): number | null {
  let at: number | null = null;
  for (const c of batch.entries) if (c.op === 'put' && c.entry.timerAt !== null && (at === null || c.entry.timerAt < at)) at = c.entry.timerAt;
  return at;
}
