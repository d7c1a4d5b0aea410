// Global set-up of the PostgreSQL pass of the black-box suite (vitest project `e2e-postgres`):
// names this run, so that every schema its servers made can be dropped at the end even when a
// test never removed its data directory. It runs only when PostgreSQL answered the config's probe
// or CI=true (vitest.config.ts); then a PostgreSQL that does not answer fails the run, saying why.
import { randomBytes } from 'node:crypto';
import { adminQuery, closeAdmin, DATABASE_URL, redact } from './postgres.js';
import { schemaPrefix } from './test-store.js';

export async function setup(): Promise<void> {
  process.env.TEST_PG_RUN = randomBytes(4).toString('hex');
  try {
    await adminQuery('SELECT 1');
  } catch (error) {
    const why = `PostgreSQL is not reachable at ${redact(DATABASE_URL)} (${error instanceof Error ? error.message : String(error)})`;
    throw new Error(`the PostgreSQL pass of the black-box suite needs PostgreSQL: ${why}; run scripts/ensure-postgres.sh, or only the SQLite pass: npx vitest run --project default`);
  }
}

export async function teardown(): Promise<void> {
  try {
    const left = await adminQuery<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`, [schemaPrefix()]);
    for (const { name } of left) await adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } catch {
    /* PostgreSQL is away: nothing was made */
  } finally {
    await closeAdmin();
  }
}
