// Actions, views and agents are stored as entries of the reserved scopes `_actions`, `_views`
// and `_agents`; this file turns those entry values into typed records and back. Pure.
import type { Json, JsonObject } from '../json.js';
import type { ActionRecord, AgentRecord, TimerState, ViewRecord } from './model.js';

type Obj = Record<string, unknown>;

const str = (v: unknown, fallback: string | null = null): string | null => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const obj = <T>(v: unknown): T | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : null);

export function encodeAction(a: ActionRecord): JsonObject {
  return {
    id: a.id,
    scope: a.scope,
    description: a.description,
    params: a.params as Json,
    writes: a.writes as Json,
    if: a.if,
    enabled: a.enabled,
    result: a.result,
    timer: a.timer as Json,
    on_invoke: a.on_invoke as Json,
    registered_by: a.registered_by,
    registered_by_admin: a.registered_by_admin,
    registered_at: a.registered_at,
    version: a.version,
    _timer: a.runtimeTimer as unknown as Json,
    _cooldown: a.cooldown as unknown as Json,
  };
}

export function decodeAction(id: string, v: Json): ActionRecord {
  const o = (obj<Obj>(v) ?? {}) as Obj;
  return {
    id,
    scope: str(o.scope, '_shared')!,
    description: str(o.description),
    params: obj(o.params),
    writes: Array.isArray(o.writes) ? (o.writes as ActionRecord['writes']) : [],
    if: str(o.if),
    enabled: str(o.enabled),
    result: str(o.result),
    timer: obj(o.timer),
    on_invoke: obj(o.on_invoke),
    registered_by: str(o.registered_by),
    registered_by_admin: o.registered_by_admin === true,
    registered_at: num(o.registered_at),
    version: str(o.version),
    runtimeTimer: obj<TimerState>(o._timer),
    cooldown: obj<TimerState>(o._cooldown),
  };
}

export function encodeView(v: ViewRecord): JsonObject {
  return {
    id: v.id,
    expr: v.expr,
    scope: v.scope,
    description: v.description,
    enabled: v.enabled,
    render: v.render,
    timer: v.timer as Json,
    registered_by: v.registered_by,
    registered_at: v.registered_at,
    _timer: v.runtimeTimer as unknown as Json,
  };
}

export function decodeView(id: string, v: Json): ViewRecord {
  const o = (obj<Obj>(v) ?? {}) as Obj;
  return {
    id,
    expr: str(o.expr, 'null')!,
    scope: str(o.scope, '_shared')!,
    description: str(o.description),
    enabled: str(o.enabled),
    render: obj(o.render),
    timer: obj(o.timer),
    registered_by: str(o.registered_by),
    registered_at: num(o.registered_at),
    runtimeTimer: obj<TimerState>(o._timer),
  };
}

export function encodeAgent(a: AgentRecord): JsonObject {
  return {
    id: a.id,
    name: a.name,
    role: a.role,
    status: a.status,
    waiting_on: a.waiting_on,
    last_heartbeat: a.last_heartbeat,
    ...(a.status === 'waiting' && a.waiting_since !== undefined ? { waiting_since: a.waiting_since } : {}),
    joined_at: a.joined_at,
    last_seen_seq: a.last_seen_seq,
    grants: a.grants,
    meta: a.meta,
    enabled: a.enabled,
    enabled_authority: a.enabledAuthority,
  };
}

export function decodeAgent(id: string, v: Json): AgentRecord {
  const o = (obj<Obj>(v) ?? {}) as Obj;
  const status = o.status === 'waiting' || o.status === 'idle' ? o.status : 'active';
  return {
    id,
    name: str(o.name, id)!,
    role: str(o.role, 'agent')!,
    status,
    waiting_on: str(o.waiting_on),
    last_heartbeat: num(o.last_heartbeat),
    ...(typeof o.waiting_since === 'number' ? { waiting_since: o.waiting_since } : {}),
    joined_at: num(o.joined_at),
    last_seen_seq: num(o.last_seen_seq),
    grants: Array.isArray(o.grants) ? o.grants.filter((g): g is string => typeof g === 'string') : [],
    meta: obj<JsonObject>(o.meta) ?? {},
    enabled: str(o.enabled),
    enabledAuthority: str(o.enabled_authority),
  };
}
