// Long-poll waits and the Server-Sent Events stream (D16, D17): thin shells over the wait
// service and the event feed. A client that goes away cancels its wait or subscription.
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { SyncError } from '../../core/errors.js';
import { readerOf, type FeedEnd, type FeedEvent, type Services } from '../../core/service/index.js';
import type { BearerAuth } from '../auth/bearer-auth.js';
import { idParam } from './path-params.js';
import { send } from './respond.js';
import { waitInput } from './query.js';

const KEEPALIVE_MS = 15_000;

export function registerLiveRoutes(app: Hono, services: Services, auth: BearerAuth): void {
  const caller = (c: Context, roomId: string, op: 'wait' | 'events') => auth.callerFor(roomId, c.req.header('authorization'), op);

  app.get('/rooms/:id/wait', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const result = await services.waits.wait(roomId, waitInput(c.req.query()), await caller(c, roomId, 'wait'), c.req.raw.signal);
    // null: the client went away; nobody reads this answer.
    return result ? send(c, 200, result) : c.body(null, 204);
  });

  app.get('/rooms/:id/events', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const who = await caller(c, roomId, 'events');
    services.reads.requireRead(who);
    const room = await services.registry.get(roomId);
    const after = lastEventId(c);
    const reader = readerOf(who);
    return streamSSE(c, async (stream) => {
      const queue: FeedEvent[] = [];
      let wake: (() => void) | null = null;
      // Set when the server ends the stream: the room was deleted or the server is stopping.
      let ended: FeedEnd | null = null;
      const unsubscribe = services.events.subscribe(
        room,
        reader,
        (event) => {
          queue.push(event);
          wake?.();
        },
        (reason) => {
          ended = reason;
          wake?.();
        },
      );
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      let last = after;
      const write = async (event: FeedEvent) => {
        if (event.seq <= last) return;
        last = event.seq;
        await stream.writeSSE({ id: String(event.seq), event: event.kind, data: JSON.stringify(event.data) });
      };
      try {
        // The backlog is read from the store by room id: stop as soon as this incarnation ends.
        for (let page = await services.events.backlog(roomId, reader, last); page.length && !ended; page = await services.events.backlog(roomId, reader, last)) {
          for (const event of page) await write(event);
          if (page.length < 500) break;
        }
        if (!ended) await stream.writeSSE({ event: 'ready', data: JSON.stringify({ seq: last }) });
        while (!stream.aborted && !ended) {
          while (queue.length) await write(queue.shift()!);
          if (ended) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          wake = null;
          if (!queue.length && !stream.aborted && !ended) await stream.write(': keep-alive\n\n');
        }
        // Events committed before the end were queued in order; send them, then say why it ends.
        if (ended && !stream.aborted) {
          while (queue.length) await write(queue.shift()!);
          await stream.writeSSE({ event: ended, data: JSON.stringify({ room: roomId }) });
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

function lastEventId(c: Context): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('after') ?? '0';
  if (!/^\d{1,15}$/.test(raw)) throw new SyncError('invalid_query', 'Last-Event-ID (or after) must be a non-negative integer sequence number.', { param: 'after' });
  return Number(raw);
}
