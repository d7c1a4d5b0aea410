// Users, tokens, roles and the device flow as one service over the IdentityStore port (D18–D22,
// sync-auth §3.6–3.10 and §4 with §11 items 1, 5, 7, 8, 11, 14, 15, 17, 20, 26 fixed). Typed
// inputs, typed results, SyncError for every refusal; no HTTP. The transports (and the web half:
// passkey pages, /manage, the approval page) call it; whether an operation is allowed is always
// `authorize` (access.ts).
import { SyncError, quote } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { IdSource } from '../ports/id-source.js';
import type { DeviceCodeRecord, IdentityStore, RoomRole, TokenRecord, UserRecord } from '../ports/identity-store.js';
import type { Caller } from '../service/caller.js';
import { authorize, isRole, requireAllowed, ROLES, type Operation, type Principal, type Role } from './access.js';
import { Elevation } from './elevation.js';
import { exceeds, formatScope, grantFor, parseScope, withRoom, type Level, type Scope } from './scope.js';

export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_S = 30 * 86_400;
/** Tokens minted through the API default to 30 days and live at most a year (§11 item 26). */
export const MINTED_DEFAULT_TTL_S = 30 * 86_400;
export const MINTED_MAX_TTL_S = 365 * 86_400;
export const DEVICE_TTL_S = 900;
export const DEVICE_INTERVAL_S = 5;
export const SESSION_TTL_S = 12 * 3600;
/** A recovery session only lets its holder register one passkey: minutes, not hours. */
export const RECOVERY_SESSION_TTL_S = 15 * 60;
/** Wrong or right user-code entries a user may make per window before the approval refuses (§11 item 17). */
export const USER_CODE_ATTEMPTS = 10;
export const USER_CODE_WINDOW_MS = 15 * 60_000;
export const DEFAULT_DEVICE_SCOPE = 'rooms:* create_rooms';
const LABEL_MAX = 200;

/** What the identity service needs of the rooms, from the composition root. */
export interface RoomDirectory {
  exists(roomId: string): Promise<boolean>;
  /** Whether `token` is the room's current `room_` admin token. */
  roomTokenMatches(roomId: string, token: string): Promise<boolean>;
}

export interface IdentityDeps {
  store: IdentityStore;
  clock: Clock;
  credentials: Credentials;
  ids: IdSource;
  rooms: RoomDirectory;
  /** The one public URL (no trailing slash): verification_uri and elevation links derive from it. */
  publicUrl: () => string;
  /** Local mode as configured (loopback, not turned off); it also ends once a user exists (D21). */
  localModeConfigured: boolean;
}

export interface TokenView {
  id: string;
  kind: 'tok_';
  scope: string;
  label: string | null;
  client_id: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked: boolean;
  expired: boolean;
}

export interface MintedTokenView extends TokenView {
  token: string;
  refresh_token?: string;
  refresh_expires_at?: string;
}

export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** A pending device request as the approval page shows it: never the device code. */
export interface DeviceRequest {
  user_code: string;
  client_id: string | null;
  /** The requested scope, as text and item by item (the page offers only narrowings of it). */
  scope: string;
  requested: {
    wildcard: Level | null;
    rooms: Array<{ room: string; level: Level; agent: string | null }>;
    create_rooms: boolean;
    tokens_manage: boolean;
  };
  /** The signed-in user's rooms and roles (what a rooms:* grant reaches). */
  rooms: Array<{ room: string; role: Role }>;
  expires_at: string;
}

