// Where MCP keeps what belongs to a credential across sessions, restarts and processes: rooms it
// gained over MCP (created → admin, joined → an agent) and its self-narrowing. Two small tables
// beside the rooms (SQLite or PostgreSQL, created on first use, outside the room schema's
// migrations), or memory. Narrowing is monotonic in the statement itself, so two processes
// narrowing at once cannot widen each other.
export type Grant = { kind: 'admin' } | { kind: 'agent'; agentId: string };
export type Restriction = { level: 'observe' } | { level: 'role'; role: string } | { level: 'revoked' };

export const RANK = { role: 1, observe: 2, revoked: 3 } as const;

export interface Holder {
  principal: string;
  session: string;
}

export interface Claim extends Holder {
  roomId: string;
  agentId: string;
  now: number;
  expiresAt: number;
}

/** An MCP session as any process needs it to rebuild it (bearer credentials only). */
export interface StoredSession {
  id: string;
  principal: string;
  protocolVersion: string;
  /** The initialize request's clientInfo and capabilities, as JSON. */
  client: string;
  createdAt: number;
  lastUsed: number;
  subscriptions: string[];
}

export interface McpCredentialStore {
  /** Record a new session (an existing row with the id is kept). */
  saveSession(s: StoredSession): Promise<void>;
  /** Mark the session used at `now`; the row, or undefined when it is gone or idle since before `idleSince`. */
  touchSession(id: string, now: number, idleSince: number): Promise<StoredSession | undefined>;
  setSubscriptions(id: string, uris: string[]): Promise<void>;
  /** Remove the session's row; with `idleSince`, only when it has been idle since before then. */
  dropSession(id: string, idleSince?: number): Promise<void>;
  grants(principal: string): Promise<Map<string, Grant>>;
  /** Record a grant; an admin grant is never replaced by a narrower one. */
  grant(principal: string, roomId: string, grant: Grant): Promise<void>;
  restrictionOf(principal: string, roomId: string): Promise<Restriction | undefined>;
  /** Narrow; a weaker restriction never replaces a stronger one. Returns the restriction in force. */
  restrict(principal: string, roomId: string, restriction: Restriction): Promise<Restriction>;
  forgetPrincipal(principal: string): Promise<void>;
  /**
   * Claim an agent for an MCP session until `expiresAt`: true when it was free, expired, or held
   * by the same credential (a session of it takes the agent over). Atomic across processes.
   */
  claim(c: Claim): Promise<boolean>;
  /** Extend this session's claim; false when the session no longer holds the agent. */
  renew(roomId: string, agentId: string, session: string, expiresAt: number): Promise<boolean>;
  /** A session's live claims, on every process: room → agent. */
  claimsOf(session: string, now: number): Promise<Map<string, string>>;
  /** Live claims in a room: agent → holder. */
  holders(roomId: string, now: number): Promise<Map<string, Holder>>;
  /** Drop claims: one agent's for a session, or every claim of a credential in a room. */
  release(roomId: string, match: { agentId: string; session: string } | { principal: string }): Promise<void>;
  /** A deleted room's grants go (its restrictions stay: a room made later with the id stays narrowed). */
  forgetRoom(roomId: string): Promise<void>;
}

export class MemoryCredentialStore implements McpCredentialStore {
  private readonly grantMap = new Map<string, Map<string, Grant>>();
  private readonly restrictions = new Map<string, Map<string, Restriction>>();

  async grants(principal: string): Promise<Map<string, Grant>> {
    return new Map(this.grantMap.get(principal) ?? []);
  }

  async grant(principal: string, roomId: string, grant: Grant): Promise<void> {
    let grants = this.grantMap.get(principal);
    if (!grants) this.grantMap.set(principal, (grants = new Map()));
    if (grants.get(roomId)?.kind !== 'admin') grants.set(roomId, grant);
  }

  async restrictionOf(principal: string, roomId: string): Promise<Restriction | undefined> {
    return this.restrictions.get(principal)?.get(roomId);
  }

