// The identity tables, one text for both databases (SQLite and PostgreSQL take the same DDL
// here: integers are bigint-compatible, text ids use the C collation on PostgreSQL only).
// Versioned: a migration is never edited once released; append a new one.

const ddl = (collate: string, bigint: string) => `
CREATE TABLE users (
  id text${collate} PRIMARY KEY,
  username text${collate} NOT NULL UNIQUE,
  created_at ${bigint} NOT NULL
);
CREATE TABLE passkeys (
  id text${collate} PRIMARY KEY,
  user_id text${collate} NOT NULL,
  public_key text NOT NULL,
  counter ${bigint} NOT NULL,
  transports text NOT NULL,
  device_type text,
  backed_up smallint NOT NULL,
  created_at ${bigint} NOT NULL,
  last_used_at ${bigint}
);
CREATE INDEX passkeys_user ON passkeys (user_id);
CREATE TABLE sessions (
  hash text PRIMARY KEY,
  user_id text${collate} NOT NULL,
  kind text NOT NULL,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  revoked_at ${bigint}
);
CREATE TABLE user_tokens (
  id text${collate} PRIMARY KEY,
  kind text NOT NULL,
  hash text NOT NULL UNIQUE,
  user_id text${collate} NOT NULL,
  scope text NOT NULL,
  label text,
  family text NOT NULL,
  pair_id text,
  client_id text,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint},
  revoked_at ${bigint},
  used_at ${bigint},
  last_used_at ${bigint}
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, kind, created_at);
CREATE INDEX user_tokens_family ON user_tokens (family);
CREATE INDEX user_tokens_pair ON user_tokens (pair_id);
CREATE TABLE embodiments (
  family text NOT NULL,
  user_id text${collate} NOT NULL,
  room_id text${collate} NOT NULL,
  agent_id text NOT NULL,
  PRIMARY KEY (family, room_id)
);
CREATE INDEX embodiments_room ON embodiments (room_id);
CREATE INDEX embodiments_user ON embodiments (user_id, room_id);
CREATE TABLE device_codes (
  id text PRIMARY KEY,
  device_hash text NOT NULL UNIQUE,
  user_code_hash text NOT NULL UNIQUE,
  client_id text,
  scope text NOT NULL,
  approved_scope text,
  status text NOT NULL,
  user_id text,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  poll_interval integer NOT NULL,
  last_polled_at ${bigint}
);
CREATE TABLE room_roles (
  user_id text${collate} NOT NULL,
  room_id text${collate} NOT NULL,
  role text NOT NULL,
  invited_by text,
  created_at ${bigint} NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX room_roles_room ON room_roles (room_id);
CREATE TABLE rate_limits (
  key text NOT NULL,
  window_end ${bigint} NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (key, window_end)
);
`;

// Passkey ceremonies and recovery: challenges kept server-side (single use, bound to the user they
// were issued for), recovery codes by hash in at most `slot`-many rows per user, passkey names.
const passkeysDdl = (collate: string, bigint: string) => `
ALTER TABLE passkeys ADD COLUMN name text;
CREATE TABLE webauthn_challenges (
  id text PRIMARY KEY,
  kind text NOT NULL,
  challenge text NOT NULL,
  user_id text${collate},
  username text${collate},
  new_user smallint NOT NULL,
  session_hash text,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL
);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at);
CREATE TABLE recovery_codes (
  id text PRIMARY KEY,
  user_id text${collate} NOT NULL,
  hash text NOT NULL UNIQUE,
  slot integer NOT NULL,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  used_at ${bigint},
  session_hash text,
  UNIQUE (user_id, slot)
);
CREATE INDEX recovery_codes_session ON recovery_codes (session_hash);
`;

// OAuth for MCP clients (D22): token audience, registered clients, pending requests, codes.
const oauth = (collate: string, bigint: string) => `
ALTER TABLE user_tokens ADD COLUMN resource text;
CREATE TABLE oauth_clients (
  id text${collate} PRIMARY KEY,
  name text,
  redirect_uris text NOT NULL,
  created_at ${bigint} NOT NULL
);
CREATE TABLE oauth_requests (
  hash text PRIMARY KEY,
  client_id text${collate} NOT NULL,
  redirect_uri text NOT NULL,
  code_challenge text NOT NULL,
  scope text NOT NULL,
  resource text NOT NULL,
  state text,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  decided_at ${bigint}
);
CREATE TABLE oauth_codes (
  hash text PRIMARY KEY,
  client_id text${collate} NOT NULL,
  user_id text${collate} NOT NULL,
  redirect_uri text NOT NULL,
  code_challenge text NOT NULL,
  scope text NOT NULL,
  resource text NOT NULL,
  family text NOT NULL,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  used_at ${bigint},
  replayed_at ${bigint}
);
`;

export const SQLITE_IDENTITY_MIGRATIONS: readonly string[] = [ddl('', 'integer'), passkeysDdl('', 'integer'), oauth('', 'integer')];

export const POSTGRES_IDENTITY_MIGRATIONS = [
  { version: 1, name: 'identity: users, passkeys, sessions, tokens, device codes, roles, rate limits', sql: ddl(' COLLATE "C"', 'bigint') },
  { version: 2, name: 'identity: WebAuthn challenges, recovery codes, passkey names', sql: passkeysDdl(' COLLATE "C"', 'bigint') },
  { version: 3, name: 'identity: OAuth clients, requests, codes; token audience', sql: oauth(' COLLATE "C"', 'bigint') },
];