export interface DeviceStart {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function bad(message: string, field: string): SyncError {
  return new SyncError('invalid_body', message, { field });
}

function fieldsOnly(body: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw bad(`${what} takes ${allowed.join(', ')}; ${quote(unknown)} is not one of them.`, unknown);
}

/** Usernames are compared after NFKC and lower-casing, so look-alikes cannot register twice (§11 item 27). */
export function normaliseUsername(raw: unknown): string {
  if (typeof raw !== 'string') throw bad('username must be a string.', 'username');
  const name = raw.normalize('NFKC').toLowerCase().trim();
  if (!/^[a-z0-9][a-z0-9._-]{0,31}$/.test(name)) {
    throw new SyncError('invalid_body', `The username ${quote(raw)} is not valid: 1–32 letters, digits, dots, dashes or underscores, starting with a letter or digit.`, { field: 'username' });
  }
  return name;
}

function normaliseUserCode(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 32) throw bad('user_code must be the code the device shows (XXXX-XXXX).', 'user_code');
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export class IdentityService {
  /** Once a user exists local mode is over for good (users are never deleted). */
  private localEnded = false;
  /** The store's change stamp when it last held no user (null: not known). */
  private noUsersAt: string | number | null = null;
  /** When this process last recorded each token's use: last_used_at is kept to the minute, not written per request. */
  private readonly touched = new Map<string, number>();
  /** The elevate page's service (§5). */
  readonly elevation: Elevation;

  constructor(private readonly deps: IdentityDeps) {
    this.elevation = new Elevation({ store: deps.store, now: () => deps.clock.now() });
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** The one public URL (no trailing slash). */
  publicUrl(): string {
    return this.deps.publicUrl();
  }

  // ---- local mode (D21) ----

  /** True while the server is in local mode: configured so, and no user exists yet. */
  async localMode(): Promise<boolean> {
    if (!this.deps.localModeConfigured || this.localEnded) return false;
    // Asked on every request: recount only once the store changed (here or in another process,
    // e.g. the operator CLI). The stamp is read before the count, so a user made in between
    // changes it again and is counted by the next call.
    const stamp = this.deps.store.changeStamp?.() ?? null;
    if (stamp !== null && stamp === this.noUsersAt) return true;
    if ((await this.deps.store.countUsers()) > 0) this.localEnded = true;
    else this.noUsersAt = stamp;
    return !this.localEnded;
  }

  // ---- users (the operator CLI; the web half adds passkeys) ----

  async createUser(username: unknown): Promise<UserRecord> {
    const name = normaliseUsername(username);
    const user = await this.deps.store.createUser({ id: this.deps.ids.uuid(), username: name, createdAt: this.now() });
    if (!user) throw new SyncError('user_exists', `The username ${quote(name)} is taken.`, { username: name });
    this.localEnded = true;
    return user;
  }

  async user(idOrName: string): Promise<UserRecord> {
    const user = (await this.deps.store.userById(idOrName)) ?? (await this.deps.store.userByName(idOrName.normalize('NFKC').toLowerCase()));
    if (!user) throw new SyncError('user_not_found', `No user ${quote(idOrName)}.`, { user: idOrName });
    return user;
  }

  listUsers(): Promise<UserRecord[]> {
    return this.deps.store.listUsers();
  }

  // ---- bearer resolution ----

  /**
   * The live `tok_` row for a bearer, or invalid_token (unknown, revoked or expired — checked at
   * the instant, §11 item 14). `resource` is where it is presented: a token bound to an audience
   * (an MCP client's, RFC 8707) is valid there only; the HTTP API passes null.
   */
  async liveToken(bearer: string, resource: string | null = null): Promise<TokenRecord> {
    const row = bearer.startsWith('tok_') ? await this.deps.store.tokenByHash(this.deps.credentials.hash(bearer)) : null;
    if (!row || row.kind !== 'tok_' || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= this.now())) {
      throw new SyncError('invalid_token', 'The token is unknown, expired or revoked.');
    }
    if (row.resource !== null && row.resource !== resource) {
      throw new SyncError('invalid_token', `The token was issued for ${row.resource} and is valid there only.`, { resource: row.resource });
    }
    return row;
  }

  /** The principal of a `tok_` bearer, with what it embodied in `roomId` (D20); `resource` as for liveToken. */
  async principal(bearer: string, roomId: string | null, resource: string | null = null): Promise<Principal & { kind: 'token' }> {
    const row = await this.liveToken(bearer, resource);
    const scope = parseScope(row.scope);
    const embodied = roomId === null ? null : await this.deps.store.embodiment(row.family, roomId);
    const agents = roomId === null ? [] : await this.deps.store.agentsOf(row.userId, roomId);
    return { kind: 'token', userId: row.userId, tokenId: row.id, scope, embodied, agents };
  }

  /** The principal of a passkey session (the web half creates sessions). */
  async sessionPrincipal(sessionSecret: string): Promise<Principal & { kind: 'session' }> {
    const row = await this.liveSession(sessionSecret);
    return { kind: 'session', userId: row.userId };
  }

  /** Who a session signs in, for pages (`GET /auth/session`): one read of the session, one of the user. */
  async sessionInfo(sessionSecret: string): Promise<{ user: { id: string; username: string; created_at: string }; expires_at: string }> {
    const row = await this.liveSession(sessionSecret);
    const user = await this.user(row.userId);
    return { user: { id: user.id, username: user.username, created_at: iso(user.createdAt)! }, expires_at: iso(row.expiresAt)! };
  }

  /** A live user session's row, or authentication_required (unknown, expired, signed out, or a recovery session). */
  private async liveSession(sessionSecret: string) {
    const row = await this.deps.store.session(this.deps.credentials.hash(sessionSecret));
    if (!row || row.revokedAt !== null || row.expiresAt <= this.now()) throw new SyncError('authentication_required', 'The session is unknown, expired or signed out; sign in again.');
    if (row.kind !== 'user') throw new SyncError('authentication_required', 'A recovery session can only register a passkey (§11 item 12).');
    return row;
  }

  /** Start a passkey session for a user (for the web half): the secret goes in an HttpOnly cookie. */
  async startSession(userId: string, kind: 'user' | 'recovery' = 'user'): Promise<{ secret: string; expiresAt: number }> {
    const minted = this.deps.credentials.mint('sess_');
    const expiresAt = this.now() + (kind === 'recovery' ? RECOVERY_SESSION_TTL_S : SESSION_TTL_S) * 1000;
    await this.deps.store.createSession({ hash: minted.hash, userId, kind, createdAt: this.now(), expiresAt, revokedAt: null });
    return { secret: minted.token, expiresAt };
  }

  async endSession(sessionSecret: string): Promise<void> {
    await this.deps.store.revokeSession(this.deps.credentials.hash(sessionSecret), this.now());
  }

  /** Decide an operation on a room (or a roomless one) for a principal, with the user's role looked up. */
  async authorize(principal: Principal, roomId: string | null, op: Operation, agent?: string | null): Promise<Caller> {
    const localMode = await this.localMode();
    if (roomId === null) return requireAllowed(authorize(principal, null, op, { localMode, agent }));
    const role = principal.kind === 'legacy' ? null : ((await this.deps.store.role(principal.userId, roomId))?.role ?? null);
    const decision = authorize(principal, { id: roomId, role }, op, { localMode, agent });
    if (!decision.allowed && decision.error.code === 'scope_denied' && principal.kind === 'token') {
      const elevate = `${this.deps.publicUrl()}/auth/elevate?token_id=${encodeURIComponent(principal.tokenId)}&room=${encodeURIComponent(roomId)}`;
      throw new SyncError('scope_denied', decision.error.message, { ...decision.error.details, elevate });
    }
    if (decision.allowed && principal.kind === 'token') await this.touch(principal.tokenId);
    return requireAllowed(decision);
  }

  private async touch(tokenId: string): Promise<void> {
    const now = this.now();
    const last = this.touched.get(tokenId);
    if (last !== undefined && now - last < 60_000) return;
    if (this.touched.size >= 10_000) this.touched.clear();
    this.touched.set(tokenId, now);
    await this.deps.store.touchToken(tokenId, now);
  }

  // ---- rooms: creation, joining, invitation, claiming, deletion ----

  /** A `tok_` created a room: its user owns it, and the token gains `rooms:<id>` (§3.6). */
  async roomCreated(principal: Principal, roomId: string): Promise<void> {
    if (principal.kind !== 'token' && principal.kind !== 'session') return;
    await this.deps.store.clearRoom(roomId);
    await this.deps.store.setRole({ userId: principal.userId, roomId, role: 'owner', invitedBy: null, createdAt: this.now() });
    if (principal.kind === 'token') {
      const row = await this.deps.store.tokenById(principal.tokenId);
      if (row) await this.deps.store.setTokenScope(row.id, formatScope(withRoom(parseScope(row.scope), roomId)));
    }
  }

  /** A `tok_` joined an agent: the token (and its refreshed successors) now act as it in the room (D20). */
  async embodied(principal: Principal, roomId: string, agentId: string): Promise<void> {
    if (principal.kind !== 'token') return;
    const row = await this.deps.store.tokenById(principal.tokenId);
    if (row) await this.deps.store.setEmbodiment(row.family, row.userId, roomId, agentId);
  }

  async roomDeleted(roomId: string): Promise<void> {
    await this.deps.store.clearRoom(roomId);
  }

  async invite(principal: Principal, roomId: string, body: Record<string, unknown>): Promise<{ invited: true; username: string; room: string; role: Role }> {
    fieldsOnly(body, ['username', 'role'], 'An invitation');
    await this.authorize(principal, roomId, 'invite');
    const role = body.role ?? 'participant';
    if (!isRole(role)) throw new SyncError('invalid_body', `role must be one of ${ROLES.join(', ')}.`, { field: 'role', valid: [...ROLES] });
    const user = await this.deps.store.userByName(normaliseUsername(body.username));
    if (!user) throw new SyncError('user_not_found', `No user is called ${quote(body.username)}.`, { username: body.username });
    const inviter = (principal as { userId: string }).userId;
    if (user.id === inviter && role !== 'owner') {
      const owners = (await this.deps.store.roomMembers(roomId)).filter((m) => m.role === 'owner');
      if (owners.length <= 1) throw new SyncError('invalid_body', 'The last owner of a room cannot demote themselves; make someone else owner first.', { field: 'role' });
    }
    await this.deps.store.setRole({ userId: user.id, roomId, role, invitedBy: inviter, createdAt: this.now() });
    return { invited: true, username: user.username, room: roomId, role };
  }

  /**
   * Claim a room (§3.7, §11 item 5 fixed): a room is claimed only with proof of its admin — the
   * room's `room_` token — never merely because it has no owner; the caller becomes an owner.
   */
  async claim(principal: Principal, roomId: string, body: Record<string, unknown>): Promise<{ claimed: true; room: string; role: 'owner' }> {
    fieldsOnly(body, ['room_token'], 'A claim');
    if (principal.kind !== 'token') throw new SyncError('authentication_required', 'Claiming a room needs a user\'s tok_ token.');
    if (!(await this.deps.rooms.exists(roomId))) throw new SyncError('room_not_found', `No room ${roomId}.`, { room: roomId });
    if (typeof body.room_token !== 'string' || !(await this.deps.rooms.roomTokenMatches(roomId, body.room_token))) {
      throw new SyncError('admin_required', 'Claiming a room needs its room token (room_…) in room_token.', { room: roomId, field: 'room_token' });
    }
    await this.deps.store.setRole({ userId: principal.userId, roomId, role: 'owner', invitedBy: null, createdAt: this.now() });
    const row = await this.deps.store.tokenById(principal.tokenId);
    if (row && grantFor(parseScope(row.scope), roomId) === null) await this.deps.store.setTokenScope(row.id, formatScope(withRoom(parseScope(row.scope), roomId)));
    return { claimed: true, room: roomId, role: 'owner' };
  }

  /**
   * The rooms a principal's user has a role in, with the role (room id → link): a session sees all
   * of them, a token only those its scope reaches (§11 item 7: listings follow the scope).
   */
  async memberships(principal: Principal): Promise<Map<string, RoomRole>> {
    const caller = await this.authorize(principal, null, 'list_rooms');
    const links = await this.deps.store.roomsOf(caller.userId!);
    const reachable = principal.kind === 'token' ? links.filter((l) => grantFor(principal.scope, l.roomId) !== null) : links;
    return new Map(reachable.map((l) => [l.roomId, l]));
  }

  // ---- tokens API (§3.8 with §11 items 7, 13, 26 fixed) ----

  private view(row: TokenRecord): TokenView {
    return {
      id: row.id,
      kind: 'tok_',
      scope: row.scope,
      label: row.label,
      client_id: row.clientId,
      created_at: iso(row.createdAt)!,
      expires_at: iso(row.expiresAt),
      last_used_at: iso(row.lastUsedAt),
      revoked: row.revokedAt !== null,
      expired: row.expiresAt !== null && row.expiresAt <= this.now(),
    };
  }

  /** Mint an access token (and a refresh token when asked) for a user. */
  private async mintPair(userId: string, scope: string, opts: { label: string | null; clientId: string | null; ttlS: number; refresh: boolean; family?: string; resource?: string | null }): Promise<{ access: TokenRecord; token: string; refresh?: { row: TokenRecord; token: string } }> {
    const now = this.now();
    const family = opts.family ?? this.deps.ids.uuid();
    const minted = this.deps.credentials.mint('tok_');
    const access: TokenRecord = {
      id: this.deps.ids.uuid(), kind: 'tok_', hash: minted.hash, userId, scope, label: opts.label, family, pairId: null, clientId: opts.clientId,
      resource: opts.resource ?? null, createdAt: now, expiresAt: now + opts.ttlS * 1000, revokedAt: null, usedAt: null, lastUsedAt: null,
    };
    const rows = [access];
    let refresh: { row: TokenRecord; token: string } | undefined;
    if (opts.refresh) {
      const r = this.deps.credentials.mint('ref_');
      refresh = {
        token: r.token,
        row: { ...access, id: this.deps.ids.uuid(), kind: 'ref_', hash: r.hash, pairId: access.id, expiresAt: now + REFRESH_TTL_S * 1000 },
      };
      rows.push(refresh.row);
    }
    await this.deps.store.insertTokens(rows);
    return { access, token: minted.token, refresh };
  }

  private requestedScope(raw: unknown, holder: Principal): Scope {
    if (raw === undefined) throw bad('scope is required, e.g. "rooms:my-room:agent:alice".', 'scope');
    const scope = parseScope(raw);
    if (holder.kind === 'token') {
      const why = exceeds(scope, holder.scope);
      if (why !== null) throw new SyncError('scope_denied', `A token cannot grant more than it has: ${why}.`, { hint: 'Mint it from a passkey session, or from a token whose scope includes it.' });
    }
    return scope;
  }

  private async ownRoomsOnly(userId: string, scope: Scope): Promise<void> {
    for (const room of scope.rooms.keys()) {
      if (!(await this.deps.store.role(userId, room))) throw new SyncError('not_member', `You have no role in the room ${room}.`, { room });
    }
  }

  async mint(principal: Principal, body: Record<string, unknown>): Promise<MintedTokenView> {
    fieldsOnly(body, ['scope', 'label', 'expires_in', 'with_refresh'], 'POST /tokens');
    const caller = await this.authorize(principal, null, 'manage_tokens');
    const scope = this.requestedScope(body.scope, principal);
    await this.ownRoomsOnly(caller.userId!, scope);
    return this.mintFor(caller.userId!, scope, body);
  }

  private async mintFor(userId: string, scope: Scope, body: Record<string, unknown>): Promise<MintedTokenView> {
    const label = body.label ?? null;
    if (label !== null && (typeof label !== 'string' || label.length > LABEL_MAX)) throw bad(`label must be a string of at most ${LABEL_MAX} characters.`, 'label');
    const ttl = body.expires_in ?? MINTED_DEFAULT_TTL_S;
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 60 || ttl > MINTED_MAX_TTL_S) {
      throw bad(`expires_in is a whole number of seconds from 60 to ${MINTED_MAX_TTL_S}.`, 'expires_in');
    }
    if (body.with_refresh !== undefined && typeof body.with_refresh !== 'boolean') throw bad('with_refresh must be true or false.', 'with_refresh');
    const pair = await this.mintPair(userId, formatScope(scope), { label, clientId: null, ttlS: ttl, refresh: body.with_refresh === true });
    return {
      ...this.view(pair.access),
      token: pair.token,
      ...(pair.refresh ? { refresh_token: pair.refresh.token, refresh_expires_at: iso(pair.refresh.row.expiresAt)! } : {}),
    };
  }

