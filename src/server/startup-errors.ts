// What the process prints when it cannot start: one line naming what failed and what to do,
// never a stack trace (the cause is logged at debug level for whoever needs it).
import { join } from 'node:path';
import type { Config } from './config.js';

export function databaseFile(config: Config): string {
  return join(config.dataDir, 'agent-sync.db');
}

/** The store (or its data directory) could not be opened or read at start-up. */
export function storeFailure(failure: unknown, config: Config): string {
  // The store's guard wraps an unreachable database as a 503 error; what failed is its cause.
  const error = (failure as { code?: unknown }).code === 'service_unavailable' && failure instanceof Error && failure.cause !== undefined ? failure.cause : failure;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (config.store === 'postgres' && config.databaseUrl) {
    return `cannot reach or set up PostgreSQL at ${withoutPassword(config.databaseUrl)} (${message}); check DATABASE_URL and that the database is up`;
  }
  const file = databaseFile(config);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return `the database ${file} is damaged or not an agent-sync database (${message}); move it aside or restore a backup, then start again (or set --data-dir / DATA_DIR to another directory)`;
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
    return `cannot use the data directory ${config.dataDir} (${message}); make it a writable directory or set --data-dir / DATA_DIR`;
  }
  if (/another agent-sync process/.test(message)) return message;
  return `failed to start with the database ${file}: ${message}`;
}

/** A database URL fit to print: the password replaced by `***`. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/** The HTTP server could not listen. */
export function listenFailure(error: unknown, config: Config): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${config.port} is already in use (set --port or PORT)`;
  if (code === 'EACCES') return `no permission to listen on port ${config.port} (choose a port above 1023 with --port or PORT)`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot listen on host ${config.host}: it is not an address of this machine (set --host or HOST)`;
  }
  return `cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Printed at start-up by a server that is not in local mode (D21). */
export function exposedNotice(config: Config): string[] {
  return [
    `agent-sync: ${config.host} is not a loopback address, so every room route needs a token and rooms cannot be created over the network until accounts exist.`,
    'agent-sync: create rooms with the server on 127.0.0.1 (same --data-dir), let agents join with PATCH /rooms/:id {"meta": {"open_join": true}}, and serve it behind TLS.',
  ];
}
