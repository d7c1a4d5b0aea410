// The one authorisation decision (D18–D21, sync-auth §3 with §11 items 1, 7, 8, 9 fixed). Pure.
// Every operation on a room is decided here from (principal, room, operation); transports only
// ask. A `tok_` principal's effective level in a room is min(token scope, the user's role);
// no role means no access; an agent-bound grant acts only as its agent; a write-level token acts
// as the agent it embodied (D20) and is read-only until it has one. Legacy `room_`/`view_`/`as_`
// callers (D19) and the anonymous caller keep their rules and are mapped onto the same table.
import { SyncError } from '../errors.js';
import { actorOf, type Caller } from '../service/caller.js';
import { atLeast, grantFor, minLevel, type Level, type Scope } from './scope.js';

export type Role = 'owner' | 'collaborator' | 'participant' | 'observer';

export const ROLES: readonly Role[] = ['owner', 'collaborator', 'participant', 'observer'];

/** A role's level in its room (§3.2): collaborators and participants both write. */
export const ROLE_LEVEL: Readonly<Record<Role, Level>> = Object.freeze({ owner: 'full', collaborator: 'write', participant: 'write', observer: 'read' });

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export type Operation =
  | 'read_context'
  | 'invoke'
  | 'register'
  | 'join'
  | 'create_room'
  | 'invite'
  | 'delete_room'
  | 'manage_tokens'
  | 'wait'
  | 'events'
  | 'eval'
  /** See which rooms one's user has a role in, and the role (a token sees those its scope reaches). */
  | 'list_rooms';

export const OPERATIONS: readonly Operation[] = [
  'read_context', 'invoke', 'register', 'join', 'create_room', 'invite', 'delete_room', 'manage_tokens', 'wait', 'events', 'eval', 'list_rooms',
];

/** Operations that concern no room. */
export const ROOMLESS: ReadonlySet<Operation> = new Set(['create_room', 'manage_tokens', 'list_rooms']);
const READS: ReadonlySet<Operation> = new Set(['read_context', 'wait', 'events', 'eval']);

/** Who is asking. */
export type Principal =
  /** A legacy room_/view_/as_ bearer or nobody, already resolved to its room caller (D19). */
  | { kind: 'legacy'; caller: Caller }
  /**
   * A `tok_` bearer: its user, its scope, the agent it embodied in this room (D20), if any, and
   * the agents its user's tokens have joined there (those the user drives, §11 item 10).
   */
  | { kind: 'token'; userId: string; tokenId: string; scope: Scope; embodied: string | null; agents?: readonly string[] }
  /** A signed-in passkey session: the user's own rights, used to manage tokens (§11 item 7). */
  | { kind: 'session'; userId: string };

/** The room an operation targets and the principal's user's role in it. */
export interface RoomAccess {
  id: string;
  role: Role | null;
}

export interface AuthorizeOptions {
  /** D21: a loopback server without users lets anyone create rooms. */
  localMode: boolean;
  /** For join: the agent the caller asks to become. */
  agent?: string | null;
}

export type Decision =
  | { allowed: true; caller: Caller; level: Level | null }
  | { allowed: false; error: SyncError };

const deny = (error: SyncError): Decision => ({ allowed: false, error });
const allow = (caller: Caller, level: Level | null = null): Decision => ({ allowed: true, caller, level });

/** The decision for one operation; `room` is null exactly for the roomless operations. */
export function authorize(principal: Principal, room: RoomAccess | null, op: Operation, options: AuthorizeOptions): Decision {
  if (ROOMLESS.has(op)) return roomless(principal, op, options);
  if (room === null) return deny(new SyncError('invalid_request', `The operation ${op} needs a room.`));
  if (principal.kind === 'legacy') return legacy(principal.caller, op);
  if (principal.kind === 'session') {
    return deny(new SyncError('authentication_required', 'A browser session does not act in rooms; use a token.'));
  }
  const grant = grantFor(principal.scope, room.id);
  if (!grant) {
    return deny(new SyncError('scope_denied', `The token's scope does not include the room ${room.id}.`, {
      room: room.id,
      token_id: principal.tokenId,
      hint: 'Ask the user to widen the token within their role in the room, then retry.',
    }));
  }
  if (room.role === null) {
    return deny(new SyncError('not_member', `The token's user has no role in the room ${room.id}.`, {
      room: room.id,
      hint: 'An owner of the room can invite the user (POST /rooms/{room}/invite).',
    }));
  }
  const level = minLevel(grant.level, ROLE_LEVEL[room.role]);
  // A bound grant only ever acts as its agent, and only once its user drives it (a binding to an
  // agent someone else joined grants no more than a read, §11 item 10); otherwise the embodied agent.
  const drives = (a: string) => a === principal.embodied || (principal.agents ?? []).includes(a);
  const agent = grant.agent !== null ? (drives(grant.agent) ? grant.agent : null) : principal.embodied;
  const base = { userId: principal.userId, tokenId: principal.tokenId };
  const caller: Caller = level === 'full'
    ? { kind: 'admin', agentId: agent, ...base }
    : level === 'write' && agent !== null
      ? { kind: 'agent', agentId: agent, ...base }
      : { kind: 'viewer', agentId: null, ...base };
  if (READS.has(op)) return allow(caller, level);
  if (op === 'join') {
    if (!atLeast(level, 'write')) return deny(readOnly(room.id, level));
    // options.agent: undefined = the target is not known yet; null = none named (a new id would be chosen).
    if (grant.agent !== null && options.agent !== undefined && options.agent !== grant.agent) {
      return deny(new SyncError('identity_mismatch', `This token acts only as ${grant.agent} in ${room.id}.`, { authenticated_as: grant.agent, claimed: options.agent }));
    }
    // A write-level token may add a new agent (and becomes it, D20); it re-joins only an agent its
    // user drives (the join service refuses any other existing agent to a non-admin).
    const target = options.agent ?? null;
    if (caller.kind !== 'admin' && target !== null && drives(target)) return allow({ ...caller, kind: 'agent', agentId: target, joins: true }, level);
    return allow({ ...caller, joins: true }, level);
  }
  if (op === 'invoke' || op === 'register') {
    if (!atLeast(level, 'write')) return deny(readOnly(room.id, level));
    if (caller.kind === 'viewer') {
      return deny(new SyncError('read_only_token', `This token has not joined the room ${room.id} as an agent yet.`, {
        hint: 'Join an agent with this token (POST /rooms/{room}/agents); the token then acts as it (D20).',
      }));
    }
    return allow(caller, level);
  }
  // invite, delete_room: the owner, through a token that has full access to the room (§11 item 8).
  if (level !== 'full') {
    return deny(new SyncError('admin_required', `Only an owner of ${room.id}, with a token at full level for it, can ${op === 'invite' ? 'invite users' : 'delete the room'}.`, { room: room.id }));
  }
  return allow(caller, level);
}