  /** The operator (CLI against the data directory or DATABASE_URL) mints for any user, within nothing. */
  async operatorMint(user: string, body: Record<string, unknown>): Promise<MintedTokenView> {
    const target = await this.user(user);
    return this.mintFor(target.id, parseScope(body.scope), body);
  }

  async list(principal: Principal): Promise<{ tokens: TokenView[] }> {
    const caller = await this.authorize(principal, null, 'manage_tokens');
    return { tokens: (await this.deps.store.tokensOf(caller.userId!, 'tok_')).slice(0, 500).map((r) => this.view(r)) };
  }

  private async ownToken(userId: string, id: unknown): Promise<TokenRecord> {
    const row = typeof id === 'string' && id.length <= 64 ? await this.deps.store.tokenById(id) : null;
    if (!row || row.userId !== userId || row.kind !== 'tok_') throw new SyncError('token_not_found', 'No such token of yours.', { id: typeof id === 'string' ? id : null });
    return row;
  }

  /** Change a token's scope or label; from a token, only within that token's own scope (never widening, D18). */
  async patch(principal: Principal, id: string, body: Record<string, unknown>): Promise<TokenView & { previous_scope: string }> {
    fieldsOnly(body, ['scope', 'label'], 'PATCH /tokens/:id');
    const caller = await this.authorize(principal, null, 'manage_tokens');
    const row = await this.ownToken(caller.userId!, id);
    if (row.revokedAt !== null) throw new SyncError('token_revoked', 'The token is revoked.', { id });
    let scope = row.scope;
    if (body.scope !== undefined) {
      const asked = this.requestedScope(body.scope, principal);
      await this.ownRoomsOnly(caller.userId!, asked);
      scope = formatScope(asked);
      if (!(await this.deps.store.setTokenScope(row.id, scope))) throw new SyncError('token_revoked', 'The token is revoked.', { id });
    }
    if (body.label !== undefined) throw bad('label cannot be changed yet; mint a new token.', 'label');
    return { ...this.view({ ...row, scope }), previous_scope: row.scope };
  }

