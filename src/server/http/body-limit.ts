// The request body limit (D23): 413 payload_too_large that leaves the connection usable: an over-limit
// body, declared or streamed, is drained up to a bound before the answer, so the client can finish
// sending and read the 413 (closing on a client still writing makes it see EPIPE instead). Past the
// bound the answer closes the connection.
import type { Context, MiddlewareHandler } from 'hono';
import { SyncError } from '../../core/errors.js';
import { sendError } from './respond.js';

/** How much of an over-limit streamed body is read and discarded before giving up on the connection. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** A body read to at most `limit` bytes, or why it was refused (`close`: the connection can't be reused). */
export type BoundedBody = { bytes: Uint8Array | null } | { tooLarge: true; close: boolean };

/**
 * Read the request body up to `limit` bytes. An oversize body is drained up to DRAIN_LIMIT_BYTES past
 * the limit, so the connection stays usable, then given up; one declared larger than that is refused unread.
 * `bytes: null` when there is no body; with a declared length within the limit the body is left unread.
 */
export async function readBounded(c: Context, limit: number): Promise<BoundedBody | { declaredWithin: true }> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && !c.req.header('transfer-encoding')) {
    const size = Number(declared);
    if (size <= limit) return { declaredWithin: true };
    if (size > limit + DRAIN_LIMIT_BYTES) return { tooLarge: true, close: true };
  }
  const body = c.req.raw.body;
  if (!body) return { bytes: null };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit + DRAIN_LIMIT_BYTES) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true, close: true };
    }
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) return { tooLarge: true, close: false };
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes: whole };
}

export function limitBody(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    // Decide from the method and headers first: touching `raw.body` makes @hono/node-server build
    // a full undici Request (with an AbortSignal) for every request, bodiless ones included.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const read = await readBounded(c, maxSize);
    if ('tooLarge' in read) return tooLarge(c, maxSize, read.close);
    if ('bytes' in read && read.bytes) c.req.raw = new Request(c.req.raw, { body: read.bytes });
    return next();
  };
}

function tooLarge(c: Context, maxSize: number, close: boolean): Response {
  const res = sendError(c, new SyncError('payload_too_large', `The request body is larger than ${maxSize} bytes.`, { limit: maxSize }));
  if (close) res.headers.set('connection', 'close');
  return res;
}
