// Planning an agent join or re-join (sync-core §4.1 under D19, D21, D23). Pure.
import { compileCel, type Dep } from '../cel/index.js';
import { agentReader } from '../read/policy.js';
import { requireReadableDeps, type Author } from '../read/static-access.js';
import { SyncError, quote } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isPlainObject } from '../json.js';
import { isValidId, isValidKey } from '../../protocol/index.js';
import type { Hasher } from '../ports/hasher.js';
import { planViewRegistration } from '../builtins/register-view.js';
import type { InvokeEnv } from '../actions/invocation.js';
import { logRecord } from '../room/audit.js';
import { nextEntry } from '../room/entries.js';
import { encodeAgent } from '../room/record-codec.js';
import { RECORD_SCOPES, type AgentRecord } from '../room/model.js';
import { emptyBatch, type CommitBatch, type EntryChange, type RoomState } from '../room/room-state.js';
import { refuseCostlyEnabled } from '../read/derived.js';
import type { Caller } from './caller.js';

const FIELDS = ['id', 'name', 'role', 'meta', 'enabled', 'state', 'public_keys', 'views'];

export interface JoinPlan {
  agent: AgentRecord;
  batch: CommitBatch;
}

export interface JoinInputs {
  room: RoomState;
  body: JsonObject;
  caller: Caller;
  /** May this caller add a new agent (local mode, open join, or write access)? */
  mayJoin: boolean;
  agentId: string;
  now: number;
  hasher: Hasher;
  credentialHash: string;
}

function bad(detail: string, field?: string): SyncError {
  return new SyncError('invalid_body', `The join request is not valid: ${detail}.`, field ? { field, detail } : { detail });
}

/** Validate the join body's id (or return null when absent). */
export function joinId(body: JsonObject): string | null {
  if (body.id === undefined || body.id === null) return null;
  if (!isValidId(body.id) || body.id === 'self') {
    throw new SyncError('invalid_id', `The agent id ${quote(body.id)} is not valid.`, {
      field: 'id',
      hint: 'Use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit ("self" is reserved).',
    });
  }
  return body.id;
}

export function planJoin(input: JoinInputs): JoinPlan {
  const { room, body, caller, agentId: id, now } = input;
  const unknown = Object.keys(body).find((k) => !FIELDS.includes(k));
  if (unknown) throw bad(`unknown field ${quote(unknown)} (known: ${FIELDS.join(', ')})`, unknown);
  const existing = room.agents.get(id);
  checkJoinRights(existing, input);
  const name = optionalText(body.name, 'name', 200) ?? existing?.name ?? id;
  const role = joinRole(optionalText(body.role, 'role', 64), existing, caller);
  if (body.meta !== undefined && !isPlainObject(body.meta)) throw bad('meta must be an object', 'meta');
  const enabled = optionalText(body.enabled, 'enabled', 4096);
  const enabledAuthority = caller.kind === 'admin' ? '*' : caller.kind === 'agent' ? caller.agentId : id;
  if (enabled) {
    refuseUnreadable(compileCel(enabled, 'enabled', { boolean: true }).deps, caller, id);
    refuseCostlyEnabled(room, enabled, enabledAuthority, now, 'enabled');
  }
  const agent: AgentRecord = {
    id,
    name,
    role,
    status: 'active',
    waiting_on: null,
    last_heartbeat: now,
    joined_at: existing?.joined_at ?? now,
    last_seen_seq: existing?.last_seen_seq ?? 0,
    grants: existing?.grants ?? [],
    meta: (body.meta as JsonObject | undefined) ?? existing?.meta ?? {},
    enabled: enabled ?? (body.enabled === undefined ? (existing?.enabled ?? null) : null),
    enabledAuthority,
  };
  const batch = emptyBatch();
  const put = (scope: string, key: string, value: Json) =>
    batch.entries.push({ op: 'put', entry: nextEntry(room.entry(scope, key), { scope, key, value, writer: id }, now, input.hasher) });
  put(RECORD_SCOPES.agents, id, encodeAgent(agent));
  const state = inlineState(body.state);
  for (const [key, value] of Object.entries(state)) put(id, key, value);
  batch.entries.push(...joinViews(input, room));
  batch.credentials = { at: now, revokeAgent: existing ? id : undefined, issue: { agentId: id, hash: input.credentialHash } };
  batch.log.push(logRecord(room.logSeq + 1, now, { kind: 'agent_join', agent: id, ok: true, writes: [{ scope: RECORD_SCOPES.agents, key: id }], detail: { id, name, role, state } }));
  return { agent, batch };
}

