// The records a room is made of. Pure types and constants; no behaviour, no I/O.
import type { Json, JsonObject } from '../json.js';

/** Scopes only the built-ins and the server write (D8). `_help` and `_config` have their own rules. */
export const RESERVED_SCOPES = new Set(['_actions', '_views', '_agents', '_messages', '_audit', '_config']);

/** Scopes whose entries hold the room's own records rather than data. */
export const RECORD_SCOPES = { actions: '_actions', views: '_views', agents: '_agents' } as const;

export const SHARED = '_shared';
export const HELP_SCOPE = '_help';
export const CONFIG_SCOPE = '_config';

export type TimerEffect = 'delete' | 'enable';

/** A timer as a client writes it (seed 004). */
export interface TimerSpec {
  ms?: number;
  at?: string;
  ticks?: number;
  tick_on?: string;
  effect: TimerEffect;
}

/** A running timer: wall-clock (`expiresAt`) or logical (`ticksLeft` counted on writes to `tickOn`). */
export interface TimerState {
  spec: TimerSpec;
  effect: TimerEffect;
  startedAt: number;
  expiresAt?: number;
  ticksLeft?: number;
  tickOn?: { scope: string; key: string };
  /** Set once the firing of a wall-clock timer has been committed and audited. */
  fired?: boolean;
}

/** One versioned state entry (sync-core §2). */
export interface Entry {
  scope: string;
  key: string;
  value: Json;
  /** Content hash of the stored JSON text (16 hex characters). */
  version: string;
  revision: number;
  /** When the key was first written (kept across updates; orders listings). */
  createdAt: number;
  updatedAt: number;
  writer: string | null;
  sortKey: number | null;
  timer: TimerState | null;
  enabled: string | null;
  /** Whose read authority evaluates `enabled`: an agent id, or null for the public view. */
  enabledAuthority: string | null;
  /** When a wall-clock timer of this entry (or of the record it holds) next fires; null if none. */
  timerAt: number | null;
}

export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

export interface ParamSpec {
  type?: ParamType;
  enum?: Json[];
  required?: boolean;
  default?: Json;
  description?: string;
}

export interface WriteTemplate {
  scope?: string;
  key?: string;
  value?: Json;
  expr?: boolean;
  merge?: Json;
  increment?: Json;
  append?: boolean;
  delete?: boolean;
  if_version?: Json;
  timer?: TimerSpec;
  enabled?: string;
}

export interface ActionRecord {
  id: string;
  scope: string;
  description: string | null;
  params: Record<string, ParamSpec> | null;
  writes: WriteTemplate[];
  if: string | null;
  enabled: string | null;
  result: string | null;
  timer: TimerSpec | null;
  on_invoke: { timer: TimerSpec } | null;
  registered_by: string | null;
  /** Registered by a room admin: its writes may target `_config`, its `enabled` reads everything. */
  registered_by_admin: boolean;
  registered_at: number;
  /** A hash of the definition and its authority; changes only when the action is (re)defined, never by invoking it. Null for actions stored before versions existed. */
  version: string | null;
  /** The running lifecycle timer started at registration. */
  runtimeTimer: TimerState | null;
  /** The cooldown started by the last successful invocation (`on_invoke.timer`). */
  cooldown: TimerState | null;
}

export interface ViewRecord {
  id: string;
  expr: string;
  scope: string;
  description: string | null;
  enabled: string | null;
  render: JsonObject | null;
  timer: TimerSpec | null;
  registered_by: string | null;
  registered_at: number;
  runtimeTimer: TimerState | null;
}

export type AgentStatus = 'active' | 'waiting' | 'idle';

export interface AgentRecord {
  id: string;
  name: string;
  role: string;
  status: AgentStatus;
  waiting_on: string | null;
  last_heartbeat: number;
  /** When the current `waiting` began (the latest wait started); stored, not shown. */
  waiting_since?: number;
  joined_at: number;
  last_seen_seq: number;
  grants: string[];
  meta: JsonObject;
  enabled: string | null;
  enabledAuthority: string | null;
}

export interface Message {
  seq: number;
  ts: number;
  from: string | null;
  kind: string;
  body: Json;
  to: string[] | null;
}

/** One write as recorded in the audit log and returned to the invoker. */
export interface WriteRecord {
  scope: string;
  key: string;
  value?: Json;
  merge?: Json;
  deleted?: true;
}

export type LogKind = 'invoke' | 'agent_join' | 'agent_update' | 'timer' | 'room_create' | 'room_update';

/** One audit-log record (D13). */
export interface LogRecord {
  seq: number;
  ts: number;
  kind: LogKind;
  agent: string | null;
  action: string | null;
  builtin: boolean;
  params: JsonObject | null;
  ok: boolean;
  error: string | null;
  writes: WriteRecord[];
  detail: JsonObject | null;
}

export interface RoomRecord {
  id: string;
  createdAt: number;
  meta: JsonObject;
  tokenHash: string;
  viewTokenHash: string | null;
}
