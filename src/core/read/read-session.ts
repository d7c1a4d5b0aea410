// One reader's view of a room at one instant: lazily built CEL contexts, views evaluated with
// their registrar's authority (D7), actions filtered by `enabled`, timers and cooldowns. Pure.
import { compileStored, holds, lazyCelMap, runCel, jsonOutcome, type CelMap, type CompiledExpression, type Outcome } from '../cel/index.js';
import type { RoomState } from '../room/room-state.js';
import type { ActionRecord, ViewRecord } from '../room/model.js';
import { SHARED } from '../room/model.js';
import { timerLive } from '../room/timers.js';
import { ADMIN_READER, PUBLIC_READER, agentReader, canReadScope, isAgentScope, isStateScope, type Reader } from './policy.js';
import { ensureDerived } from './derived.js';
import { cachedView, readerIndependent, rememberView } from './view-cache.js';
import { HIDDEN_DETAIL } from '../actions/scrub.js';

export interface SessionOptions {
  /** Evaluate without views, actions and message counters (entry and agent `enabled`). */
  bare?: boolean;
  /**
   * The `self` of the evaluation when it differs from the reader: an action evaluates with its
   * registrar's authority as the reader while `self` stays the invoker (D7). `state.self` is that
   * agent's scope only if the reader may read it.
   */
  self?: string;
}

export class ReadSession {
  private readonly states = new Map<string, CelMap>();
  private viewsObj: CelMap | undefined;
  private actionsObj: CelMap | undefined;
  private readonly viewResults = new Map<string, Outcome | 'pending'>();
  private readonly availability = new Map<string, boolean | 'pending'>();
  /** Sessions of the same instant with another authority (actions' registrars), shared by all of them. */
  private readonly family: Map<string, ReadSession>;

  constructor(
    readonly room: RoomState,
    readonly reader: Reader,
    readonly now: number,
    private readonly options: SessionOptions = {},
    family?: Map<string, ReadSession>,
  ) {
    if (!options.bare) ensureDerived(room, now);
    this.family = family ?? new Map();
    this.family.set(sessionKey(reader, this.self), this);
  }

  get self(): string {
    return this.options.self ?? this.reader.agentId ?? '';
  }

  /** The session an action's expressions run in: its registrar's authority, this session's `self` (D7). */
  forAction(action: ActionRecord): ReadSession {
    const authority = actionAuthority(action);
    const key = sessionKey(authority, this.self);
    return this.family.get(key) ?? new ReadSession(this.room, authority, this.now, { ...this.options, self: this.self }, this.family);
  }

  /** The `state` map this reader sees, plus the registrar scope `extra` under its own name. */
  state(extra: string | null = null): CelMap {
    const memoKey = extra ?? '';
    const memo = this.states.get(memoKey);
    if (memo) return memo;
    const state: CelMap = new Map([[SHARED, EMPTY]]);
    for (const [scope, values] of this.room.celScopes) {
      if (isStateScope(scope) && canReadScope(this.reader, scope)) state.set(scope, values);
    }
    const own = this.reader.agentId;
    if (own) state.set(own, this.room.celScopes.get(own) ?? EMPTY);
    const self = this.self;
    if (self && isAgentScope(self) && canReadScope(this.reader, self)) {
      const mine = this.room.celScopes.get(self) ?? EMPTY;
      state.set(self, mine).set('self', mine);
    }
    if (extra && isAgentScope(extra) && !state.has(extra)) state.set(extra, this.room.celScopes.get(extra) ?? EMPTY);
    this.states.set(memoKey, state);
    return state;
  }

  /** A CEL evaluation context; `views` and `actions` are computed only if the expression reads them. */
  context(extra: string | null = null, params: CelMap = EMPTY): object {
    const bare = this.options.bare === true;
    const views = () => (bare ? EMPTY : this.views());
    const actions = () => (bare ? EMPTY : this.actions());
    return {
      state: this.state(extra),
      get views() {
        return views();
      },
      get actions() {
        return actions();
      },
      agents: this.room.celAgents,
      messages: bare ? ZERO_MESSAGES : this.messageCounters(),
      self: this.self,
      params,
    };
  }

  messageCounters(): { count: bigint; unread: bigint; directed_unread: bigint } {
    const counts = this.messageCounts();
    return { count: BigInt(counts.count), unread: BigInt(counts.unread), directed_unread: BigInt(counts.directed_unread) };
  }

  messageCounts(): { count: number; unread: number; directed_unread: number } {
    const agent = this.reader.agentId ? this.room.agents.get(this.reader.agentId) : undefined;
    const seen = agent?.last_seen_seq ?? 0;
    const count = this.room.messageSeq;
    const directed = agent ? (this.room.directed.get(agent.id) ?? []) : [];
    return {
      count,
      unread: agent ? Math.max(0, count - seen) : 0,
      directed_unread: directed.length - countAtMost(directed, seen),
    };
  }

  /** Views visible to this reader, in registration order. */
  visibleViews(): ViewRecord[] {
    const out: ViewRecord[] = [];
    for (const view of this.room.views.values()) if (this.viewVisible(view)) out.push(view);
    return out;
  }

