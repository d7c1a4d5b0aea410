// The PostgreSQL schema as numbered migrations, applied in order by migrate.ts and recorded in
// schema_migrations. A migration is never edited once released: change the schema by appending.
//
// JSON values live in text columns, not jsonb: jsonb reorders object keys, drops duplicate keys
// and refuses \u0000 in strings, and D3 wants the same JSON out that went in. Identifiers use
// the "C" collation so ordering is by code point, as SQLite's BINARY and the memory store order.
// The log's builtin and ok flags are 0/1 as in SQLite, so both adapters share one row mapping.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms, entries, messages, log, counters, agent credentials',
    sql: `
    CREATE TABLE rooms (
      id text COLLATE "C" PRIMARY KEY,
      created_at bigint NOT NULL,
      meta text NOT NULL,
      token_hash text NOT NULL,
      view_token_hash text
    );
    CREATE INDEX rooms_token ON rooms (token_hash);
    CREATE INDEX rooms_view_token ON rooms (view_token_hash);
    CREATE INDEX rooms_newest ON rooms (created_at DESC, id);

    CREATE TABLE entries (
      room_id text COLLATE "C" NOT NULL,
      scope text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      value text NOT NULL,
      version text NOT NULL,
      revision bigint NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      writer text,
      sort_key bigint,
      timer text,
      enabled text,
      enabled_authority text,
      timer_at bigint,
      PRIMARY KEY (room_id, scope, key)
    );
    CREATE INDEX entries_timer_at ON entries (timer_at) WHERE timer_at IS NOT NULL;

    CREATE TABLE messages (
      room_id text COLLATE "C" NOT NULL,
      seq bigint NOT NULL,
      ts bigint NOT NULL,
      sender text,
      kind text NOT NULL,
      body text NOT NULL,
      recipients text,
      PRIMARY KEY (room_id, seq)
    );

    CREATE TABLE log (
      room_id text COLLATE "C" NOT NULL,
      seq bigint NOT NULL,
      ts bigint NOT NULL,
      kind text NOT NULL,
      agent text,
      action text,
      builtin smallint NOT NULL,
      params text,
      ok smallint NOT NULL,
      error text,
      writes text NOT NULL,
      detail text,
      PRIMARY KEY (room_id, seq)
    );

    CREATE TABLE counters (
      room_id text COLLATE "C" NOT NULL,
      name text COLLATE "C" NOT NULL,
      value bigint NOT NULL,
      PRIMARY KEY (room_id, name)
    );

    CREATE TABLE agent_credentials (
      hash text PRIMARY KEY,
      room_id text COLLATE "C" NOT NULL,
      agent_id text NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX agent_credentials_agent ON agent_credentials (room_id, agent_id);
    `,
  },
  {
    version: 2,
    name: 'beach blocks',
    // One row per block name; `record` is the JSON of {block, locks, touched, claims};
    // `block_bytes` (0 for a lock-only record) feeds the surface index without parsing.
    sql: `
    CREATE TABLE beach_blocks (
      name text COLLATE "C" PRIMARY KEY,
      record text NOT NULL,
      block_bytes bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    `,
  },
];
