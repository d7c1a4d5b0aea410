// Identity in PostgreSQL (D25): the same tables in the shared database, versioned in their own
// `identity_migrations`, so any number of processes share users, tokens, roles and rate limits,
// and a token revoked through one process is refused by every other at once.
import postgres from 'postgres';
import { migrate } from './migrate.js';
import { POSTGRES_IDENTITY_MIGRATIONS } from '../identity/identity-schema.js';
import { SqlIdentityStore, type SqlExecutor, type SqlValue } from '../identity/sql-identity-store.js';

const int8 = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

class PostgresExecutor implements SqlExecutor {
  private migrated: Promise<unknown> | null = null;
  constructor(private readonly sql: postgres.Sql<{ int8: number }>) {}
  private ready(): Promise<unknown> {
    this.migrated ??= migrate(this.sql as unknown as postgres.Sql, POSTGRES_IDENTITY_MIGRATIONS, 'identity_migrations').catch((error: unknown) => {
      this.migrated = null;
      throw error;
    });
    return this.migrated;
  }
  async all<T>(text: string, params: SqlValue[]): Promise<T[]> {
    await this.ready();
    return (await this.sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
  }
  async run(text: string, params: SqlValue[]): Promise<number> {
    await this.ready();
    const result = await this.sql.unsafe(text, params as never[], { prepare: true });
    return result.count;
  }
  async close(): Promise<void> {
    await this.migrated?.catch(() => {});
    await this.sql.end({ timeout: 5 });
  }
}

export interface PostgresIdentityOptions {
  poolSize?: number;
  /** Schema for the tables (default: the search_path). It must exist. */
  schema?: string;
}

export class PostgresIdentityStore extends SqlIdentityStore {
  constructor(url: string, options: PostgresIdentityOptions = {}) {
    super(new PostgresExecutor(postgres(url, {
      max: options.poolSize ?? 4,
      connect_timeout: 10,
      types: { int8 },
      connection: { application_name: 'agent-sync identity', ...(options.schema ? { search_path: options.schema } : {}) },
      onnotice: () => {},
    })));
  }
}