  viewVisible(view: ViewRecord): boolean {
    if (!timerLive(view.runtimeTimer, this.now)) return false;
    if (!view.enabled) return true;
    return holdsStored(view.enabled, 'enabled', this.context(registrar(view.scope)));
  }

  /** A view's value for this reader, evaluated with the registrar's scope visible (D7). */
  viewValue(view: ViewRecord): Outcome {
    const memo = this.viewResults.get(view.id);
    if (memo === 'pending') return { ok: false, error: { code: 'cycle', detail: `view ${view.id} depends on itself`, costExceeded: false } };
    if (memo) return memo;
    const shared = !this.options.bare && readerIndependent(this.room, view);
    const cached = shared ? cachedView(this.room, view) : undefined;
    if (cached) return cached;
    this.viewResults.set(view.id, 'pending');
    const compiled = compileStored(view.expr, 'expr');
    const outcome: Outcome = compiled
      ? runCel(compiled, this.context(registrar(view.scope)))
      : { ok: false, error: { code: 'invalid', detail: 'the stored expression no longer compiles', costExceeded: false } };
    this.viewResults.set(view.id, outcome);
    if (shared) rememberView(this.room, view, outcome);
    return outcome;
  }

  /** Plain-JSON view value, or `{_error}` when it failed. */
  viewJson(view: ViewRecord) {
    const outcome = jsonOutcome(this.viewValue(view));
    return outcome.ok ? outcome.value : this.viewError(view, outcome.error.detail);
  }

  // A failing view must not quote its registrar's private data to other readers (D9).
  private viewError(view: ViewRecord, detail: string): { _error: string } {
    const owner = registrar(view.scope);
    return { _error: owner && !canReadScope(this.reader, owner) ? HIDDEN_DETAIL : detail };
  }

  private views(): CelMap {
    if (this.viewsObj) return this.viewsObj;
    const visible = new Map(this.visibleViews().map((view) => [view.id, view]));
    return (this.viewsObj = lazyCelMap(visible.keys(), (id) => {
      const view = visible.get(id)!;
      const outcome = this.viewValue(view);
      return outcome.ok ? outcome.value : this.viewError(view, outcome.error.detail);
    }));
  }

  /** Custom actions visible to this reader: live timers, no cooldown, `enabled` true (D14). */
  visibleActions(): ActionRecord[] {
    const out: ActionRecord[] = [];
    for (const action of this.room.actions.values()) if (this.actionVisible(action)) out.push(action);
    return out;
  }

  actionVisible(action: ActionRecord): boolean {
    if (!timerLive(action.runtimeTimer, this.now) || !timerLive(action.cooldown, this.now)) return false;
    if (!action.enabled) return true;
    return holdsStored(action.enabled, 'enabled', this.forAction(action).context());
  }

  /** Whether the action's `if` holds for this reader with no params. */
  actionAvailable(action: ActionRecord): boolean {
    const memo = this.availability.get(action.id);
    if (memo === 'pending') return false;
    if (memo !== undefined) return memo;
    this.availability.set(action.id, 'pending');
    const available = !action.if || holdsStored(action.if, 'if', this.forAction(action).context());
    this.availability.set(action.id, available);
    return available;
  }

  private actions(): CelMap {
    if (this.actionsObj) return this.actionsObj;
    const map: CelMap = new Map();
    for (const action of this.visibleActions()) {
      const available = () => this.actionAvailable(action);
      map.set(action.id, {
        enabled: true,
        get available() {
          return available();
        },
      });
    }
    return (this.actionsObj = map);
  }
}

/** A stored condition holds when it compiles and evaluates to exactly true. */
export function holdsStored(source: string, field: string, context: object): boolean {
  const compiled: CompiledExpression | null = compileStored(source, field);
  return compiled !== null && holds(compiled, context);
}

/** An empty CEL map shared by every context (never written to). */
const EMPTY: CelMap = new Map();

const ZERO_MESSAGES = Object.freeze({ count: 0n, unread: 0n, directed_unread: 0n });

/** The scope whose authority an owned action or view adds: its owner, or none for `_shared`. */
export function registrar(scope: string): string | null {
  return isAgentScope(scope) ? scope : null;
}

/**
 * The read authority of an action's `enabled`, `if`, `expr` writes and `result` (D7): its owner's
 * for an owned action; a room admin's for a communal action an admin registered; otherwise the
 * public's, so a communal action anyone may redefine never reads its invoker's private scope.
 */
export function actionAuthority(action: ActionRecord): Reader {
  const owner = registrar(action.scope);
  if (owner) return agentReader(owner);
  return action.registered_by_admin ? ADMIN_READER : PUBLIC_READER;
}

function sessionKey(reader: Reader, self: string): string {
  return `${reader.admin ? '*' : ''}${reader.agentId ?? ''}\u0000${self}`;
}

// Number of sorted seqs ≤ limit.
function countAtMost(sorted: number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
