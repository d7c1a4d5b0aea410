// The `_register_action` built-in (sync-core §5.4 under D4, D8, D10). Pure.
import { compileCel } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isPlainObject, jsonEqual } from '../json.js';
import { isValidId } from '../../protocol/index.js';
import { contestedTargets, writeTargets } from '../actions/contest.js';
import { optionalString, rejectUnknown, requireName, type InvocationOutcome, type InvokeEnv } from '../actions/invocation.js';
import { validateParamSchema } from '../actions/params.js';
import { validateWrites } from '../actions/write-template-check.js';
import { earliestPending, nextEntry } from '../room/entries.js';
import { encodeAction } from '../room/record-codec.js';
import { RECORD_SCOPES, SHARED, type ActionRecord, type TimerSpec } from '../room/model.js';
import { emptyBatch } from '../room/room-state.js';
import { actionAuthority } from '../read/read-session.js';
import { requireReadableDeps, type Author } from '../read/static-access.js';
import { startTimer, validateTimer } from '../room/timers.js';

const FIELDS = ['id', 'scope', 'description', 'params', 'writes', 'if', 'enabled', 'result', 'timer', 'on_invoke'] as const;

export function registerAction(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  rejectUnknown(params, FIELDS, 'action definition');
  const id = requireName(params, 'id', 'action');
  const existing = env.room.actions.get(id);
  if (existing && existing.scope !== SHARED && !env.actor.admin && env.actor.agentId !== existing.scope) {
    throw new SyncError('action_owned', `The action ${id} is owned by ${existing.scope}; only its owner or an admin can change it.`, {
      action: id,
      owner: existing.scope,
    });
  }
  const scope = ownerScope(env, params.scope, 'action');
  const record = buildRecord(env, id, scope, params);
  const prev = env.room.entry(RECORD_SCOPES.actions, id);
  const entry = nextEntry(prev, { scope: RECORD_SCOPES.actions, key: id, value: encodeAction(record), writer: env.actor.agentId, timerAt: earliestPending(record.runtimeTimer, record.cooldown) }, env.now, env.hasher);
  const batch = emptyBatch();
  batch.entries.push({ op: 'put', entry });
  const body: Record<string, unknown> = { ...definitionEcho(record), room_id: env.room.id };
  addWarnings(body, env, record, existing);
  return { created: true, body, batch, writes: [{ scope: RECORD_SCOPES.actions, key: id }], detail: { definition: definitionEcho(record) as JsonObject } };
}

/** The owning scope of an action or view: `_shared` or the caller's own agent id (admins: any agent). */
export function ownerScope(env: InvokeEnv, raw: Json | undefined, what: 'action' | 'view', fallback: string = SHARED): string {
  const scope = raw === undefined || raw === null ? fallback : raw;
  if (typeof scope !== 'string' || (scope !== SHARED && !isValidId(scope))) {
    throw new SyncError('invalid_scope', `An ${what}'s scope must be "_shared" or an agent id.`, { scope: scope as Json });
  }
  if (scope !== SHARED && !env.actor.admin && env.actor.agentId !== scope) {
    throw new SyncError('identity_mismatch', `An ${what} owned by ${scope} can only be registered by ${scope} or an admin.`, {
      scope,
      authenticated_as: env.actor.agentId,
    });
  }
  return scope;
}

function buildRecord(env: InvokeEnv, id: string, scope: string, p: JsonObject): ActionRecord {
  const ifExpr = optionalString(p, 'if');
  const enabled = optionalString(p, 'enabled');
  const result = optionalString(p, 'result');
  if (ifExpr) compileCel(ifExpr, 'if', { boolean: true });
  if (enabled) compileCel(enabled, 'enabled', { boolean: true });
  if (result) compileCel(result, 'result');
  const timer = p.timer === undefined || p.timer === null ? null : validateTimer(p.timer, 'timer');
  const record: ActionRecord = {
    id,
    scope,
    description: optionalString(p, 'description'),
    params: validateParamSchema(p.params),
    writes: validateWrites(p.writes, env.actor.admin),
    if: ifExpr,
    enabled,
    result,
    timer,
    on_invoke: parseOnInvoke(p.on_invoke),
    registered_by: scope !== SHARED ? scope : env.actor.agentId,
    registered_by_admin: env.actor.admin,
    registered_at: env.now,
    runtimeTimer: timer ? startTimer(timer, env.now) : null,
    cooldown: null,
    version: null,
  };
  refuseUnreadable(record);
  // What an invoker pins with expect_version: the definition and the authority it runs with.
  record.version = env.hasher.contentVersion(JSON.stringify({ ...definitionEcho(record), registered_by: null, admin: record.registered_by_admin }));
  return record;
}

