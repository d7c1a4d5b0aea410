// Row ↔ record conversion shared by the SQL adapters (SQLite and PostgreSQL): JSON values are
// stored as JSON text, so what goes in comes out unchanged (D3).
import type { AgentCredential } from '../../core/ports/credential-store.js';
import type { Entry, LogRecord, Message, RoomRecord } from '../../core/room/model.js';

export interface RoomRow {
  id: string;
  created_at: number;
  meta: string;
  token_hash: string;
  view_token_hash: string | null;
}

export interface EntryRow {
  scope: string;
  key: string;
  value: string;
  version: string;
  revision: number;
  created_at: number;
  updated_at: number;
  writer: string | null;
  sort_key: number | null;
  timer: string | null;
  enabled: string | null;
  enabled_authority: string | null;
  timer_at: number | null;
}

export interface MessageRow {
  seq: number;
  ts: number;
  sender: string | null;
  kind: string;
  body: string;
  recipients: string | null;
}

export interface LogRow {
  seq: number;
  ts: number;
  kind: string;
  agent: string | null;
  action: string | null;
  builtin: number;
  params: string | null;
  ok: number;
  error: string | null;
  writes: string;
  detail: string | null;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

export const roomFromRow = (r: RoomRow): RoomRecord => ({
  id: r.id,
  createdAt: r.created_at,
  meta: JSON.parse(r.meta),
  tokenHash: r.token_hash,
  viewTokenHash: r.view_token_hash,
});

export const entryFromRow = (r: EntryRow): Entry => ({
  scope: r.scope,
  key: r.key,
  value: JSON.parse(r.value),
  version: r.version,
  revision: r.revision,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  writer: r.writer,
  sortKey: r.sort_key,
  timer: parse(r.timer),
  enabled: r.enabled,
  enabledAuthority: r.enabled_authority,
  timerAt: r.timer_at,
});

export const entryParams = (roomId: string, e: Entry) => [
  roomId, e.scope, e.key, JSON.stringify(e.value), e.version, e.revision, e.createdAt, e.updatedAt,
  e.writer, e.sortKey, text(e.timer), e.enabled, e.enabledAuthority, e.timerAt,
];

export const messageFromRow = (r: MessageRow): Message => ({
  seq: r.seq,
  ts: r.ts,
  from: r.sender,
  kind: r.kind,
  body: JSON.parse(r.body),
  to: parse(r.recipients),
});

export const messageParams = (roomId: string, m: Message) => [roomId, m.seq, m.ts, m.from, m.kind, JSON.stringify(m.body), text(m.to)];

export const logFromRow = (r: LogRow): LogRecord => ({
  seq: r.seq,
  ts: r.ts,
  kind: r.kind as LogRecord['kind'],
  agent: r.agent,
  action: r.action,
  builtin: r.builtin === 1,
  params: parse(r.params),
  ok: r.ok === 1,
  error: r.error,
  writes: JSON.parse(r.writes),
  detail: parse(r.detail),
});

export const logParams = (roomId: string, l: LogRecord) => [
  roomId, l.seq, l.ts, l.kind, l.agent, l.action, l.builtin ? 1 : 0, text(l.params), l.ok ? 1 : 0, l.error, JSON.stringify(l.writes), text(l.detail),
];

export const roomParams = (r: RoomRecord) => [r.id, r.createdAt, JSON.stringify(r.meta), r.tokenHash, r.viewTokenHash];

export type CredentialRow = { hash: string; room_id: string; agent_id: string; created_at: number; revoked_at: number | null };

export function credentialFromRow(row: CredentialRow): AgentCredential {
  return { hash: row.hash, roomId: row.room_id, agentId: row.agent_id, createdAt: row.created_at, revokedAt: row.revoked_at };
}
