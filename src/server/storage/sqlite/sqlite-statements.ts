// Every SQL statement the SQLite adapter runs, prepared once.
import type Database from 'better-sqlite3';

export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertRoom: p('INSERT OR IGNORE INTO rooms (id, created_at, meta, token_hash, view_token_hash) VALUES (?, ?, ?, ?, ?)'),
    getRoom: p('SELECT * FROM rooms WHERE id = ?'),
    roomExists: p('SELECT 1 AS n FROM rooms WHERE id = ?'),
    listRooms: p('SELECT * FROM rooms ORDER BY created_at DESC, id'),
    updateRoom: p('UPDATE rooms SET meta = ?, token_hash = ?, view_token_hash = ? WHERE id = ?'),
    updateRoomMeta: p('UPDATE rooms SET meta = ? WHERE id = ?'),
    updateRoomTokens: p('UPDATE rooms SET token_hash = ?, view_token_hash = ? WHERE id = ?'),
    deleteRoom: p('DELETE FROM rooms WHERE id = ?'),
    deleteRoomRows: ['entries', 'messages', 'log', 'counters'].map((t) => p(`DELETE FROM ${t} WHERE room_id = ?`)),
    entriesOf: p('SELECT * FROM entries WHERE room_id = ? ORDER BY created_at, scope, key'),
    upsertEntry: p(`INSERT INTO entries (room_id, scope, key, value, version, revision, created_at, updated_at, writer, sort_key, timer, enabled, enabled_authority, timer_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (room_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version, revision = excluded.revision,
        created_at = excluded.created_at, updated_at = excluded.updated_at, writer = excluded.writer, sort_key = excluded.sort_key, timer = excluded.timer,
        enabled = excluded.enabled, enabled_authority = excluded.enabled_authority, timer_at = excluded.timer_at`),
    pendingTimers: p('SELECT room_id AS roomId, min(timer_at) AS at FROM entries WHERE timer_at IS NOT NULL GROUP BY room_id'),
    deleteEntry: p('DELETE FROM entries WHERE room_id = ? AND scope = ? AND key = ?'),
    insertMessage: p('INSERT INTO messages (room_id, seq, ts, sender, kind, body, recipients) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    messageTail: p('SELECT * FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?'),
    messagesAfter: p('SELECT * FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    directed: p('SELECT seq, recipients FROM messages WHERE room_id = ? AND recipients IS NOT NULL ORDER BY seq'),
    maxMessageSeq: p('SELECT max(seq) AS n FROM messages WHERE room_id = ?'),
    insertLog: p('INSERT INTO log (room_id, seq, ts, kind, agent, action, builtin, params, ok, error, writes, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    maxLogSeq: p('SELECT max(seq) AS n FROM log WHERE room_id = ?'),
    logBefore: p('SELECT * FROM log WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    logAfter: p('SELECT * FROM log WHERE room_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
    invocationCounts: p("SELECT action, count(*) AS n FROM log WHERE room_id = ? AND kind = 'invoke' AND ok = 1 AND builtin = 0 AND action IS NOT NULL AND action <> '' GROUP BY action"),
    countersOf: p('SELECT name, value FROM counters WHERE room_id = ?'),
    upsertCounter: p('INSERT INTO counters (room_id, name, value) VALUES (?, ?, ?) ON CONFLICT (room_id, name) DO UPDATE SET value = excluded.value'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
