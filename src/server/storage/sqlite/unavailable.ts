// Which failures of the SQLite store mean "the database file cannot be used right now" — a full
// disk, an I/O error, a file that became unreadable or read-only, a lock held elsewhere — so the
// request deserves 503 (retry later) rather than 500: the request was fine, the storage is not.

/** Primary result codes (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE, by prefix). */
const UNAVAILABLE = ['SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', 'SQLITE_CORRUPT', 'SQLITE_NOTADB'];

export function isSqliteUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (UNAVAILABLE.some((c) => code === c || code.startsWith(`${c}_`))) return true;
  // The connection was closed under us (the process is stopping).
  return error instanceof TypeError && /database connection is not open/.test(error.message);
}
