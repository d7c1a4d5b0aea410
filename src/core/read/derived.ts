// Resolve what depends on timers and `enabled` expressions: conditional entries and agents.
// Each is evaluated with the authority it was written under (not the reader's), so the result
// is the same for every reader and is computed once per change. Pure.
import { compileStored, hintFor, runCelMetered, toCel, type CelMap } from '../cel/index.js';
import { SyncError } from '../errors.js';
import { DERIVED_ROOM_BUDGET, ENABLED_BUDGET } from '../limits.js';
import type { RoomState } from '../room/room-state.js';
import { timerBoundary, timerLive } from '../room/timers.js';
import type { AgentRecord, Entry } from '../room/model.js';
import { touchKey, type Touches } from '../wait/touches.js';
import { ReadSession } from './read-session.js';

/** Bring conditional entries and agents up to date if something changed or a timer passed. */
export function ensureDerived(room: RoomState, now: number): void {
  const timePassed = room.nextBoundary !== null && now >= room.nextBoundary;
  if (!room.derivedStale && !timePassed) return;
  // A deadline passed before its firing commit: cached views may read what it changed.
  if (timePassed) room.viewCache.clear();
  room.derivedStale = false;
  // What changed since agents were resolved: the commits' touches and entries that became visible
  // or hidden now. null (a timer passed, a fresh load): resolve every agent.
  const touches = timePassed ? null : room.derivedTouches;
  room.derivedTouches = new Set();
  resolveTimerOnly(room, now, touches);
  room.nextBoundary = room.boundaries.peek(() => room.work.examined++);
  resolveEnabled(room, now, touches);
  room.celAgents = resolveAgents(room, now, touches);
}

// Show or hide an entry, noting a change of visibility in `touches`.
function setVisible(room: RoomState, entry: Entry, visible: boolean, touches: Touches | null): void {
  if (touches && visible !== room.celVisible(entry.scope, entry.key)) touchKey(touches, entry.scope, entry.key);
  if (visible) room.showCel(entry.scope, entry.key, toCel(entry.value));
  else room.hideCel(entry.scope, entry.key);
}

function noteBoundary(room: RoomState, at: number | null): void {
  if (at !== null && (room.nextBoundary === null || at < room.nextBoundary)) room.nextBoundary = at;
}

// Entries whose visibility depends on a timer only: just those written since the last resolution
// and those whose boundary passed, so dormant timers cost nothing here.
function resolveTimerOnly(room: RoomState, now: number, touches: Touches | null): void {
  const ids = new Set(room.visibilityDirty);
  room.visibilityDirty.clear();
  for (const id of room.boundaries.popDue(now, () => room.work.examined++)) ids.add(id);
  for (const id of ids) {
    room.work.examined++;
    const entry = room.conditional.get(id);
    if (!entry || entry.enabled) continue;
    setVisible(room, entry, timerLive(entry.timer, now), touches);
    const boundary = timerBoundary(entry.timer, now);
    if (boundary !== null) room.boundaries.push(boundary, id);
  }
  room.boundaries.compact(room.conditional.size - room.enabledEntries.size, () => room.conditional.keys());
}

// Each `enabled` runs with a budget of its own (ENABLED_BUDGET), never the budget of the request
// that happened to trigger the resolution; entries also share a per-room pool (DERIVED_ROOM_BUDGET).
// An entry whose expression runs out, or comes after the pool ran dry, is hidden.
function resolveEnabled(room: RoomState, now: number, touches: Touches | null): void {
  const wasVisible = new Set<Entry>();
  for (const entry of room.enabledEntries.values()) {
    if (room.celVisible(entry.scope, entry.key)) wasVisible.add(entry);
    room.hideCel(entry.scope, entry.key);
  }
  let pool = DERIVED_ROOM_BUDGET;
  // In write order, each entry sees the ones resolved before it.
  for (const entry of room.enabledEntries.values()) {
    room.work.examined++;
    noteBoundary(room, timerBoundary(entry.timer, now));
    let holds = false;
    if (timerLive(entry.timer, now) && pool > 0) {
      const outcome = enabledHolds(room, entry.enabled!, entry.enabledAuthority, now, Math.min(ENABLED_BUDGET, pool));
      pool -= outcome.cost;
      holds = outcome.holds;
    }
    if (holds) room.showCel(entry.scope, entry.key, toCel(entry.value));
    if (touches && holds !== wasVisible.has(entry)) touchKey(touches, entry.scope, entry.key);
  }
}

