// The `_register_view` built-in (sync-core §8.1 under D7, D10). Pure.
import { compileCel, evaluationError, runCel, type Dep } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { isPlainObject } from '../json.js';
import { optionalString, rejectUnknown, requireName, type Actor, type InvocationOutcome, type InvokeEnv } from '../actions/invocation.js';
import { earliestPending, nextEntry } from '../room/entries.js';
import { encodeView } from '../room/record-codec.js';
import { RECORD_SCOPES, SHARED, type ViewRecord } from '../room/model.js';
import { emptyBatch, type EntryChange, type RoomState } from '../room/room-state.js';
import { startTimer, validateTimer } from '../room/timers.js';
import { ReadSession, registrar } from '../read/read-session.js';
import { ownerScope } from './register-action.js';
import { requireReadableDeps, type Author } from '../read/static-access.js';

const FIELDS = ['id', 'expr', 'scope', 'description', 'enabled', 'render', 'timer'] as const;

export function registerView(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  const { record, change } = planViewRegistration(env, params);
  const id = record.id;
  const batch = emptyBatch();
  batch.entries.push(change);
  const deps = describeDeps(compileCel(record.expr, 'expr').deps);
  return {
    created: true,
    body: { ...viewEcho(record), room_id: env.room.id, deps },
    batch,
    writes: [{ scope: RECORD_SCOPES.views, key: id }],
    detail: { definition: viewEcho(record) as JsonObject },
    finish: (room: RoomState) => {
      const view = room.views.get(id)!;
      return { value: new ReadSession(room, { agentId: env.actor.agentId, admin: env.actor.admin }, env.now).viewJson(view) };
    },
  };
}

/**
 * Every rule of registering a view — known fields, id grammar, ownership (D10), owner scope,
 * expression checks, cost — and the change that stores it. `_register_view` and views declared
 * at join both come through here. `fallbackScope` is the owner when `scope` is absent.
 */
export function planViewRegistration(env: InvokeEnv, params: JsonObject, fallbackScope?: string): { record: ViewRecord; change: EntryChange } {
  rejectUnknown(params, FIELDS, 'view definition');
  const id = requireName(params, 'id', 'view');
  const expr = optionalString(params, 'expr');
  if (!expr) throw new SyncError('missing_param', 'The parameter expr is required.', { param: 'expr' });
  const existing = env.room.views.get(id);
  if (existing && existing.scope !== SHARED && !env.actor.admin && env.actor.agentId !== existing.scope) {
    throw new SyncError('view_owned', `The view ${id} is owned by ${existing.scope}; only its owner or an admin can change it.`, {
      view: id,
      owner: existing.scope,
    });
  }
  const scope = ownerScope(env, params.scope, 'view', fallbackScope ?? env.actor.agentId ?? SHARED);
  const record = buildView(env.actor, env.now, id, expr, scope, params);
  refuseUnreadable(env, record);
  refuseRunaway(env, record);
  const entry = nextEntry(env.room.entry(RECORD_SCOPES.views, id), { scope: RECORD_SCOPES.views, key: id, value: encodeView(record), writer: env.actor.agentId, timerAt: earliestPending(record.runtimeTimer) }, env.now, env.hasher);
  return { record, change: { op: 'put', entry } };
}

/** Build a view record from validated fields. */
function buildView(actor: Actor, now: number, id: string, expr: string, scope: string, p: JsonObject): ViewRecord {
  compileCel(expr, 'expr');
  const enabled = optionalString(p, 'enabled');
  if (enabled) compileCel(enabled, 'enabled', { boolean: true });
  if (p.render !== undefined && p.render !== null && !isPlainObject(p.render)) {
    throw new SyncError('invalid_definition', 'The render hint must be an object such as {"type": "metric", "label": "Score"}.', { field: 'render' });
  }
  const timer = p.timer === undefined || p.timer === null ? null : validateTimer(p.timer, 'timer');
  return {
    id,
    expr,
    scope,
    description: optionalString(p, 'description'),
    enabled,
    render: (p.render as JsonObject | undefined) ?? null,
    timer,
    registered_by: scope !== SHARED ? scope : actor.agentId,
    registered_at: now,
    runtimeTimer: timer ? startTimer(timer, now) : null,
  };
}

// A view reads with its registrar's authority plus its reader's own scope (`state.self`): refuse
// one that statically reads a scope its registrar cannot read (D7).
function refuseUnreadable(env: InvokeEnv, view: ViewRecord): void {
  if (env.actor.admin) return;
  const reader = { agentId: env.actor.agentId, admin: false };
  const author: Author = { reader, selfReadable: true, describe: env.actor.agentId ?? 'this caller' };
  requireReadableDeps(compileCel(view.expr, 'expr').deps, 'expr', author);
  if (view.enabled) requireReadableDeps(compileCel(view.enabled, 'enabled').deps, 'enabled', author);
}

// A view that already exceeds the cost limit would only ever show a cost error: refuse it now.
function refuseRunaway(env: InvokeEnv, view: ViewRecord): void {
  const session = new ReadSession(env.room, { agentId: env.actor.agentId, admin: env.actor.admin }, env.now);
  const outcome = runCel(compileCel(view.expr, 'expr'), session.context(registrar(view.scope)));
  if (!outcome.ok && outcome.error.costExceeded) throw evaluationError(outcome.error, 'expr', view.expr);
}

export function viewEcho(v: ViewRecord): Record<string, unknown> {
  return {
    id: v.id,
    scope: v.scope,
    description: v.description,
    expr: v.expr,
    enabled: v.enabled,
    render: v.render,
    timer: v.timer,
    registered_by: v.registered_by,
  };
}

/** Dependency paths in the dotted form agents write them. */
export function describeDeps(deps: ReadonlySet<Dep>): string[] {
  return [...deps].map((d) => {
    if (d === '*') return '*';
    if (d === '@self') return 'self';
    if (d === 'S*') return 'state';
    if (d === 'v*') return 'views';
    if (d === 'a*') return 'agents';
    if (d === 'A*') return 'actions';
    if (d === 'm') return 'messages';
    if (d.startsWith('s:')) return `state.${d.slice(2).replace('\u0000', '.')}`;
    if (d.startsWith('S:')) return `state.${d.slice(2)}`;
    if (d.startsWith('v:')) return `views.${d.slice(2)}`;
    return `agents.${d.slice(2)}`;
  });
}
