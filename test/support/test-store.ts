// Which store the black-box suite's server processes use (issue 9). `TEST_STORE=postgres` puts
// every server that `server-process.ts` starts on PostgreSQL: one schema per data directory,
// made on the first start, found again by a later start on the same directory (a restart sees
// the same data), and dropped with the directory. `npm test` runs the black-box files a second
// time this way (the `e2e-postgres` project in vitest.config.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it, type TestContext } from 'vitest';
import { adminQuery, DATABASE_URL } from './postgres.js';

export type TestStore = 'sqlite' | 'postgres';

export const TEST_STORE: TestStore = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_STORE === 'postgres';

/** Where a data directory notes the schema its servers use. */
const SCHEMA_FILE = '.test-postgres-schema';

/** Every schema of one `vitest run` starts with this, so its global teardown can drop leftovers. */
export const schemaPrefix = (): string => `e2e_${process.env.TEST_PG_RUN ?? 'adhoc'}_`;

/**
 * The environment a server on this data directory needs to use the test store: nothing on
 * SQLite; on PostgreSQL a DATABASE_URL whose search_path is the directory's schema.
 */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (!onPostgres) return {};
  const file = join(dataDir, SCHEMA_FILE);
  let schema = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!schema) {
    schema = `${schemaPrefix()}${randomBytes(5).toString('hex')}`;
    try {
      await adminQuery(`CREATE SCHEMA ${schema}`);
    } catch (error) {
      throw new Error(`TEST_STORE=postgres needs PostgreSQL at ${DATABASE_URL} (run scripts/ensure-postgres.sh): ${error instanceof Error ? error.message : String(error)}`);
    }
    writeFileSync(file, `${schema}\n`);
  }
  const sep = DATABASE_URL.includes('?') ? '&' : '?';
  return { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema}` };
}

/** The schema the servers on this data directory use (PostgreSQL pass), or null. */
export function schemaOf(dataDir: string): string | null {
  const file = join(dataDir, SCHEMA_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

/** Drop the data directory's schema, if it has one (before the directory itself is removed). */
export async function dropStoreOf(dataDir: string): Promise<void> {
  const schema = schemaOf(dataDir);
  if (schema) await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** The reason given for a test of the process itself, which the store cannot change. */
export const STORE_FREE = 'does not depend on the store';

/**
 * A test that only means something on SQLite (it looks at the database file, or at behaviour
 * only the embedded store has). On the PostgreSQL pass it is reported skipped, with the reason.
 */
export function itOnSqlite(name: string, why: string, fn: (ctx: TestContext) => Promise<void> | void, timeout?: number): void {
  if (onPostgres) it(name, (ctx) => ctx.skip(`SQLite pass only: ${why}`));
  else it(name, fn, timeout);
}
