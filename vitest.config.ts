import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { defineConfig } from 'vitest/config';

/**
 * The black-box files that run a second time on PostgreSQL (issue 9): every e2e file that starts
 * real server processes, except those that choose their stores themselves (they ask
 * `postgresForTests()` and already run on PostgreSQL).
 */
function blackBoxFiles(): string[] {
  return readdirSync('test/e2e', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join('test/e2e', file))
    .filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /\b(startServer|useServer)\(/.test(text) && !/\bpostgresForTests\(/.test(text);
    })
    .sort();
}

/** Whether the tests' PostgreSQL answers (see test/support/postgres.ts for the address). */
async function postgresAnswers(): Promise<boolean> {
  const sql = postgres(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

// Outside CI, a machine without PostgreSQL runs the SQLite pass alone, saying so; with CI=true
// the PostgreSQL pass always runs (and its global set-up fails, saying why).
const postgresPass = process.env.CI === 'true' || (await postgresAnswers());
if (!postgresPass) console.warn('NOTICE: PostgreSQL does not answer: skipping the PostgreSQL pass of the black-box suite (run scripts/ensure-postgres.sh or set DATABASE_URL).');

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on real server processes, browsers and timers rather than compute: two at
    // once keep two cores busy (the default, cores − 1, runs them one by one; three starve the
    // CPU-bound ones).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'default', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], globalSetup: ['test/support/build-web.ts'] } },
      ...(postgresPass
        ? [
            {
              extends: true as const,
              test: {
                name: 'e2e-postgres',
                include: blackBoxFiles(),
                env: { TEST_STORE: 'postgres' },
                globalSetup: ['test/support/postgres-pass.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
