// Every SQL statement the PostgreSQL adapter runs (prepared on first use per connection). The
// parameter lists are the SQLite adapter's (sql-rows.ts), in the same order.

/** Room write locks: a 64-bit hash of schema and room id (see postgres-room-store.ts on collisions). */
export const ROOM_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('agent-sync:room:' || coalesce(current_schema(), '') || ':' || $1, 0))`;

export const SQL = {
  insertRoom: 'INSERT INTO rooms (id, created_at, meta, token_hash, view_token_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
  getRoom: 'SELECT * FROM rooms WHERE id = $1',
  roomExists: 'SELECT 1 AS n FROM rooms WHERE id = $1',
  listRooms: 'SELECT * FROM rooms ORDER BY created_at DESC, id',
  listRoomsIn: 'SELECT * FROM rooms WHERE id = ANY($1::text[]) ORDER BY created_at DESC, id',
  updateRoom: 'UPDATE rooms SET meta = $1, token_hash = $2, view_token_hash = $3 WHERE id = $4',
  updateRoomMeta: 'UPDATE rooms SET meta = $1 WHERE id = $2',
  updateRoomTokens: 'UPDATE rooms SET token_hash = $1, view_token_hash = $2 WHERE id = $3',
  deleteRoom: 'DELETE FROM rooms WHERE id = $1 RETURNING created_at',
  deleteRoomRows: ['entries', 'messages', 'log', 'counters'].map((t) => `DELETE FROM ${t} WHERE room_id = $1`),
  entriesOf: 'SELECT * FROM entries WHERE room_id = $1 ORDER BY created_at, scope, key',
  upsertEntry: `INSERT INTO entries (room_id, scope, key, value, version, revision, created_at, updated_at, writer, sort_key, timer, enabled, enabled_authority, timer_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
    ON CONFLICT (room_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version, revision = excluded.revision,
      created_at = excluded.created_at, updated_at = excluded.updated_at, writer = excluded.writer, sort_key = excluded.sort_key, timer = excluded.timer,
      enabled = excluded.enabled, enabled_authority = excluded.enabled_authority, timer_at = excluded.timer_at`,
  pendingTimers: 'SELECT room_id AS "roomId", min(timer_at) AS at FROM entries WHERE timer_at IS NOT NULL GROUP BY room_id',
  deleteEntry: 'DELETE FROM entries WHERE room_id = $1 AND scope = $2 AND key = $3',
  insertMessage: 'INSERT INTO messages (room_id, seq, ts, sender, kind, body, recipients) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  messageTail: 'SELECT * FROM messages WHERE room_id = $1 ORDER BY seq DESC LIMIT $2',
  messagesAfter: 'SELECT * FROM messages WHERE room_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
  directed: 'SELECT seq, recipients FROM messages WHERE room_id = $1 AND recipients IS NOT NULL ORDER BY seq',
  maxMessageSeq: 'SELECT max(seq) AS n FROM messages WHERE room_id = $1',
  insertLog: 'INSERT INTO log (room_id, seq, ts, kind, agent, action, builtin, params, ok, error, writes, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
  maxLogSeq: 'SELECT max(seq) AS n FROM log WHERE room_id = $1',
  logBefore: 'SELECT * FROM log WHERE room_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
  logAfter: 'SELECT * FROM log WHERE room_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3',
  invocationCounts: "SELECT action, count(*) AS n FROM log WHERE room_id = $1 AND kind = 'invoke' AND ok = 1 AND builtin = 0 AND action IS NOT NULL AND action <> '' GROUP BY action",
  countersOf: 'SELECT name, value FROM counters WHERE room_id = $1',
  upsertCounter: 'INSERT INTO counters (room_id, name, value) VALUES ($1, $2, $3) ON CONFLICT (room_id, name) DO UPDATE SET value = excluded.value',
} as const;
