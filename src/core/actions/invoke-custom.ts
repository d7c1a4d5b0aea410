// Invoking a custom action (sync-core §5.6 under D7, D11, D12, D14): checks, writes, cooldown,
// result. Everything is decided against one snapshot; the service commits the batch. Pure.
import { compileCel, evaluationError, hintFor, runCel, jsonOutcome, toCel, type CelMap, type Outcome } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { earliestPending, nextEntry } from '../room/entries.js';
import { encodeAction } from '../room/record-codec.js';
import { HELP_SCOPE, RECORD_SCOPES, type ActionRecord, type TimerState } from '../room/model.js';
import { emptyBatch, type RoomState } from '../room/room-state.js';
import { startTimer, timerLive } from '../room/timers.js';
import { ReadSession, actionAuthority, registrar } from '../read/read-session.js';
import { canReadScope, type Reader } from '../read/policy.js';
import { systemHelpVersion } from '../help/system-help.js';
import type { InvocationOutcome, InvokeEnv } from './invocation.js';
import { checkParams } from './params.js';
import { HIDDEN_DETAIL, scrubbedError } from './scrub.js';
import { planWrites } from './write-plan.js';

export function invokeCustom(env: InvokeEnv, action: ActionRecord, given: JsonObject): InvocationOutcome {
  checkPinnedVersion(env, action);
  checkLifecycle(action, env.now);
  const reader: Reader = { agentId: env.actor.agentId, admin: env.actor.admin };
  // Every expression of the action reads with its registrar's authority; `self` is the invoker (D7).
  const authority = actionAuthority(action);
  const session = new ReadSession(env.room, authority, env.now, { self: env.actor.agentId ?? '' });
  const owner = registrar(action.scope);
  const scrub = readsBeyond(authority, reader);
  if (action.enabled) {
    const outcome = runCel(compileCel(action.enabled, 'enabled'), session.context());
    if (!outcome.ok || outcome.value !== true) {
      throw new SyncError('action_disabled', `The action ${action.id} is not enabled right now.`, { action: action.id, ...failureDetail(outcome, scrub) });
    }
  }
  const params = checkParams(action.params, given);
  const celParams = toCel(params) as CelMap;
  const context = session.context(null, celParams);
  if (action.if) {
    const outcome = runCel(compileCel(action.if, 'if'), context);
    if (!outcome.ok && outcome.error.costExceeded) throw scrubbedError(scrub, evaluationError(outcome.error, 'if', action.if, { action: action.id }));
    if (!outcome.ok || outcome.value !== true) {
      throw new SyncError('precondition_failed', `The precondition of ${action.id} does not hold.`, { action: action.id, expression: action.if, ...failureDetail(outcome, scrub) });
    }
  }
  const self = env.actor.agentId ?? '';
  const plan = planWrites(action.writes, {
    room: env.room,
    now: env.now,
    hasher: env.hasher,
    actionId: action.id,
    invoker: env.actor.agentId,
    owner,
    registrarAdmin: action.registered_by_admin,
    vars: { self, now: new Date(env.now).toISOString(), params },
    celContext: context,
    systemVersion: (scope, key) => (scope === HELP_SCOPE ? systemHelpVersion(key, env.hasher) : null),
    reader,
    scrubErrors: scrub,
  });
  const batch = emptyBatch();
  batch.entries.push(...plan.changes);
  Object.assign(batch.counters, plan.counters);
  if (action.on_invoke) batch.entries.push(cooldownChange(env, action));
  const visibleWrites = plan.records.map((r) => (canReadScope(reader, r.scope) ? r : { scope: r.scope, key: r.key, ...(r.deleted ? { deleted: true as const } : {}) }));
  return {
    body: { invoked: true, action: action.id, agent: env.actor.agentId, params, writes: visibleWrites },
    batch,
    writes: plan.records,
    finish: action.result ? (room) => ({ result: resultValue(room, authority, env.actor.agentId ?? '', action, celParams, env.now, scrub) }) : undefined,
  };
}

// A condition that fails to evaluate does not hold (a missing key is the usual cause); say why.
function failureDetail(outcome: Outcome, scrub: boolean): Record<string, string> {
  if (outcome.ok) return {};
  return { detail: scrub ? HIDDEN_DETAIL : outcome.error.detail, hint: hintFor(outcome.error.code, outcome.error.detail) };
}

// Hide evaluation details when the authority reads a scope the invoker cannot (D9).
function readsBeyond(authority: Reader, invoker: Reader): boolean {
  if (authority.admin) return !invoker.admin;
  return authority.agentId !== null && !canReadScope(invoker, authority.agentId);
}

// An invoker that read the definition may pin it: a redefinition since then refuses the call.
function checkPinnedVersion(env: InvokeEnv, action: ActionRecord): void {
  if (env.expectVersion === undefined || env.expectVersion === action.version) return;
  throw new SyncError('version_conflict', `The action ${action.id} has been redefined since the version you read.`, {
    action: action.id,
    expected_version: env.expectVersion,
    current_version: action.version,
    hint: 'Read the definition again (context?only=actions&depth=full) before invoking it.',
  });
}

function checkLifecycle(action: ActionRecord, now: number): void {
  for (const timer of [action.runtimeTimer, action.cooldown]) {
    if (timerLive(timer, now)) continue;
    if (timer!.effect === 'delete') throw new SyncError('action_expired', `The action ${action.id} has expired.`, { action: action.id });
    throw cooldownError(action, timer!);
  }
}

function cooldownError(action: ActionRecord, timer: TimerState): SyncError {
  const details: Record<string, unknown> = { action: action.id };
  if (timer.expiresAt !== undefined) details.available_at = new Date(timer.expiresAt).toISOString();
  if (timer.ticksLeft !== undefined) details.ticks_remaining = timer.ticksLeft;
  return new SyncError('action_cooldown', `The action ${action.id} is cooling down.`, details);
}

function cooldownChange(env: InvokeEnv, action: ActionRecord) {
  const updated: ActionRecord = { ...action, cooldown: startTimer(action.on_invoke!.timer, env.now) };
  const prev = env.room.entry(RECORD_SCOPES.actions, action.id);
  const timerAt = earliestPending(updated.runtimeTimer, updated.cooldown);
  return { op: 'put' as const, entry: nextEntry(prev, { scope: RECORD_SCOPES.actions, key: action.id, value: encodeAction(updated), writer: prev?.writer ?? null, timerAt }, env.now, env.hasher) };
}

// The result sees the state after the writes; a failing result does not undo them.
function resultValue(room: RoomState, authority: Reader, self: string, action: ActionRecord, params: CelMap, now: number, scrub: boolean): Json {
  const session = new ReadSession(room, authority, now, { self });
  const outcome = jsonOutcome(runCel(compileCel(action.result!, 'result'), session.context(null, params)));
  return outcome.ok ? outcome.value : { _error: scrub ? HIDDEN_DETAIL : outcome.error.detail };
}
