// Scope elevation (sync-auth §5 with §11 items 11 and 12 fixed). Pure. A `403 scope_denied`
// carries a link naming a token and a room; the signed-in owner of that token may raise the
// token's level in that room, up to their own role there and never above it. Only the one room
// changes: nothing else in the scope is rewritten (the reference replaced the scope wholesale).
import { SyncError, quote } from '../errors.js';
import type { IdentityStore, TokenRecord } from '../ports/identity-store.js';
import { isValidId } from '../../protocol/index.js';
import { ROLE_LEVEL, type Principal, type Role } from './access.js';
import { atLeast, formatScope, grantFor, LEVELS, parseScope, type Level } from './scope.js';

export interface ElevationView {
  token: { id: string; label: string | null; scope: string; expires_at: string | null };
  room: string;
  role: Role;
  /** The most this user may grant in the room: their role's level. */
  max_level: Level;
  /** What the token has in the room now (named or through rooms:*), null for nothing. */
  current_level: Level | null;
}

export interface Elevated {
  elevated: boolean;
  token_id: string;
  room: string;
  level: Level;
  scope: string;
  previous_scope: string;
}

export interface ElevationDeps {
  store: IdentityStore;
  now: () => number;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) throw new SyncError('invalid_body', `${field} is required (from the elevate link).`, { field });
  return value;
}

function fieldsOnly(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new SyncError('invalid_body', `An elevation takes ${allowed.join(', ')}; ${quote(unknown)} is not one of them.`, { field: unknown });
}

export class Elevation {
  constructor(private readonly deps: ElevationDeps) {}

  /** What the elevate page shows: the token, the room, the user's role and the token's level there. */
  async describe(principal: Principal, body: Record<string, unknown>): Promise<ElevationView> {
    fieldsOnly(body, ['token_id', 'room']);
    const { row, room, role } = await this.target(principal, body);
    const current = grantFor(parseScope(row.scope), room);
    return {
      token: { id: row.id, label: row.label, scope: row.scope, expires_at: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString() },
      room,
      role,
      max_level: ROLE_LEVEL[role],
      current_level: current?.level ?? null,
    };
  }

  /**
   * Raise the token to `level` in the room (never lower it, never above the user's role). A level
   * the token already has there changes nothing (`elevated: false`).
   */
  async approve(principal: Principal, body: Record<string, unknown>): Promise<Elevated> {
    fieldsOnly(body, ['token_id', 'room', 'level']);
    const level = body.level;
    if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
      throw new SyncError('invalid_body', `level must be one of ${LEVELS.join(', ')}.`, { field: 'level', valid: [...LEVELS] });
    }
    const wanted = level as Level;
    // Compare-and-set on the scope read: two approvals racing on one token both land (a lost
    // update would silently drop a room the user granted). Each round re-reads and re-checks.
    for (let round = 0; round < 8; round++) {
      const { row, room, role } = await this.target(principal, body);
      const max = ROLE_LEVEL[role];
      if (!atLeast(max, wanted)) {
        throw new SyncError('scope_denied', `Your role in ${room} is ${role}: you can grant at most ${max}, not ${wanted}.`, { room, role, max_level: max });
      }
      const scope = parseScope(row.scope);
      const current = grantFor(scope, room);
      if (current && atLeast(current.level, wanted)) {
        return { elevated: false, token_id: row.id, room, level: current.level, scope: row.scope, previous_scope: row.scope };
      }
      const rooms = new Map(scope.rooms);
      rooms.set(room, { level: wanted, agent: null });
      const next = formatScope({ ...scope, rooms });
      if (await this.deps.store.setTokenScope(row.id, next, row.scope)) return { elevated: true, token_id: row.id, room, level: wanted, scope: next, previous_scope: row.scope };
    }
    throw new SyncError('service_unavailable', 'The token kept changing while this approval was applied; try again.', { retry_after: 1 });
  }

  /** The session user's own live token and their role in the room; every refusal is its own code. */
  private async target(principal: Principal, body: Record<string, unknown>): Promise<{ row: TokenRecord; room: string; role: Role }> {
    if (principal.kind !== 'session') throw new SyncError('authentication_required', 'Approving an elevation needs a passkey session.');
    const tokenId = text(body, 'token_id');
    const room = text(body, 'room');
    if (!isValidId(room)) throw new SyncError('invalid_body', `${quote(room)} is not a room id.`, { field: 'room' });
    const row = await this.deps.store.tokenById(tokenId);
    // Another user's token answers as an unknown one: the page learns nothing about it.
    if (!row || row.kind !== 'tok_' || row.userId !== principal.userId) throw new SyncError('token_not_found', 'No such token of yours.', { id: tokenId });
    if (row.revokedAt !== null) throw new SyncError('token_revoked', 'The token is revoked; sign in on the device again.', { id: row.id });
    if (row.expiresAt !== null && row.expiresAt <= this.deps.now()) throw new SyncError('token_revoked', 'The token has expired; sign in on the device again.', { id: row.id, expired: true });
    const link = await this.deps.store.role(principal.userId, room);
    if (!link) throw new SyncError('not_member', `You have no role in the room ${room}: an owner must invite you first.`, { room });
    return { row, room, role: link.role };
  }
}