// Every expression of the action reads with its registrar's authority (D7): refuse one that
// statically reads a scope that authority can never read.
function refuseUnreadable(record: ActionRecord): void {
  const reader = actionAuthority(record);
  if (reader.admin) return;
  const author: Author = reader.agentId
    ? { reader, selfReadable: true, describe: `${reader.agentId} (an owned action reads with its owner's authority)` }
    : { reader, selfReadable: false, describe: 'a _shared action (it reads only what the public reads, whoever invokes it)' };
  const check = (source: string | null | undefined, field: string) => {
    if (typeof source === 'string') requireReadableDeps(compileCel(source, field).deps, field, author);
  };
  check(record.enabled, 'enabled');
  check(record.if, 'if');
  check(record.result, 'result');
  record.writes.forEach((t, i) => {
    if (t.expr === true && typeof t.value === 'string') check(t.value, `writes[${i}].value`);
    check(t.enabled, `writes[${i}].enabled`);
  });
}

function parseOnInvoke(raw: Json | undefined): { timer: TimerSpec } | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw) || Object.keys(raw).some((k) => k !== 'timer') || raw.timer === undefined) {
    throw new SyncError('invalid_timer', 'The on_invoke field must be {"timer": {...}}.', { field: 'on_invoke' });
  }
  return { timer: validateTimer(raw.timer, 'on_invoke.timer') };
}

export function definitionEcho(a: ActionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    scope: a.scope,
    description: a.description,
    registered_by: a.registered_by,
    writes: a.writes,
    params: a.params,
  };
  if (a.if) out.if = a.if;
  if (a.enabled) out.enabled = a.enabled;
  if (a.result) out.result = a.result;
  if (a.timer) out.timer = a.timer;
  if (a.on_invoke) out.on_invoke = a.on_invoke;
  if (a.version) out.version = a.version;
  return out;
}

function addWarnings(body: Record<string, unknown>, env: InvokeEnv, record: ActionRecord, existing: ActionRecord | undefined): void {
  const warnings: string[] = [];
  const all = new Map(env.room.actions);
  all.set(record.id, record);
  const contested = contestedTargets(all.values());
  const mine = writeTargets(record).filter((t) => contested.has(t));
  if (mine.length > 0) {
    warnings.push('competing_write_targets');
    body.contested_targets = mine;
    body.competing_actions = mine.map((target) => ({ target, actions: contested.get(target) }));
  }
  if (existing) {
    const writesChanged = !jsonEqual(existing.writes, record.writes);
    const paramsChanged = !jsonEqual(existing.params, record.params);
    if (writesChanged || paramsChanged) {
      warnings.push('action_redefined');
      const count = env.room.invocations.get(record.id) ?? 0;
      body.redefinition = {
        previous_registrant: existing.registered_by,
        writes_changed: writesChanged,
        params_changed: paramsChanged,
        invocation_count: count,
        previous_writes: existing.writes,
        risk: riskOf(count, writesChanged),
      };
    }
  }
  if (warnings.length === 0) return;
  // One shape each: `warning` is always the first warning (seed 000), `warnings` always all of them.
  body.warning = warnings[0];
  body.warnings = warnings;
  body.help = 'contested_actions';
}

function riskOf(count: number, writesChanged: boolean): string {
  if (writesChanged && count > 0) return 'high — action has been invoked and write behavior changed';
  if (writesChanged) return 'medium — write behavior changed';
  return 'low — parameter schema changed but write targets unchanged';
}
