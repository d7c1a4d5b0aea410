// OAuth clients, authorization requests and codes over SQL (SQLite and PostgreSQL share it, as
// the identity store does). Deciding a request and using a code are conditional updates: the row
// count says whether this caller won.
import type { AuthCodeRecord, OAuthClientRecord, OAuthRequestRecord, OAuthStore } from '../../../core/ports/oauth-store.js';
import type { SqlExecutor, SqlValue } from './sql-identity-store.js';
import { num, numOrNull, strOrNull, type Row } from './sql-values.js';

const client = (r: Row): OAuthClientRecord => ({
  id: String(r.id), name: strOrNull(r.name), redirectUris: JSON.parse(String(r.redirect_uris)) as string[], createdAt: num(r.created_at),
});
const request = (r: Row): OAuthRequestRecord => ({
  hash: String(r.hash), clientId: String(r.client_id), redirectUri: String(r.redirect_uri), codeChallenge: String(r.code_challenge),
  scope: String(r.scope), resource: String(r.resource), state: strOrNull(r.state), createdAt: num(r.created_at), expiresAt: num(r.expires_at),
  decidedAt: numOrNull(r.decided_at),
});
const code = (r: Row): AuthCodeRecord => ({
  hash: String(r.hash), clientId: String(r.client_id), userId: String(r.user_id), redirectUri: String(r.redirect_uri),
  codeChallenge: String(r.code_challenge), scope: String(r.scope), resource: String(r.resource), family: String(r.family),
  createdAt: num(r.created_at), expiresAt: num(r.expires_at), usedAt: numOrNull(r.used_at), replayedAt: numOrNull(r.replayed_at),
});

export class SqlOAuthStore implements OAuthStore {
  constructor(private readonly db: SqlExecutor) {}

  private async one<T>(sql: string, params: SqlValue[], map: (r: Row) => T): Promise<T | null> {
    const rows = await this.db.all<Row>(sql, params);
    return rows.length ? map(rows[0]!) : null;
  }

  async createClient(c: OAuthClientRecord) {
    await this.db.run('INSERT INTO oauth_clients (id, name, redirect_uris, created_at) VALUES ($1, $2, $3, $4)', [c.id, c.name, JSON.stringify(c.redirectUris), c.createdAt]);
  }
  client(id: string) {
    return this.one('SELECT * FROM oauth_clients WHERE id = $1', [id], client);
  }

  async createRequest(r: OAuthRequestRecord) {
    await this.db.run(
      `INSERT INTO oauth_requests (hash, client_id, redirect_uri, code_challenge, scope, resource, state, created_at, expires_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [r.hash, r.clientId, r.redirectUri, r.codeChallenge, r.scope, r.resource, r.state, r.createdAt, r.expiresAt, r.decidedAt],
    );
  }
  request(hash: string) {
    return this.one('SELECT * FROM oauth_requests WHERE hash = $1', [hash], request);
  }
  async decideRequest(hash: string, at: number) {
    return (await this.db.run('UPDATE oauth_requests SET decided_at = $2 WHERE hash = $1 AND decided_at IS NULL AND expires_at > $2', [hash, at])) === 1;
  }

  async createCode(c: AuthCodeRecord) {
    await this.db.run(
      `INSERT INTO oauth_codes (hash, client_id, user_id, redirect_uri, code_challenge, scope, resource, family, created_at, expires_at, used_at, replayed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [c.hash, c.clientId, c.userId, c.redirectUri, c.codeChallenge, c.scope, c.resource, c.family, c.createdAt, c.expiresAt, c.usedAt, c.replayedAt],
    );
  }
  code(hash: string) {
    return this.one('SELECT * FROM oauth_codes WHERE hash = $1', [hash], code);
  }
  async useCode(hash: string, at: number) {
    if ((await this.db.run('UPDATE oauth_codes SET used_at = $2 WHERE hash = $1 AND used_at IS NULL', [hash, at])) === 1) return true;
    await this.db.run('UPDATE oauth_codes SET replayed_at = $2 WHERE hash = $1 AND replayed_at IS NULL', [hash, at]);
    return false;
  }

  async purge(before: number) {
    await this.db.run('DELETE FROM oauth_requests WHERE expires_at < $1', [before]);
    await this.db.run('DELETE FROM oauth_codes WHERE expires_at < $1', [before]);
  }
}
