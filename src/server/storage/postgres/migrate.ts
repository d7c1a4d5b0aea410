// Applies the pending migrations of schema.ts in one transaction, under an advisory lock, so
// processes that start together migrate once: the first applies, the others wait, then find
// nothing left to do. Running it again is a no-op.
import type postgres from 'postgres';
import { MIGRATIONS, type Migration } from './schema.js';

/** The lock key is per schema, so stores in different schemas of one database never wait on each other. */
const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('agent-sync:migrate:' || coalesce(current_schema(), ''), 0))`;

/**
 * Returns the versions it applied (empty when the schema was already current). `table` records
 * them: the room store uses `schema_migrations`, the identity store `identity_migrations`, so
 * each set of tables is versioned on its own (both under the same lock).
 */
export async function migrate(sql: postgres.Sql, migrations: readonly Migration[] = MIGRATIONS, table = 'schema_migrations'): Promise<number[]> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad migrations table name ${table}`);
  return sql.begin(async (tx) => {
    await tx.unsafe(MIGRATION_LOCK);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.unsafe<Array<{ version: number }>>(`SELECT version FROM ${table}`);
    const done = new Set(rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const newer = [...done].filter((v) => !known.has(v));
    if (newer.length > 0) {
      throw new Error(`the database schema has migration ${Math.max(...newer)}, which this agent-sync does not know; run a newer agent-sync`);
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx.unsafe(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
