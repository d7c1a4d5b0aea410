// The identity store on SQLite and on PostgreSQL for in-process servers (rooms stay in memory):
// each backend gives the server flags of a fresh data directory or schema. What tests open with
// them is closed by `closeIdentityBackends` (call it afterAll), newest first.
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests } from './postgres.js';
import { removeDir, tempDataDir } from './server-process.js';

const pg = await postgresForTests();
const cleanups: Array<() => Promise<void>> = [];

/** Close something when the file's tests end (servers before the stores under them). */
export function onClose(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

export async function closeIdentityBackends(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await closeAdmin();
}

export const IDENTITY_BACKENDS: Array<{ name: string; skip: boolean; args(): Promise<string[]> }> = [
  { name: 'SQLite', skip: false, args: async () => {
    const dir = tempDataDir();
    onClose(async () => removeDir(dir));
    return ['--store', 'sqlite', '--data-dir', dir];
  } },
  { name: 'PostgreSQL', skip: !pg, args: async () => {
    const schema = await freshSchema();
    onClose(() => schema.drop());
    return ['--store', 'postgres', '--database-url', `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema.name}`];
  } },
];