  async restrict(principal: string, roomId: string, restriction: Restriction): Promise<Restriction> {
    let rooms = this.restrictions.get(principal);
    if (!rooms) this.restrictions.set(principal, (rooms = new Map()));
    const current = rooms.get(roomId);
    if (current === undefined || RANK[restriction.level] > RANK[current.level]) rooms.set(roomId, restriction);
    return rooms.get(roomId)!;
  }

  async forgetPrincipal(principal: string): Promise<void> {
    this.grantMap.delete(principal);
    this.restrictions.delete(principal);
  }

  private readonly sessionRows = new Map<string, StoredSession>();

  async saveSession(s: StoredSession): Promise<void> {
    if (!this.sessionRows.has(s.id)) this.sessionRows.set(s.id, { ...s, subscriptions: [...s.subscriptions] });
  }

  async touchSession(id: string, now: number, idleSince: number): Promise<StoredSession | undefined> {
    const row = this.sessionRows.get(id);
    if (!row || row.lastUsed < idleSince) return undefined;
    row.lastUsed = now;
    return { ...row, subscriptions: [...row.subscriptions] };
  }

  async setSubscriptions(id: string, uris: string[]): Promise<void> {
    const row = this.sessionRows.get(id);
    if (row) row.subscriptions = [...uris];
  }

  async dropSession(id: string, idleSince?: number): Promise<void> {
    const row = this.sessionRows.get(id);
    if (row && (idleSince === undefined || row.lastUsed < idleSince)) this.sessionRows.delete(id);
  }

  private readonly claims = new Map<string, Holder & { room: string; agent: string; expiresAt: number }>();

  async claim(c: Claim): Promise<boolean> {
    const slot = `${c.roomId}\u0000${c.agentId}`;
    const current = this.claims.get(slot);
    if (current && current.principal !== c.principal && current.expiresAt >= c.now) return false;
    this.claims.set(slot, { room: c.roomId, agent: c.agentId, principal: c.principal, session: c.session, expiresAt: c.expiresAt });
    return true;
  }

  async renew(roomId: string, agentId: string, session: string, expiresAt: number): Promise<boolean> {
    const current = this.claims.get(`${roomId}\u0000${agentId}`);
    if (current?.session !== session) return false;
    current.expiresAt = expiresAt;
    return true;
  }

  async claimsOf(session: string, now: number): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const c of this.claims.values()) if (c.session === session && c.expiresAt >= now) out.set(c.room, c.agent);
    return out;
  }

  async holders(roomId: string, now: number): Promise<Map<string, Holder>> {
    const out = new Map<string, Holder>();
    for (const c of this.claims.values()) if (c.room === roomId && c.expiresAt >= now) out.set(c.agent, { principal: c.principal, session: c.session });
    return out;
  }

  async release(roomId: string, match: { agentId: string; session: string } | { principal: string }): Promise<void> {
    for (const [slot, c] of [...this.claims]) {
      if (c.room !== roomId) continue;
      if ('principal' in match ? c.principal === match.principal : c.agent === match.agentId && c.session === match.session) this.claims.delete(slot);
    }
  }

  async forgetRoom(roomId: string): Promise<void> {
    for (const grants of this.grantMap.values()) grants.delete(roomId);
    for (const [slot, c] of [...this.claims]) if (c.room === roomId) this.claims.delete(slot);
  }
}

export type Row = Record<string, unknown>;
/** Run one statement with `$n` placeholders. */
export type RunSql = (text: string, params: unknown[]) => Promise<Row[]>;

const TABLES = [
  `CREATE TABLE IF NOT EXISTS mcp_grants (principal TEXT NOT NULL, room TEXT NOT NULL, kind TEXT NOT NULL, agent TEXT, PRIMARY KEY (principal, room))`,
  `CREATE TABLE IF NOT EXISTS mcp_restrictions (principal TEXT NOT NULL, room TEXT NOT NULL, level TEXT NOT NULL, rank INTEGER NOT NULL, role TEXT, PRIMARY KEY (principal, room))`,
  `CREATE INDEX IF NOT EXISTS mcp_grants_room ON mcp_grants (room)`,
  `CREATE TABLE IF NOT EXISTS mcp_embodiments (room TEXT NOT NULL, agent TEXT NOT NULL, principal TEXT NOT NULL, session TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (room, agent))`,
  `CREATE TABLE IF NOT EXISTS mcp_sessions (id TEXT PRIMARY KEY, principal TEXT NOT NULL, protocol_version TEXT NOT NULL, client TEXT NOT NULL, created_at BIGINT NOT NULL, last_used BIGINT NOT NULL, subscriptions TEXT NOT NULL)`,
];

