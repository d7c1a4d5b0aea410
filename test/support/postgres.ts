// PostgreSQL for tests: where it is (DATABASE_URL, or the CI default), whether it answers, and a
// fresh schema per test so test files running in parallel never see each other's tables.
// Outside CI an unreachable database skips the PostgreSQL tests with one visible notice; with
// CI=true it fails them (issue 9: never skipped silently in CI).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { it } from 'vitest';

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

let admin: postgres.Sql | null = null;
const adminSql = (): postgres.Sql => (admin ??= postgres(DATABASE_URL, { max: 2, connect_timeout: 5, onnotice: () => {} }));

async function reachable(): Promise<string | null> {
  try {
    await adminSql()`SELECT 1`;
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let warned = false;

/**
 * True when PostgreSQL answers. Otherwise: in CI, registers a failing test that says why;
 * elsewhere, warns once. Call at the top level of a test file and skip its suites when false.
 */
export async function postgresForTests(): Promise<boolean> {
  const problem = await reachable();
  if (problem === null) return true;
  const what = `PostgreSQL is not reachable at ${redact(DATABASE_URL)} (${problem})`;
  if (process.env.CI === 'true') {
    it('reaches PostgreSQL (required when CI=true; run scripts/ensure-postgres.sh)', () => {
      throw new Error(what);
    });
  } else if (!warned) {
    warned = true;
    console.warn(`NOTICE: skipping the PostgreSQL tests: ${what}. Run scripts/ensure-postgres.sh or set DATABASE_URL.`);
  }
  return false;
}

export interface TestSchema {
  name: string;
  drop(): Promise<void>;
}

/** A new empty schema `t_<random>`; drop() removes it with everything in it. */
export async function freshSchema(): Promise<TestSchema> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const sql = adminSql();
  await sql.unsafe(`CREATE SCHEMA ${name}`);
  return { name, drop: async () => void (await sql.unsafe(`DROP SCHEMA IF EXISTS ${name} CASCADE`)) };
}

/** Run a statement as the test's administrator (outside any store). */
export function adminQuery<T extends object = Record<string, unknown>>(text: string, params: Array<string | number> = []): Promise<T[]> {
  return adminSql().unsafe(text, params) as unknown as Promise<T[]>;
}

/** Close the administrator's connections (afterAll). */
export async function closeAdmin(): Promise<void> {
  const sql = admin;
  admin = null;
  await sql?.end({ timeout: 5 });
}

/** The URL without its password. */
export const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
