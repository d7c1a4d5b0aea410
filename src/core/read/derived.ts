// Resolve what depends on timers and `enabled` expressions: conditional entries and agents.
// Each is evaluated with the authority it was written under (not the reader's), so the result
// is the same for every reader and is computed once per change. Pure.
import { compileStored, hintFor, runCelMetered, toCel, type CelMap } from '../cel/index.js';
import { SyncError } from '../errors.js';
import { DERIVED_ROOM_BUDGET, ENABLED_BUDGET } from '../limits.js';
import type { RoomState } from '../room/room-state.js';
import { timerBoundary, timerLive } from '../room/timers.js';
import type { AgentRecord } from '../room/model.js';
import { ReadSession } from './read-session.js';

/** Bring conditional entries and agents up to date if something changed or a timer passed. */
export function ensureDerived(room: RoomState, now: number): void {
  const timePassed = room.nextBoundary !== null && now >= room.nextBoundary;
  if (!room.derivedStale && !timePassed) return;
  // A deadline passed before its firing commit: cached views may read what it changed.
  if (timePassed) room.viewCache.clear();
  room.derivedStale = false;
  resolveTimerOnly(room, now);
  room.nextBoundary = room.boundaries.peek(() => room.work.examined++);
  resolveEnabled(room, now);
  room.celAgents = resolveAgents(room, now);
}

function noteBoundary(room: RoomState, at: number | null): void {
  if (at !== null && (room.nextBoundary === null || at < room.nextBoundary)) room.nextBoundary = at;
}

// Entries whose visibility depends on a timer only: just those written since the last resolution
// and those whose boundary passed, so dormant timers cost nothing here.
function resolveTimerOnly(room: RoomState, now: number): void {
  const ids = new Set(room.visibilityDirty);
  room.visibilityDirty.clear();
  for (const id of room.boundaries.popDue(now, () => room.work.examined++)) ids.add(id);
  for (const id of ids) {
    room.work.examined++;
    const entry = room.conditional.get(id);
    if (!entry || entry.enabled) continue;
    if (timerLive(entry.timer, now)) room.showCel(entry.scope, entry.key, toCel(entry.value));
    else room.hideCel(entry.scope, entry.key);
    const boundary = timerBoundary(entry.timer, now);
    if (boundary !== null) room.boundaries.push(boundary, id);
  }
  room.boundaries.compact(room.conditional.size - room.enabledEntries.size, () => room.conditional.keys());
}

// Each `enabled` runs with a budget of its own (ENABLED_BUDGET), never the budget of the request
// that happened to trigger the resolution; entries also share a per-room pool (DERIVED_ROOM_BUDGET).
// An entry whose expression runs out, or comes after the pool ran dry, is hidden.
function resolveEnabled(room: RoomState, now: number): void {
  for (const entry of room.enabledEntries.values()) room.hideCel(entry.scope, entry.key);
  let pool = DERIVED_ROOM_BUDGET;
  // In write order, each entry sees the ones resolved before it.
  for (const entry of room.enabledEntries.values()) {
    room.work.examined++;
    noteBoundary(room, timerBoundary(entry.timer, now));
    if (!timerLive(entry.timer, now) || pool <= 0) continue;
    const { holds, cost } = enabledHolds(room, entry.enabled!, entry.enabledAuthority, now, Math.min(ENABLED_BUDGET, pool));
    pool -= cost;
    if (holds) room.showCel(entry.scope, entry.key, toCel(entry.value));
  }
}

function resolveAgents(room: RoomState, now: number): CelMap {
  const out: CelMap = new Map();
  for (const agent of room.agents.values()) {
    // An agent's own expression decides only its own presence, on its own budget.
    if (agent.enabled && !enabledHolds(room, agent.enabled, agent.enabledAuthority, now, ENABLED_BUDGET).holds) continue;
    out.set(agent.id, agentPublic(agent));
  }
  return out;
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
