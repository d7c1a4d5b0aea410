// Which failures of the PostgreSQL store mean "the database cannot be reached right now" — the
// request may be retried and deserves 503 with Retry-After — rather than a fault in the request
// or in the code. For the failure handling of issue 9 (503, reconnect, /healthz not ready).

/**
 * Codes the `postgres` driver and Node's sockets give a connection that failed or went away, and
 * the store's own ROOM_LOCK_TIMEOUT (a lock not obtained in time: the database is down or slow).
 */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT',
  'ROOM_LOCK_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
]);

/**
 * SQLSTATEs of a server that is going away, starting up or full, and of a statement cut off by
 * statement_timeout (57014: a room lock held too long elsewhere, a database too slow) — never a
 * bad statement.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57014', '53300', '53400']);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // Class 08: connection exceptions.
  return CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}
