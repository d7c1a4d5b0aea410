// Turning results and errors into HTTP responses: the one place a SyncError becomes a status (D2).
import type { Context } from 'hono';
import { SyncError, isSyncError } from '../../core/errors.js';
import { stripNulls } from '../../core/json.js';
import { statusOf } from '../../protocol/index.js';

export type Logger = { error(obj: unknown, msg?: string): void };

/** A D2 error response; a 503 tells the client when to retry. */
export function sendError(c: Context, error: SyncError): Response {
  const res = send(c, statusOf(error.code), error.toBody());
  if (error.code === 'service_unavailable') res.headers.set('retry-after', '1');
  const retryAfter = error.details['retry_after'];
  if (error.code === 'too_many_requests' && typeof retryAfter === 'number') res.headers.set('retry-after', String(retryAfter));
  return res;
}

/** A JSON response; `?compact=true` drops null fields (sync-core §1.3). */
export function send(c: Context, status: number, body: unknown): Response {
  const payload = c.req.query('compact') === 'true' ? stripNulls(body) : body;
  return new Response(JSON.stringify(payload), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** Map any thrown value to a D2 error response; unexpected ones are logged and answered 500. */
export function errorResponse(c: Context, error: unknown, log: Logger): Response {
  if (isSyncError(error)) return sendError(c, error);
  log.error({ err: error, path: c.req.path }, 'unhandled error');
  const internal = new SyncError('internal_error', 'The server failed to handle this request; it has been logged.');
  return sendError(c, internal);
}
