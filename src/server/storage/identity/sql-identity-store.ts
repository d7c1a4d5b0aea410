// The identity store over SQL, shared by the SQLite and PostgreSQL adapters: statements are
// written once with $n placeholders (SQLite reads them as ?n) and run through a small executor.
// Every change is one statement, so each is atomic on its own; the ones that must happen once
// (a refresh token's use, a device code's approval and consumption) are conditional updates
// whose row count says whether this caller won.
import type {
  ChallengeKind, ChallengeRecord, DeviceCodeRecord, DeviceStatus, IdentityStore, PasskeyRecord, RecoveryCodeRecord, RoomRole, SessionKind, SessionRecord, TokenKind, TokenRecord, UserRecord,
} from '../../../core/ports/identity-store.js';
import type { Role } from '../../../core/identity/access.js';
import { SqlOAuthStore } from './sql-oauth-store.js';
import { num, numOrNull, strOrNull, type Row } from './sql-values.js';

export type SqlValue = string | number | null;

export interface SqlExecutor {
  all<T>(sql: string, params: SqlValue[]): Promise<T[]>;
  /** Run a statement; the number of rows it changed. */
  run(sql: string, params: SqlValue[]): Promise<number>;
  /** See IdentityStore.changeStamp (optional). */
  changeStamp?(): string | number | null;
  close(): Promise<void>;
}


const user = (r: Row): UserRecord => ({ id: String(r.id), username: String(r.username), createdAt: num(r.created_at) });
const passkey = (r: Row): PasskeyRecord => ({
  id: String(r.id), userId: String(r.user_id), publicKey: String(r.public_key), counter: num(r.counter),
  transports: JSON.parse(String(r.transports)) as string[], deviceType: strOrNull(r.device_type), backedUp: num(r.backed_up) === 1,
  name: strOrNull(r.name), createdAt: num(r.created_at), lastUsedAt: numOrNull(r.last_used_at),
});
const challenge = (r: Row): ChallengeRecord => ({
  id: String(r.id), kind: String(r.kind) as ChallengeKind, challenge: String(r.challenge), userId: strOrNull(r.user_id),
  username: strOrNull(r.username), newUser: num(r.new_user) === 1, sessionHash: strOrNull(r.session_hash),
  createdAt: num(r.created_at), expiresAt: num(r.expires_at),
});
const recoveryCode = (r: Row): RecoveryCodeRecord => ({
  id: String(r.id), userId: String(r.user_id), hash: String(r.hash), slot: num(r.slot), createdAt: num(r.created_at),
  expiresAt: num(r.expires_at), usedAt: numOrNull(r.used_at), sessionHash: strOrNull(r.session_hash),
});
const session = (r: Row): SessionRecord => ({
  hash: String(r.hash), userId: String(r.user_id), kind: String(r.kind) as SessionKind, createdAt: num(r.created_at),
  expiresAt: num(r.expires_at), revokedAt: numOrNull(r.revoked_at),
});
const token = (r: Row): TokenRecord => ({
  id: String(r.id), kind: String(r.kind) as TokenKind, hash: String(r.hash), userId: String(r.user_id), scope: String(r.scope),
  label: strOrNull(r.label), family: String(r.family), pairId: strOrNull(r.pair_id), clientId: strOrNull(r.client_id),
  resource: strOrNull(r.resource), createdAt: num(r.created_at), expiresAt: numOrNull(r.expires_at), revokedAt: numOrNull(r.revoked_at),
  usedAt: numOrNull(r.used_at), lastUsedAt: numOrNull(r.last_used_at),
});
const device = (r: Row): DeviceCodeRecord => ({
  id: String(r.id), deviceHash: String(r.device_hash), userCodeHash: String(r.user_code_hash), clientId: strOrNull(r.client_id),
  scope: String(r.scope), approvedScope: strOrNull(r.approved_scope), status: String(r.status) as DeviceStatus, userId: strOrNull(r.user_id),
  createdAt: num(r.created_at), expiresAt: num(r.expires_at), interval: num(r.poll_interval), lastPolledAt: numOrNull(r.last_polled_at),
});
const role = (r: Row): RoomRole => ({
  userId: String(r.user_id), roomId: String(r.room_id), role: String(r.role) as Role, invitedBy: strOrNull(r.invited_by), createdAt: num(r.created_at),
});

