// Resolve what depends on timers and `enabled` expressions: conditional entries and agents.
// Each is evaluated with the authority it was written under (not the reader's), so the result
// is the same for every reader and is computed once per change. Pure.
import { toCel, type CelMap } from '../cel/index.js';
import type { RoomState } from '../room/room-state.js';
import { timerBoundary, timerLive } from '../room/timers.js';
import type { AgentRecord } from '../room/model.js';
import { ReadSession, holdsStored } from './read-session.js';

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

function resolveEnabled(room: RoomState, now: number): void {
  for (const entry of room.enabledEntries.values()) room.hideCel(entry.scope, entry.key);
  // In write order, each entry sees the ones resolved before it.
  for (const entry of room.enabledEntries.values()) {
    room.work.examined++;
    noteBoundary(room, timerBoundary(entry.timer, now));
    if (!timerLive(entry.timer, now)) continue;
    const session = new ReadSession(room, authority(entry.enabledAuthority), now, { bare: true });
    if (holdsStored(entry.enabled!, 'enabled', session.context())) room.showCel(entry.scope, entry.key, toCel(entry.value));
  }
}

function resolveAgents(room: RoomState, now: number): CelMap {
  const out: CelMap = new Map();
  for (const agent of room.agents.values()) {
    if (agent.enabled) {
      const session = new ReadSession(room, authority(agent.enabledAuthority), now, { bare: true });
      if (!holdsStored(agent.enabled, 'enabled', session.context())) continue;
    }
    out.set(agent.id, agentPublic(agent));
  }
  return out;
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