function readOnly(roomId: string, level: Level): SyncError {
  return new SyncError('read_only_token', `This token can only read the room ${roomId} (effective level ${level}).`, { room: roomId });
}

function roomless(principal: Principal, op: Operation, options: AuthorizeOptions): Decision {
  const nobody: Caller = { kind: 'anonymous', agentId: null };
  if (op === 'create_room') {
    if (principal.kind === 'token') {
      if (principal.scope.createRooms) return allow({ kind: 'anonymous', agentId: null, userId: principal.userId, tokenId: principal.tokenId });
      return deny(new SyncError('scope_denied', 'The token\'s scope does not include create_rooms.', { token_id: principal.tokenId }));
    }
    if (options.localMode && principal.kind === 'legacy') return allow(nobody);
    if (principal.kind === 'legacy' && principal.caller.kind === 'anonymous') {
      return deny(new SyncError('authentication_required', 'Creating rooms on this server needs a token with create_rooms.', {
        hint: 'Local mode (a loopback-only server with no users) lets anyone create rooms.',
      }));
    }
    return deny(new SyncError('scope_denied', 'This token cannot create rooms; a tok_ token with create_rooms can.'));
  }
  if (op === 'list_rooms') {
    // Listing one's own rooms: a session sees all of its user's, a token those its scope reaches
    // (the caller filters by scope); a legacy bearer belongs to no user.
    if (principal.kind === 'session') return allow({ kind: 'anonymous', agentId: null, userId: principal.userId });
    if (principal.kind === 'token') return allow({ kind: 'anonymous', agentId: null, userId: principal.userId, tokenId: principal.tokenId });
    return deny(new SyncError('authentication_required', 'Listing your rooms and roles needs a passkey session or a tok_ token; room, view and agent tokens list theirs at GET /rooms.'));
  }
  // manage_tokens
  if (principal.kind === 'session') return allow({ kind: 'anonymous', agentId: null, userId: principal.userId });
  if (principal.kind === 'token') {
    if (principal.scope.manageTokens) return allow({ kind: 'anonymous', agentId: null, userId: principal.userId, tokenId: principal.tokenId });
    return deny(new SyncError('scope_denied', 'Managing tokens needs a passkey session or a token with tokens:manage.', { token_id: principal.tokenId }));
  }
  return deny(new SyncError('authentication_required', 'Managing tokens needs a passkey session or a token with tokens:manage.'));
}

// Legacy callers keep the rules of D19: reads are decided by the read services (the public
// subset for the anonymous caller in local mode), writes need an agent or the room token.
function legacy(caller: Caller, op: Operation): Decision {
  if (READS.has(op) || op === 'join') return allow(caller);
  if (op === 'invoke' || op === 'register') {
    try {
      actorOf(caller, undefined);
    } catch (error) {
      if (error instanceof SyncError) return deny(error);
      throw error;
    }
    return allow(caller);
  }
  if (op === 'delete_room' && caller.kind === 'admin') return allow(caller);
  if (caller.kind === 'anonymous') return deny(new SyncError('authentication_required', 'This request needs a token.'));
  return deny(new SyncError('admin_required', op === 'invite' ? 'Inviting users needs a user\'s tok_ token with full access to the room.' : 'Only a room admin can do this.'));
}

/** Throw the decision's error, or return the caller it resolved. */
export function requireAllowed(decision: Decision): Caller {
  if (!decision.allowed) throw decision.error;
  return decision.caller;
}
