// The identity a transport resolved for a request, and how it maps to readers and actors. Pure.
import { SyncError } from '../errors.js';
import type { Actor } from '../actions/invocation.js';
import type { Reader } from '../read/policy.js';

export type CallerKind = 'admin' | 'agent' | 'viewer' | 'anonymous';

export interface Caller {
  kind: CallerKind;
  /** The agent a credential is bound to (agent tokens, or admins acting as an agent). */
  agentId: string | null;
  /** The user behind a `tok_` token or a passkey session (absent for legacy tokens). */
  userId?: string;
  /** The `tok_` token's id, for audit and elevation hints. */
  tokenId?: string;
  /** Set by authorize for a join: this caller may add a new agent (write access to the room). */
  joins?: boolean;
}

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous', agentId: null });

export function readerOf(caller: Caller): Reader {
  return { agentId: caller.kind === 'viewer' ? null : caller.agentId, admin: caller.kind === 'admin' };
}

/** The actor for a write: agents act as themselves; admins may act as any agent (D19, §5.1). */
export function actorOf(caller: Caller, claimed: unknown): Actor {
  if (caller.kind === 'anonymous') {
    throw new SyncError('authentication_required', 'This request needs a bearer token for the room.', {
      hint: 'Join the room (POST /rooms/{room}/agents) and send the returned token as Authorization: Bearer <token>.',
    });
  }
  if (caller.kind === 'viewer') throw new SyncError('read_only_token', 'A view token can read the room but not change it.');
  if (claimed !== undefined && claimed !== null && typeof claimed !== 'string') {
    throw new SyncError('invalid_body', 'The agent field must be a string.', { field: 'agent' });
  }
  if (caller.kind === 'admin') return { agentId: (claimed as string | undefined) ?? caller.agentId, admin: true };
  if (claimed !== undefined && claimed !== null && claimed !== caller.agentId) {
    throw new SyncError('identity_mismatch', `This token acts as ${caller.agentId}, not ${String(claimed)}.`, {
      authenticated_as: caller.agentId,
      claimed,
    });
  }
  return { agentId: caller.agentId, admin: false };
}

export function requireAdmin(caller: Caller): void {
  if (caller.kind === 'anonymous') throw new SyncError('authentication_required', 'This request needs the room token.');
  if (caller.kind !== 'admin') throw new SyncError('admin_required', 'Only a room admin (the room token) can do this.');
}
