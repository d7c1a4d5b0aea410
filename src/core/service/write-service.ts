// Changing a room: invoke (D11, D13), join (D19–D21) and agent updates. Each change runs as the
// room's only writer, is committed atomically, and is audited whether it succeeds or fails.
import { SyncError, isSyncError, quote } from '../errors.js';
import type { JsonObject } from '../json.js';
import { isPlainObject } from '../json.js';
import { planInvocation, isBuiltinInvocation } from '../actions/invoke.js';
import type { Actor, InvokeEnv } from '../actions/invocation.js';
import { logRecord, refusedParams } from '../room/audit.js';
import { nextEntry } from '../room/entries.js';
import { encodeAgent } from '../room/record-codec.js';
import { RECORD_SCOPES } from '../room/model.js';
import { emptyBatch } from '../room/room-state.js';
import { actorOf, requireAdmin, type Caller } from './caller.js';
import { joinId, planJoin } from './join.js';
import { agentResponse } from './agent-view.js';
import type { ServiceDeps } from './ports.js';
import type { AgentInfo, JoinedAgent } from '../../protocol/wire/agents.js';

/** What an invocation answered; `created` marks a registration (an action or view declared). */
export interface InvokeOutcome {
  created: boolean;
  result: Record<string, unknown>;
}

export class WriteService {
  constructor(private readonly deps: ServiceDeps) {}

  async invoke(roomId: string, actionId: string, body: JsonObject, caller: Caller): Promise<InvokeOutcome> {
    const { registry, presence, clock, hasher } = this.deps;
    const params = body.params ?? {};
    if (!isPlainObject(params)) throw new SyncError('invalid_body', 'The params field must be an object.', { field: 'params' });
    const expectVersion = body.expect_version;
    if (expectVersion !== undefined && (typeof expectVersion !== 'string' || expectVersion.length > 64)) {
      throw new SyncError('invalid_body', 'expect_version must be the version string of the action definition you read.', { field: 'expect_version' });
    }
    await registry.get(roomId);
    let actor: Actor = { agentId: caller.agentId, admin: caller.kind === 'admin' };
    let refused: SyncError | null = null;
    try {
      return await registry.exclusive(roomId, async (room, tx) => {
        const now = clock.now();
        try {
          actor = actorOf(caller, body.agent);
          const env: InvokeEnv = { room, actor, now, hasher, ...(expectVersion !== undefined ? { expectVersion } : {}) };
          const outcome = planInvocation(env, actionId, params as JsonObject);
          outcome.batch.log.push(logRecord(room.logSeq + 1, now, {
            kind: 'invoke',
            agent: actor.agentId,
            action: actionId,
            builtin: isBuiltinInvocation(env, actionId),
            params: params as JsonObject,
            ok: true,
            writes: outcome.writes,
            detail: outcome.detail ?? null,
          }));
          await registry.commit(room, tx, outcome.batch);
          presence.heartbeat(room, actor.agentId, now);
          return { created: outcome.created === true, result: { ...outcome.body, ...(outcome.finish?.(room) ?? {}) } };
        } catch (error) {
          if (isSyncError(error) && error.code !== 'authentication_required') refused = error;
          throw error;
        }
      });
    } finally {
      if (refused) await this.auditFailure(roomId, actor, actionId, params as JsonObject, refused);
    }
  }

  // The refusal is audited in a commit of its own (its own lock and transaction), after the failed
  // one ended: a failed transaction is never written on again. If the audit itself cannot be
  // written (the database went away), the caller still gets the refusal.
  private async auditFailure(roomId: string, actor: Actor, actionId: string, params: JsonObject, error: SyncError): Promise<void> {
    const { registry, clock, hasher } = this.deps;
    await registry.exclusive(roomId, async (room, tx) => {
      const now = clock.now();
      const batch = emptyBatch();
      const builtin = isBuiltinInvocation({ room, actor, now, hasher }, actionId);
      batch.log.push(logRecord(room.logSeq + 1, now, { kind: 'invoke', agent: actor.agentId, action: actionId, builtin, params: refusedParams(params), ok: false, error: error.code }));
      await registry.commit(room, tx, batch);
    }).catch(() => undefined);
  }

  async join(roomId: string, body: JsonObject, caller: Caller): Promise<JoinedAgent> {
    const { registry, clock, hasher, credentials, ids, options } = this.deps;
    await registry.get(roomId);
    const id = joinId(body) ?? ids.uuid();
    return registry.exclusive(roomId, async (room, tx) => {
      const minted = credentials.mint('as_');
      const mayJoin = options.localMode || caller.kind === 'admin' || caller.kind === 'agent' || caller.joins === true || room.room.meta.open_join === true;
      const plan = planJoin({ room, body, caller, mayJoin, agentId: id, now: clock.now(), hasher, credentialHash: minted.hash });
      await registry.commit(room, tx, plan.batch);
      return { ...agentResponse(room.id, room.agents.get(id) ?? plan.agent), token: minted.token };
    });
  }

  async patchAgent(roomId: string, agentId: string, body: JsonObject, caller: Caller): Promise<AgentInfo> {
    requireAdmin(caller);
    const { registry, clock, hasher } = this.deps;
    await registry.get(roomId);
    return registry.exclusive(roomId, async (room, tx) => {
      const agent = room.agents.get(agentId);
      if (!agent) throw new SyncError('agent_not_found', `There is no agent ${agentId} in this room.`, { agent: agentId });
      const changes = agentChanges(body);
      const updated = { ...agent, ...changes };
      const now = clock.now();
      const batch = emptyBatch();
      batch.entries.push({ op: 'put', entry: nextEntry(room.entry(RECORD_SCOPES.agents, agentId), { scope: RECORD_SCOPES.agents, key: agentId, value: encodeAgent(updated), writer: null }, now, hasher) });
      batch.log.push(logRecord(room.logSeq + 1, now, { kind: 'agent_update', agent: null, ok: true, writes: [{ scope: RECORD_SCOPES.agents, key: agentId }], detail: { id: agentId, changes: changes as JsonObject } }));
      await registry.commit(room, tx, batch);
      return agentResponse(room.id, room.agents.get(agentId)!);
    });
  }
}

function agentChanges(body: JsonObject): Record<string, unknown> {
  const allowed = ['grants', 'role', 'name', 'meta'];
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown) throw new SyncError('invalid_body', `An agent update takes ${allowed.join(', ')}; ${quote(unknown)} is not one of them.`, { field: unknown });
  const out: Record<string, unknown> = {};
  if (body.grants !== undefined) {
    if (!Array.isArray(body.grants) || !body.grants.every((g) => typeof g === 'string' && g.length <= 64)) {
      throw new SyncError('invalid_body', 'grants must be a list of strings such as ["*"].', { field: 'grants' });
    }
    out.grants = body.grants;
  }
  for (const field of ['role', 'name'] as const) {
    if (body[field] === undefined) continue;
    if (typeof body[field] !== 'string' || (body[field] as string).length > 200) throw new SyncError('invalid_body', `${field} must be a string.`, { field });
    out[field] = body[field];
  }
  if (body.meta !== undefined) {
    if (!isPlainObject(body.meta)) throw new SyncError('invalid_body', 'meta must be an object.', { field: 'meta' });
    out.meta = body.meta;
  }
  return out;
}
