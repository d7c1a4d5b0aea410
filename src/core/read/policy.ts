// Who may read what (D6, D7, D9). Pure predicates over a Reader.
import { RESERVED_SCOPES } from '../room/model.js';

/** The identity a read or an evaluation runs as. */
export interface Reader {
  /** The agent whose private scope is `self`; null for admins without an agent and for the public. */
  agentId: string | null;
  /** Room admins read every scope (D7). */
  admin: boolean;
}

export const PUBLIC_READER: Reader = Object.freeze({ agentId: null, admin: false });

/** A room admin acting as nobody: reads every scope. */
export const ADMIN_READER: Reader = Object.freeze({ agentId: null, admin: true });

export function agentReader(agentId: string): Reader {
  return { agentId, admin: false };
}

/** Agent scopes are the ones without a leading underscore. */
export function isAgentScope(scope: string): boolean {
  return !scope.startsWith('_');
}

/** Scopes that appear in CEL `state` (record and log scopes have their own variables). */
export function isStateScope(scope: string): boolean {
  return !RESERVED_SCOPES.has(scope) || scope === '_config';
}

/** May this reader see the scope's values in `state`, views, audit and write records? */
export function canReadScope(reader: Reader, scope: string): boolean {
  if (reader.admin) return true;
  if (scope === '_config') return false;
  if (!isAgentScope(scope)) return !RESERVED_SCOPES.has(scope);
  return scope === reader.agentId;
}
