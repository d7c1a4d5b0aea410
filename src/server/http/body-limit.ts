// The request body limit (D23): 413 payload_too_large that leaves the connection usable (an over-limit
// stream is drained, up to a bound, before the answer; a body refused on its Content-Length closes).
import type { Context, MiddlewareHandler } from 'hono';
import { SyncError } from '../../core/errors.js';
import { sendError } from './respond.js';

/** How much of an over-limit streamed body is read and discarded before giving up on the connection. */
export const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

export function limitBody(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    // Decide from the method and headers first: touching `raw.body` makes @hono/node-server build
    // a full undici Request (with an AbortSignal) for every request, bodiless ones included.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding')) {
      return Number(declared) > maxSize ? tooLarge(c, maxSize, true) : next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxSize + DRAIN_LIMIT_BYTES) {
        await reader.cancel().catch(() => undefined);
        return tooLarge(c, maxSize, true);
      }
      if (size <= maxSize) chunks.push(value);
    }
    if (size > maxSize) return tooLarge(c, maxSize, false);
    const whole = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}

function tooLarge(c: Context, maxSize: number, close: boolean): Response {
  const res = sendError(c, new SyncError('payload_too_large', `The request body is larger than ${maxSize} bytes.`, { limit: maxSize }));
  if (close) res.headers.set('connection', 'close');
  return res;
}