const SQL = {
  saveSession: `INSERT INTO mcp_sessions (id, principal, protocol_version, client, created_at, last_used, subscriptions) VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (id) DO NOTHING`,
  touchSession: 'UPDATE mcp_sessions SET last_used = $1 WHERE id = $2 AND last_used >= $3 RETURNING id, principal, protocol_version, client, created_at, last_used, subscriptions',
  setSubscriptions: 'UPDATE mcp_sessions SET subscriptions = $1 WHERE id = $2',
  dropSession: 'DELETE FROM mcp_sessions WHERE id = $1',
  dropIdleSession: 'DELETE FROM mcp_sessions WHERE id = $1 AND last_used < $2',
  grants: 'SELECT room, kind, agent FROM mcp_grants WHERE principal = $1',
  grant: `INSERT INTO mcp_grants (principal, room, kind, agent) VALUES ($1, $2, $3, $4)
    ON CONFLICT (principal, room) DO UPDATE SET kind = excluded.kind, agent = excluded.agent WHERE mcp_grants.kind <> 'admin'`,
  restriction: 'SELECT level, role FROM mcp_restrictions WHERE principal = $1 AND room = $2',
  restrict: `INSERT INTO mcp_restrictions (principal, room, level, rank, role) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (principal, room) DO UPDATE SET level = excluded.level, rank = excluded.rank, role = excluded.role WHERE excluded.rank > mcp_restrictions.rank`,
  forgetGrants: 'DELETE FROM mcp_grants WHERE principal = $1',
  forgetRestrictions: 'DELETE FROM mcp_restrictions WHERE principal = $1',
  forgetRoom: 'DELETE FROM mcp_grants WHERE room = $1',
  forgetRoomClaims: 'DELETE FROM mcp_embodiments WHERE room = $1',
  claim: `INSERT INTO mcp_embodiments (room, agent, principal, session, expires_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (room, agent) DO UPDATE SET principal = excluded.principal, session = excluded.session, expires_at = excluded.expires_at
    WHERE mcp_embodiments.principal = excluded.principal OR mcp_embodiments.expires_at < $6
    RETURNING session`,
  renew: 'UPDATE mcp_embodiments SET expires_at = $1 WHERE room = $2 AND agent = $3 AND session = $4 RETURNING session',
  claimsOf: 'SELECT room, agent FROM mcp_embodiments WHERE session = $1 AND expires_at >= $2',
  holders: 'SELECT agent, principal, session FROM mcp_embodiments WHERE room = $1 AND expires_at >= $2',
  releaseOne: 'DELETE FROM mcp_embodiments WHERE room = $1 AND agent = $2 AND session = $3',
  releasePrincipal: 'DELETE FROM mcp_embodiments WHERE room = $1 AND principal = $2',
};

function restrictionOf(row: Row | undefined): Restriction | undefined {
  if (!row) return undefined;
  if (row.level === 'role') return { level: 'role', role: String(row.role) };
  return { level: row.level === 'revoked' ? 'revoked' : 'observe' };
}

function sessionOf(row: Row | undefined): StoredSession | undefined {
  if (!row) return undefined;
  const subscriptions = JSON.parse(String(row.subscriptions)) as unknown;
  return {
    id: String(row.id),
    principal: String(row.principal),
    protocolVersion: String(row.protocol_version),
    client: String(row.client),
    createdAt: Number(row.created_at),
    lastUsed: Number(row.last_used),
    subscriptions: Array.isArray(subscriptions) ? subscriptions.map(String) : [],
  };
}

/** The SQL store over a statement runner (SQLite or PostgreSQL; the statements are the same). */
export class SqlCredentialStore implements McpCredentialStore {
  private ready: Promise<void> | null = null;

  /** `createTables` runs the DDL (PostgreSQL guards it against processes creating at once). */
  constructor(
    private readonly run: RunSql,
    private readonly createTables: (statements: readonly string[]) => Promise<void>,
  ) {}

