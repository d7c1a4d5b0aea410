// MCP's credential store (server/mcp/credential-store.ts) on the SQLite file of the rooms.
import type Database from 'better-sqlite3';
import { SqlCredentialStore, type Row } from '../../mcp/credential-store.js';

/** SQLite: each statement uses $1, $2, … once and in order, so they become plain `?`. */
export function sqliteCredentialStore(db: Database.Database): SqlCredentialStore {
  const cache = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let stmt = cache.get(text);
    if (!stmt) cache.set(text, (stmt = db.prepare(text.replace(/\$\d+/g, '?'))));
    return stmt;
  };
  return new SqlCredentialStore(
    async (text, params) => {
      const stmt = prepare(text);
      return stmt.reader ? (stmt.all(...params) as Row[]) : (stmt.run(...params), []);
    },
    async (statements) => {
      for (const s of statements) db.exec(s);
    },
  );
}

