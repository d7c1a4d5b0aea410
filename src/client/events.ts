// Following a room's Server-Sent Events: an async iterator that reconnects with backoff and
// resumes from the last event it delivered (Last-Event-ID), so a restart of the server loses and
// repeats nothing.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FeedEvent } from '../protocol/wire/live.js';
import { AgentSyncError } from './errors.js';
import { sleep, type Transport } from './transport.js';

export interface FollowOptions {
  /** Deliver events after this sequence number (default: the whole log). */
  after?: number;
  signal?: AbortSignal;
  /** Called after each reconnect attempt fails (for logging); the iterator keeps trying. */
  onReconnect?: (error: unknown, attempt: number) => void;
  /** Give up after this many consecutive failed connection attempts (default: never). */
  maxReconnects?: number;
}

/** Errors that reconnecting cannot fix. */
const FATAL = new Set([400, 401, 403, 404, 410]);

export async function* followEvents(transport: Transport, room: string, options: FollowOptions = {}): AsyncGenerator<FeedEvent> {
  let last = options.after ?? 0;
  let failures = 0;
  while (!options.signal?.aborted) {
    try {
      const response = await transport.stream(`/rooms/${encodeURIComponent(room)}/events`, { headers: { 'last-event-id': String(last) }, signal: options.signal });
      failures = 0;
      for await (const message of messages(response, options.signal)) {
        if (message.id === undefined || message.event === 'ready') continue;
        const seq = Number(message.id);
        if (!Number.isSafeInteger(seq) || seq <= last) continue;
        last = seq;
        yield { seq, kind: message.event ?? 'message', data: JSON.parse(message.data) as FeedEvent['data'] };
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof AgentSyncError && FATAL.has(error.status)) throw error;
      failures++;
      options.onReconnect?.(error, failures);
      if (options.maxReconnects !== undefined && failures > options.maxReconnects) throw error;
    }
    if (options.signal?.aborted) return;
    await sleep(transport.delay(Math.min(failures, 6)), options.signal).catch(() => undefined);
  }
}

async function* messages(response: Response, signal?: AbortSignal): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
      while (queue.length) yield queue.shift()!;
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}