  private async q(text: string, params: unknown[]): Promise<Row[]> {
    this.ready ??= this.createTables(TABLES).catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    await this.ready;
    return this.run(text, params);
  }

  async grants(principal: string): Promise<Map<string, Grant>> {
    const rows = await this.q(SQL.grants, [principal]);
    return new Map(rows.map((r) => [String(r.room), r.kind === 'admin' ? { kind: 'admin' } : { kind: 'agent', agentId: String(r.agent) }]));
  }

  async grant(principal: string, roomId: string, grant: Grant): Promise<void> {
    await this.q(SQL.grant, [principal, roomId, grant.kind, grant.kind === 'agent' ? grant.agentId : null]);
  }

  async restrictionOf(principal: string, roomId: string): Promise<Restriction | undefined> {
    return restrictionOf((await this.q(SQL.restriction, [principal, roomId]))[0]);
  }

  async restrict(principal: string, roomId: string, r: Restriction): Promise<Restriction> {
    await this.q(SQL.restrict, [principal, roomId, r.level, RANK[r.level], r.level === 'role' ? r.role : null]);
    return (await this.restrictionOf(principal, roomId))!;
  }

  async forgetPrincipal(principal: string): Promise<void> {
    await this.q(SQL.forgetGrants, [principal]);
    await this.q(SQL.forgetRestrictions, [principal]);
  }

  async forgetRoom(roomId: string): Promise<void> {
    await this.q(SQL.forgetRoom, [roomId]);
    await this.q(SQL.forgetRoomClaims, [roomId]);
  }

  async saveSession(s: StoredSession): Promise<void> {
    await this.q(SQL.saveSession, [s.id, s.principal, s.protocolVersion, s.client, s.createdAt, s.lastUsed, JSON.stringify(s.subscriptions)]);
  }

  async touchSession(id: string, now: number, idleSince: number): Promise<StoredSession | undefined> {
    return sessionOf((await this.q(SQL.touchSession, [now, id, idleSince]))[0]);
  }

  async setSubscriptions(id: string, uris: string[]): Promise<void> {
    await this.q(SQL.setSubscriptions, [JSON.stringify(uris), id]);
  }

  async dropSession(id: string, idleSince?: number): Promise<void> {
    if (idleSince === undefined) await this.q(SQL.dropSession, [id]);
    else await this.q(SQL.dropIdleSession, [id, idleSince]);
  }

  async claim(c: Claim): Promise<boolean> {
    const rows = await this.q(SQL.claim, [c.roomId, c.agentId, c.principal, c.session, c.expiresAt, c.now]);
    return rows.length === 1 && rows[0]!.session === c.session;
  }

  async renew(roomId: string, agentId: string, session: string, expiresAt: number): Promise<boolean> {
    return (await this.q(SQL.renew, [expiresAt, roomId, agentId, session])).length === 1;
  }

  async claimsOf(session: string, now: number): Promise<Map<string, string>> {
    const rows = await this.q(SQL.claimsOf, [session, now]);
    return new Map(rows.map((r) => [String(r.room), String(r.agent)]));
  }

  async holders(roomId: string, now: number): Promise<Map<string, Holder>> {
    const rows = await this.q(SQL.holders, [roomId, now]);
    return new Map(rows.map((r) => [String(r.agent), { principal: String(r.principal), session: String(r.session) }]));
  }

  async release(roomId: string, match: { agentId: string; session: string } | { principal: string }): Promise<void> {
    if ('principal' in match) await this.q(SQL.releasePrincipal, [roomId, match.principal]);
    else await this.q(SQL.releaseOne, [roomId, match.agentId, match.session]);
  }
}

/** PostgreSQL: the room store's pool; tables created under an advisory lock. */
export function postgresCredentialStore(store: { statement<R>(text: string, params: unknown[]): Promise<R[]>; ensureTables(name: string, statements: readonly string[]): Promise<void> }): SqlCredentialStore {
  return new SqlCredentialStore(
    (text, params) => store.statement<Row>(text, params),
    (statements) => store.ensureTables('mcp', statements),
  );
}