  async revoke(principal: Principal, id: string): Promise<{ revoked: true; id: string }> {
    const caller = await this.authorize(principal, null, 'manage_tokens');
    const row = await this.ownToken(caller.userId!, id);
    await this.deps.store.revokeToken(row.id, this.now());
    return { revoked: true, id: row.id };
  }

  /**
   * Revoke by possession (in the spirit of RFC 7009): whoever holds an access or refresh token may
   * end it, with its whole family (`agent-sync logout`). Unknown tokens answer the same, so the
   * route tells nothing about what exists.
   */
  async revokeHeld(body: Record<string, unknown>): Promise<{ revoked: true }> {
    fieldsOnly(body, ['token'], 'POST /tokens/revoke');
    if (typeof body.token !== 'string' || body.token.length > 200) throw bad('token is required: the tok_ or ref_ token to revoke.', 'token');
    const row = /^(tok|ref)_/.test(body.token) ? await this.deps.store.tokenByHash(this.deps.credentials.hash(body.token)) : null;
    if (row && (row.kind === 'tok_' || row.kind === 'ref_')) await this.deps.store.revokeFamily(row.family, this.now());
    return { revoked: true };
  }

  /**
   * Exchange a refresh token (§3.10 with §11 item 15 fixed): it is used once and rotated; the old
   * access token is revoked; a refresh token presented again — a replay — revokes its whole family.
   */
  async refresh(body: Record<string, unknown>, client?: { clientId: string; resource: string | null }): Promise<TokenGrant> {
    fieldsOnly(body, ['refresh_token', 'grant_type', ...(client ? ['client_id', 'resource', 'scope'] : [])], 'POST /tokens/refresh');
    if (typeof body.refresh_token !== 'string' || body.refresh_token.length > 200) throw bad('refresh_token is required.', 'refresh_token');
    const grant = () => new SyncError('invalid_grant', 'The refresh token is unknown, expired, revoked or already used.');
    const row = body.refresh_token.startsWith('ref_') ? await this.deps.store.tokenByHash(this.deps.credentials.hash(body.refresh_token)) : null;
    if (!row || row.kind !== 'ref_') throw grant();
    const now = this.now();
    if (row.usedAt !== null) {
      await this.deps.store.revokeFamily(row.family, now);
      throw grant();
    }
    if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) throw grant();
    // OAuth (RFC 6749 §6): the refresh token is bound to its client, and to its audience.
    if (client && (row.clientId !== client.clientId || (client.resource !== null && row.resource !== client.resource))) throw grant();
    if (!(await this.deps.store.useRefresh(row.id, now))) {
      // Another exchange won the race for this token: that is a replay too.
      await this.deps.store.revokeFamily(row.family, now);
      throw grant();
    }
    const pair = row.pairId === null ? null : await this.deps.store.tokenById(row.pairId);
    const scope = pair?.scope ?? row.scope;
    const next = await this.mintPair(row.userId, scope, { label: pair?.label ?? row.label, clientId: row.clientId, ttlS: ACCESS_TTL_S, refresh: true, family: row.family, resource: row.resource });
    // A replay that lost the race may have revoked the family before the new pair existed: it
    // revoked this refresh token too, so look again and take the new pair down with it.
    if ((await this.deps.store.tokenById(row.id))?.revokedAt !== null) {
      await this.deps.store.revokeFamily(row.family, now);
      throw grant();
    }
    if (pair) await this.deps.store.revokeToken(pair.id, now);
    return { access_token: next.token, token_type: 'Bearer', expires_in: ACCESS_TTL_S, refresh_token: next.refresh!.token, scope };
  }

  /** Issue an access and refresh pair in a family (the OAuth code exchange; the family lets a replayed code revoke it). */
  async issue(userId: string, scope: string, opts: { clientId: string; resource: string; family: string; label: string }): Promise<TokenGrant> {
    const pair = await this.mintPair(userId, scope, { ...opts, ttlS: ACCESS_TTL_S, refresh: true });
    return { access_token: pair.token, token_type: 'Bearer', expires_in: ACCESS_TTL_S, refresh_token: pair.refresh!.token, scope };
  }

  /** Revoke every token of a family (a replayed authorization code). */
  async revokeFamily(family: string): Promise<void> {
    await this.deps.store.revokeFamily(family, this.now());
  }

  // ---- device flow (RFC 8628, D22, §4 with §11 item 17 fixed) ----

  async startDevice(body: Record<string, unknown>): Promise<DeviceStart> {
    fieldsOnly(body, ['scope', 'client_id'], 'POST /auth/device');
    const scope = formatScope(parseScope(body.scope ?? DEFAULT_DEVICE_SCOPE));
    if (body.client_id !== undefined && (typeof body.client_id !== 'string' || body.client_id.length > 100)) throw bad('client_id must be a short string.', 'client_id');
    const now = this.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const device = this.deps.credentials.mint('dev_');
      const userCode = this.deps.credentials.userCode();
      const record: DeviceCodeRecord = {
        id: this.deps.ids.uuid(), deviceHash: device.hash, userCodeHash: this.deps.credentials.hash(normaliseUserCode(userCode)),
        clientId: (body.client_id as string | undefined) ?? 'cli', scope, approvedScope: null, status: 'pending', userId: null,
        createdAt: now, expiresAt: now + DEVICE_TTL_S * 1000, interval: DEVICE_INTERVAL_S, lastPolledAt: null,
      };
      if (!(await this.deps.store.createDeviceCode(record))) continue;
      const uri = `${this.deps.publicUrl()}/auth/device`;
      return {
        device_code: device.token, user_code: userCode, verification_uri: uri,
        verification_uri_complete: `${uri}?user_code=${userCode}`, expires_in: DEVICE_TTL_S, interval: DEVICE_INTERVAL_S,
      };
    }
    throw new SyncError('service_unavailable', 'Could not allocate a user code; try again.');
  }

  async pollDevice(body: Record<string, unknown>): Promise<TokenGrant> {
    fieldsOnly(body, ['device_code', 'grant_type', 'client_id'], 'POST /auth/device/token');
    if (typeof body.device_code !== 'string' || body.device_code.length > 200) throw bad('device_code is required.', 'device_code');
    const row = body.device_code.startsWith('dev_') ? await this.deps.store.deviceByHash(this.deps.credentials.hash(body.device_code)) : null;
    if (!row) throw new SyncError('invalid_grant', 'The device code is unknown.');
    const now = this.now();
    if (row.status === 'consumed') throw new SyncError('invalid_grant', 'The device code was already used.');
    if (row.expiresAt <= now) throw new SyncError('expired_token', 'The device code expired; start again.');
    if (row.status === 'denied') throw new SyncError('access_denied', 'The user denied the request.');
    if (row.status === 'pending') {
      const tooSoon = row.lastPolledAt !== null && now - row.lastPolledAt < row.interval * 1000;
      const interval = tooSoon ? row.interval + 5 : row.interval;
      await this.deps.store.recordPoll(row.id, now, interval);
      if (tooSoon) throw new SyncError('slow_down', `Polling too fast; wait ${interval} seconds between polls.`, { interval });
      throw new SyncError('authorization_pending', 'The user has not approved the request yet.', { interval });
    }
    if (!(await this.deps.store.consumeDevice(row.id))) throw new SyncError('invalid_grant', 'The device code was already used.');
    const pair = await this.mintPair(row.userId!, row.approvedScope!, { label: 'Device login', clientId: row.clientId, ttlS: ACCESS_TTL_S, refresh: true });
    return { access_token: pair.token, token_type: 'Bearer', expires_in: ACCESS_TTL_S, refresh_token: pair.refresh!.token, scope: row.approvedScope! };
  }

  /** Find a pending request by user code, counting the attempt against the user (attempt limit). */
  private async pendingByUserCode(userId: string, raw: unknown): Promise<DeviceCodeRecord> {
    const code = normaliseUserCode(raw);
    const hits = await this.deps.store.hit(`user_code:${userId}`, USER_CODE_WINDOW_MS, this.now());
    if (hits > USER_CODE_ATTEMPTS) throw new SyncError('too_many_requests', 'Too many code entries; wait a few minutes.', { retry_after: Math.ceil(USER_CODE_WINDOW_MS / 1000) });
    const row = code.length === 8 ? await this.deps.store.deviceByUserCode(this.deps.credentials.hash(code)) : null;
    if (!row || row.status !== 'pending' || row.expiresAt <= this.now()) throw new SyncError('not_found', 'No pending request has that code; check it, or start again on the device.');
    return row;
  }

  /** What a device asks for (for the approval page): never the device code itself. */
  async describeDevice(principal: Principal, userCode: unknown): Promise<DeviceRequest> {
    const user = this.sessionUser(principal);
    const row = await this.pendingByUserCode(user, userCode);
    const scope = parseScope(row.scope);
    const code = normaliseUserCode(userCode);
    return {
      user_code: `${code.slice(0, 4)}-${code.slice(4)}`,
      client_id: row.clientId,
      scope: row.scope,
      requested: {
        wildcard: scope.wildcard,
        rooms: [...scope.rooms].map(([room, g]) => ({ room, level: g.level, agent: g.agent })),
        create_rooms: scope.createRooms,
        tokens_manage: scope.manageTokens,
      },
      rooms: (await this.deps.store.roomsOf(user)).map((r) => ({ room: r.roomId, role: r.role })),
      expires_at: iso(row.expiresAt)!,
    };
  }

  /**
   * Approve a device request (the page comes with the web half): from a passkey session only,
   * with the requested scope by default, or a narrower one — never wider (§11 item 11).
   */
  async approveDevice(principal: Principal, userCode: unknown, scopeText?: unknown): Promise<{ approved: true; scope: string }> {
    const user = this.sessionUser(principal);
    const row = await this.pendingByUserCode(user, userCode);
    const requested = parseScope(row.scope);
    const scope = scopeText === undefined || scopeText === null ? requested : parseScope(scopeText);
    const why = exceeds(scope, requested);
    if (why !== null) throw new SyncError('scope_denied', `The approval cannot widen the request: ${why}.`);
    const text = formatScope(scope);
    if (!(await this.deps.store.approveDevice(row.id, user, text, this.now()))) throw new SyncError('not_found', 'The request is no longer pending.');
    return { approved: true, scope: text };
  }

  async denyDevice(principal: Principal, userCode: unknown): Promise<{ denied: true }> {
    const user = this.sessionUser(principal);
    const row = await this.pendingByUserCode(user, userCode);
    if (!(await this.deps.store.denyDevice(row.id, this.now()))) throw new SyncError('not_found', 'The request is no longer pending.');
    return { denied: true };
  }

  private sessionUser(principal: Principal): string {
    if (principal.kind !== 'session') throw new SyncError('authentication_required', 'Approving a device needs a passkey session.');
    return principal.userId;
  }

  // ---- rate limits (§11 item 25), shared by every process on the store ----

  /**
   * Count a hit on `key` in its fixed window; too_many_requests past `limit` per `windowMs`, with
   * `retry_after` the seconds until the window ends. `message` replaces the generic text.
   */
  async limit(key: string, limit: number, windowMs: number, message = 'Too many requests; slow down.'): Promise<void> {
    const now = this.now();
    const hits = await this.deps.store.hit(key.slice(0, 200), windowMs, now);
    const windowEnd = Math.floor(now / windowMs) * windowMs + windowMs;
    if (hits > limit) throw new SyncError('too_many_requests', message, { retry_after: Math.max(1, Math.ceil((windowEnd - now) / 1000)) });
  }
}