// An agent's own expression decides only its own presence, on its own budget. It is evaluated
// again only when something it can read changed (`touches`): its record, its authority's record
// (read rights), or a path its expression reads; otherwise it keeps its presence.
function resolveAgents(room: RoomState, now: number, touches: Touches | null): CelMap {
  const out: CelMap = new Map();
  for (const agent of room.agents.values()) {
    if (agent.enabled) {
      const again = !touches || touches.has(`a:${agent.id}`) || (agent.enabledAuthority !== null && touches.has(`a:${agent.enabledAuthority}`)) || readsAny(agent.enabled, touches);
      const before = room.celAgents.has(agent.id);
      const present = again ? enabledHolds(room, agent.enabled, agent.enabledAuthority, now, ENABLED_BUDGET).holds : before;
      // Agents reading this one saw the previous map; they are evaluated again at the next resolution.
      if (present !== before) room.noteAgentChange(agent.id);
      if (!present) continue;
    }
    out.set(agent.id, agentPublic(agent));
  }
  return out;
}

function readsAny(source: string, touches: Touches): boolean {
  const deps = compileStored(source, 'enabled')?.deps;
  if (!deps || touches.has('*')) return true;
  for (const dep of deps) if (dep === '*' || touches.has(dep)) return true;
  return false;
}

export interface EnabledOutcome {
  holds: boolean;
  cost: number;
  costExceeded: boolean;
}

/** Evaluate an entry's or agent's `enabled` with its authority and a budget of its own. */
export function enabledHolds(room: RoomState, source: string, authorityId: string | null, now: number, budget: number): EnabledOutcome {
  const compiled = compileStored(source, 'enabled');
  if (!compiled) return { holds: false, cost: 0, costExceeded: false };
  room.work.enabledEvaluations++;
  const session = new ReadSession(room, authority(authorityId), now, { bare: true });
  const { outcome, cost } = runCelMetered(compiled, session.context(), budget);
  return { holds: outcome.ok && outcome.value === true, cost, costExceeded: !outcome.ok && outcome.error.costExceeded };
}

/**
 * Refuse, when it is written, an `enabled` that already runs past ENABLED_BUDGET: it would only
 * ever resolve to hidden, and evaluating it after every change would be a cost for everyone.
 */
export function refuseCostlyEnabled(room: RoomState, source: string, authorityId: string | null, now: number, field: string): void {
  if (!enabledHolds(room, source, authorityId, now, ENABLED_BUDGET).costExceeded) return;
  throw new SyncError('cel_cost_exceeded', `The ${field} expression costs more than ${ENABLED_BUDGET} units, the limit for an entry's or agent's enabled.`, {
    field,
    expression: source,
    budget: ENABLED_BUDGET,
    hint: hintFor('cost'),
  });
}

/** The public shape of an agent in CEL and in context (sync-core §4.5). */
export function agentPublic(agent: AgentRecord) {
  return {
    name: agent.name,
    role: agent.role,
    status: agent.status,
    waiting_on: agent.waiting_on,
    last_heartbeat: new Date(agent.last_heartbeat).toISOString(),
  };
}

// `*` is the admin authority; otherwise an agent id, or null for the public view.
function authority(id: string | null) {
  return id === '*' ? { agentId: null, admin: true } : { agentId: id, admin: false };
}

/** Whether an agent is currently present (its `enabled` holds). */
export function agentPresent(room: RoomState, agentId: string, now: number): boolean {
  ensureDerived(room, now);
  return room.celAgents.has(agentId);
}