const ROLE_ORDER = `CASE role WHEN 'owner' THEN 0 WHEN 'collaborator' THEN 1 WHEN 'participant' THEN 2 ELSE 3 END`;

export class SqlIdentityStore implements IdentityStore {
  readonly oauth: SqlOAuthStore;
  constructor(protected readonly db: SqlExecutor) {
    this.oauth = new SqlOAuthStore(db);
  }

  changeStamp(): string | number | null {
    return this.db.changeStamp?.() ?? null;
  }

  private async one<T>(sql: string, params: SqlValue[], map: (r: Row) => T): Promise<T | null> {
    const rows = await this.db.all<Row>(sql, params);
    return rows.length ? map(rows[0]!) : null;
  }

  async createUser(u: UserRecord) {
    const n = await this.db.run('INSERT INTO users (id, username, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [u.id, u.username, u.createdAt]);
    return n === 1 ? { ...u } : null;
  }
  userById(id: string) {
    return this.one('SELECT * FROM users WHERE id = $1', [id], user);
  }
  userByName(username: string) {
    return this.one('SELECT * FROM users WHERE username = $1', [username], user);
  }
  async listUsers() {
    return (await this.db.all<Row>('SELECT * FROM users ORDER BY created_at, id', [])).map(user);
  }
  async countUsers() {
    const rows = await this.db.all<Row>('SELECT count(*) AS n FROM users', []);
    return num(rows[0]!.n);
  }

  async addPasskey(p: PasskeyRecord) {
    const n = await this.db.run(
      `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [p.id, p.userId, p.publicKey, p.counter, JSON.stringify(p.transports), p.deviceType, p.backedUp ? 1 : 0, p.name, p.createdAt, p.lastUsedAt],
    );
    return n === 1;
  }
  passkey(id: string) {
    return this.one('SELECT * FROM passkeys WHERE id = $1', [id], passkey);
  }
  async passkeysOf(userId: string) {
    return (await this.db.all<Row>('SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(passkey);
  }
  async touchPasskey(id: string, counter: number, at: number) {
    await this.db.run('UPDATE passkeys SET counter = $2, last_used_at = $3 WHERE id = $1', [id, counter, at]);
  }
  async removePasskey(userId: string, id: string) {
    return (await this.db.run('DELETE FROM passkeys WHERE id = $1 AND user_id = $2', [id, userId])) === 1;
  }

  async createChallenge(c: ChallengeRecord) {
    await this.db.run(
      `INSERT INTO webauthn_challenges (id, kind, challenge, user_id, username, new_user, session_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.id, c.kind, c.challenge, c.userId, c.username, c.newUser ? 1 : 0, c.sessionHash, c.createdAt, c.expiresAt],
    );
  }
  takeChallenge(id: string) {
    return this.one('DELETE FROM webauthn_challenges WHERE id = $1 RETURNING *', [id], challenge);
  }

  async addRecoveryCode(c: RecoveryCodeRecord) {
    const n = await this.db.run(
      `INSERT INTO recovery_codes (id, user_id, hash, slot, created_at, expires_at, used_at, session_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [c.id, c.userId, c.hash, c.slot, c.createdAt, c.expiresAt, c.usedAt, c.sessionHash],
    );
    return n === 1;
  }
  async recoveryCodesOf(userId: string) {
    return (await this.db.all<Row>('SELECT * FROM recovery_codes WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(recoveryCode);
  }
  recoveryCodeByHash(hash: string) {
    return this.one('SELECT * FROM recovery_codes WHERE hash = $1', [hash], recoveryCode);
  }
  async removeRecoveryCode(userId: string, id: string) {
    return (await this.db.run('DELETE FROM recovery_codes WHERE id = $1 AND user_id = $2', [id, userId])) === 1;
  }
  async dropDeadRecoveryCodes(userId: string, at: number) {
    await this.db.run('DELETE FROM recovery_codes WHERE user_id = $1 AND (used_at IS NOT NULL OR expires_at <= $2)', [userId, at]);
  }
  async bindRecoveryCode(id: string, sessionHash: string) {
    return (await this.db.run('UPDATE recovery_codes SET session_hash = $2 WHERE id = $1 AND used_at IS NULL', [id, sessionHash])) === 1;
  }
  useRecoveryCode(sessionHash: string, at: number) {
    return this.one(
      'UPDATE recovery_codes SET used_at = $2 WHERE session_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *',
      [sessionHash, at],
      recoveryCode,
    );
  }

  async createSession(s: SessionRecord) {
    await this.db.run('INSERT INTO sessions (hash, user_id, kind, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.hash, s.userId, s.kind, s.createdAt, s.expiresAt, s.revokedAt]);
  }
  session(hash: string) {
    return this.one('SELECT * FROM sessions WHERE hash = $1', [hash], session);
  }
  async revokeSession(hash: string, at: number) {
    return (await this.db.run('UPDATE sessions SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL', [hash, at])) === 1;
  }

  async insertTokens(tokens: TokenRecord[]) {
    if (tokens.length === 0) return;
    const params: SqlValue[] = [];
    const rows = tokens.map((t) => {
      const base = params.length;
      params.push(t.id, t.kind, t.hash, t.userId, t.scope, t.label, t.family, t.pairId, t.clientId, t.resource, t.createdAt, t.expiresAt, t.revokedAt, t.usedAt, t.lastUsedAt);
      return `(${Array.from({ length: 15 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await this.db.run(
      `INSERT INTO user_tokens (id, kind, hash, user_id, scope, label, family, pair_id, client_id, resource, created_at, expires_at, revoked_at, used_at, last_used_at)
       VALUES ${rows.join(', ')}`,
      params,
    );
  }
  tokenByHash(hash: string) {
    return this.one('SELECT * FROM user_tokens WHERE hash = $1', [hash], token);
  }
  tokenById(id: string) {
    return this.one('SELECT * FROM user_tokens WHERE id = $1', [id], token);
  }
  async tokensOf(userId: string, kind: TokenKind) {
    return (await this.db.all<Row>('SELECT * FROM user_tokens WHERE user_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC', [userId, kind])).map(token);
  }
  async setTokenScope(id: string, scope: string, expected?: string) {
    if (expected !== undefined) return (await this.db.run('UPDATE user_tokens SET scope = $2 WHERE id = $1 AND revoked_at IS NULL AND scope = $3', [id, scope, expected])) === 1;
    return (await this.db.run('UPDATE user_tokens SET scope = $2 WHERE id = $1 AND revoked_at IS NULL', [id, scope])) === 1;
  }
  async revokeToken(id: string, at: number) {
    const n = await this.db.run('UPDATE user_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
    await this.db.run('UPDATE user_tokens SET revoked_at = $2 WHERE pair_id = $1 AND revoked_at IS NULL', [id, at]);
    return n === 1;
  }
  revokeFamily(family: string, at: number) {
    return this.db.run('UPDATE user_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL', [family, at]);
  }
  async useRefresh(id: string, at: number) {
    return (await this.db.run(`UPDATE user_tokens SET used_at = $2 WHERE id = $1 AND kind = 'ref_' AND used_at IS NULL AND revoked_at IS NULL`, [id, at])) === 1;
  }
  async touchToken(id: string, at: number) {
    await this.db.run('UPDATE user_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
  }

  async setEmbodiment(family: string, userId: string, roomId: string, agentId: string) {
    await this.db.run(
      'INSERT INTO embodiments (family, user_id, room_id, agent_id) VALUES ($1, $2, $3, $4) ON CONFLICT (family, room_id) DO UPDATE SET agent_id = excluded.agent_id',
      [family, userId, roomId, agentId],
    );
  }
  async agentsOf(userId: string, roomId: string) {
    const rows = await this.db.all<Row>('SELECT DISTINCT agent_id FROM embodiments WHERE user_id = $1 AND room_id = $2 ORDER BY agent_id', [userId, roomId]);
    return rows.map((r) => String(r.agent_id));
  }
  async embodiment(family: string, roomId: string) {
    const rows = await this.db.all<Row>('SELECT agent_id FROM embodiments WHERE family = $1 AND room_id = $2', [family, roomId]);
    return rows.length ? String(rows[0]!.agent_id) : null;
  }

  async createDeviceCode(d: DeviceCodeRecord) {
    const n = await this.db.run(
      `INSERT INTO device_codes (id, device_hash, user_code_hash, client_id, scope, approved_scope, status, user_id, created_at, expires_at, poll_interval, last_polled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [d.id, d.deviceHash, d.userCodeHash, d.clientId, d.scope, d.approvedScope, d.status, d.userId, d.createdAt, d.expiresAt, d.interval, d.lastPolledAt],
    );
    return n === 1;
  }
  deviceByHash(deviceHash: string) {
    return this.one('SELECT * FROM device_codes WHERE device_hash = $1', [deviceHash], device);
  }
  deviceByUserCode(userCodeHash: string) {
    return this.one('SELECT * FROM device_codes WHERE user_code_hash = $1', [userCodeHash], device);
  }
  async recordPoll(id: string, at: number, interval: number) {
    await this.db.run('UPDATE device_codes SET last_polled_at = $2, poll_interval = $3 WHERE id = $1', [id, at, interval]);
  }
  async approveDevice(id: string, userId: string, scope: string, at: number) {
    return (await this.db.run(
      `UPDATE device_codes SET status = 'approved', user_id = $2, approved_scope = $3 WHERE id = $1 AND status = 'pending' AND expires_at > $4`,
      [id, userId, scope, at],
    )) === 1;
  }
  async denyDevice(id: string, at: number) {
    return (await this.db.run(`UPDATE device_codes SET status = 'denied' WHERE id = $1 AND status = 'pending' AND expires_at > $2`, [id, at])) === 1;
  }
  async consumeDevice(id: string) {
    return (await this.db.run(`UPDATE device_codes SET status = 'consumed' WHERE id = $1 AND status = 'approved'`, [id])) === 1;
  }

  role(userId: string, roomId: string) {
    return this.one('SELECT * FROM room_roles WHERE user_id = $1 AND room_id = $2', [userId, roomId], role);
  }
  async setRole(link: RoomRole) {
    await this.db.run(
      `INSERT INTO room_roles (user_id, room_id, role, invited_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, room_id) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by`,
      [link.userId, link.roomId, link.role, link.invitedBy, link.createdAt],
    );
  }
  async roomMembers(roomId: string) {
    return (await this.db.all<Row>(`SELECT * FROM room_roles WHERE room_id = $1 ORDER BY ${ROLE_ORDER}, created_at, user_id`, [roomId])).map(role);
  }
  async roomsOf(userId: string) {
    return (await this.db.all<Row>('SELECT * FROM room_roles WHERE user_id = $1 ORDER BY room_id', [userId])).map(role);
  }
  async clearRoom(roomId: string) {
    await this.db.run('DELETE FROM room_roles WHERE room_id = $1', [roomId]);
    await this.db.run('DELETE FROM embodiments WHERE room_id = $1', [roomId]);
  }

  async hit(key: string, windowMs: number, at: number) {
    const windowEnd = Math.floor(at / windowMs) * windowMs + windowMs;
    const rows = await this.db.all<Row>(
      'INSERT INTO rate_limits (key, window_end, hits) VALUES ($1, $2, 1) ON CONFLICT (key, window_end) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits',
      [key, windowEnd],
    );
    return num(rows[0]!.hits);
  }
  async purge(before: number) {
    await this.db.run('DELETE FROM sessions WHERE expires_at < $1', [before]);
    await this.db.run('DELETE FROM device_codes WHERE expires_at < $1', [before]);
    await this.db.run('DELETE FROM webauthn_challenges WHERE expires_at < $1', [before]);
    await this.db.run('DELETE FROM recovery_codes WHERE expires_at < $1', [before]);
    await this.db.run('DELETE FROM rate_limits WHERE window_end < $1', [before]);
    await this.oauth.purge(before);
  }

  close() {
    return this.db.close();
  }
}