// An agent's `enabled` reads with the authority of whoever joins it (D7): refuse one that
// statically reads a scope that authority can never read.
function refuseUnreadable(deps: ReadonlySet<Dep>, caller: Caller, id: string): void {
  if (caller.kind === 'admin') return;
  const author: Author = caller.kind === 'agent' && caller.agentId
    ? { reader: agentReader(caller.agentId), selfReadable: true, describe: `${caller.agentId} (whose token joins ${id})` }
    : { reader: agentReader(id), selfReadable: true, describe: `${id} (joined without an agent token, its expressions read as ${id})` };
  requireReadableDeps(deps, 'enabled', author);
}

function checkJoinRights(existing: AgentRecord | undefined, input: JoinInputs): void {
  const { caller } = input;
  if (existing) {
    if (caller.kind === 'admin' || (caller.kind === 'agent' && caller.agentId === existing.id)) return;
    if (caller.kind === 'anonymous') {
      throw new SyncError('agent_exists', `The agent ${existing.id} already exists; re-join with its token to rotate it.`, { agent: existing.id });
    }
    throw new SyncError('identity_mismatch', `This token is not ${existing.id}'s and cannot re-join it.`, { agent: existing.id, authenticated_as: caller.agentId });
  }
  if (!input.mayJoin) {
    throw new SyncError('join_not_open', 'Joining this room needs a token with write access to it.', {
      hint: 'Ask a member to join you, or the room admin to set open_join in the room meta.',
    });
  }
}

// Role is a label others may trust (`agents.x.role` in conditions): a new agent names its own,
// except one that claims authority; only a room admin changes it afterwards (D19).
const AUTHORITY_ROLES = /^(admin|administrator|owner|root|moderator|system|room[-_ ]?admin)$/i;

function joinRole(given: string | null, existing: AgentRecord | undefined, caller: Caller): string {
  if (given === null) return existing?.role ?? 'agent';
  if (caller.kind === 'admin' || given === existing?.role) return given;
  if (existing || AUTHORITY_ROLES.test(given.trim())) {
    throw new SyncError('admin_required', existing
      ? `Only a room admin can change the role of ${existing.id} (it is ${JSON.stringify(existing.role)}); a re-join keeps it.`
      : `The role ${quote(given)} claims authority; only a room admin can give it.`, {
      field: 'role',
      hint: 'A room admin sets roles with PATCH /rooms/{room}/agents/{agent} {"role": "..."}.',
    });
  }
  return given;
}

function optionalText(raw: unknown, field: string, max: number): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || raw.length > max) throw bad(`${field} must be a string of at most ${max} characters`, field);
  return raw;
}

function inlineState(raw: unknown): JsonObject {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw bad('state must be an object of key → value', 'state');
  for (const key of Object.keys(raw)) if (!isValidKey(key)) throw bad(`the state key ${quote(key)} is not valid`, 'state');
  return raw as JsonObject;
}

// Views declared at join are registered exactly as `_register_view` registers them, by the joining
// agent (with an admin's rights when an admin joins it).
function joinViews(input: JoinInputs, room: RoomState): EntryChange[] {
  const { body, agentId: id } = input;
  const definitions: JsonObject[] = [];
  if (body.public_keys !== undefined) {
    if (!Array.isArray(body.public_keys) || !body.public_keys.every((k) => typeof k === 'string' && isValidKey(k))) {
      throw bad('public_keys must be a list of keys of your state', 'public_keys');
    }
    for (const key of body.public_keys as string[]) {
      definitions.push({ id: `${id}.${key}`, expr: `state[${JSON.stringify(id)}][${JSON.stringify(key)}]`, description: `${id}'s ${key}` });
    }
  }
  if (body.views !== undefined) {
    if (!Array.isArray(body.views) || !body.views.every(isPlainObject)) throw bad('views must be a list of {id, expr, description?, enabled?, render?, timer?}', 'views');
    definitions.push(...(body.views as JsonObject[]));
  }
  const seen = new Set<string>();
  const env: InvokeEnv = { room, actor: { agentId: id, admin: input.caller.kind === 'admin' }, now: input.now, hasher: input.hasher };
  return definitions.map((definition) => {
    const { change, record } = planViewRegistration(env, definition, id);
    if (seen.has(record.id)) throw bad(`the view ${JSON.stringify(record.id)} is declared twice`, 'views');
    seen.add(record.id);
    return change;
  });
}
