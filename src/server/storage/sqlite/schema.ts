// The SQLite schema and its migrations, applied in order and recorded in PRAGMA user_version.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    meta TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    view_token_hash TEXT
  );
  CREATE INDEX rooms_token ON rooms (token_hash);
  CREATE INDEX rooms_view_token ON rooms (view_token_hash);

  CREATE TABLE entries (
    room_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    version TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    writer TEXT,
    sort_key INTEGER,
    timer TEXT,
    enabled TEXT,
    enabled_authority TEXT,
    timer_at INTEGER,
    PRIMARY KEY (room_id, scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX entries_timer_at ON entries (timer_at) WHERE timer_at IS NOT NULL;

  CREATE TABLE messages (
    room_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    sender TEXT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    recipients TEXT,
    PRIMARY KEY (room_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE log (
    room_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL,
    agent TEXT,
    action TEXT,
    builtin INTEGER NOT NULL,
    params TEXT,
    ok INTEGER NOT NULL,
    error TEXT,
    writes TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (room_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX log_custom_invocations ON log (room_id, action) WHERE kind = 'invoke' AND ok = 1 AND builtin = 0;

  CREATE TABLE counters (
    room_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (room_id, name)
  ) WITHOUT ROWID;

  CREATE TABLE agent_credentials (
    hash TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX agent_credentials_agent ON agent_credentials (room_id, agent_id);
  `,
  // Invocation counts are read once per room load by scanning the room's log range (its primary
  // key); keeping an index for them cost a page write on every invocation.
  `
  DROP INDEX IF EXISTS log_custom_invocations;
  `,
  // The beach (issue 12): one row per block name; \`record\` is the JSON of {block, locks, touched,
  // claims}; \`block_bytes\` (0 for a lock-only record) feeds the surface index without parsing.
  `
  CREATE TABLE beach_blocks (
    name TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    block_bytes INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];
