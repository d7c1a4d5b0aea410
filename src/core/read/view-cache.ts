// Views whose value is the same for every reader are computed once per room and kept until a
// change touches something they read (ARCHITECTURE: "views are recomputed only when a path
// they read changed"). Reader-dependent views (self, messages, actions, other agents' scopes)
// are evaluated per read as before. Pure.
import { compileStored, SELF, type Outcome } from '../cel/index.js';
import type { RoomState } from '../room/room-state.js';
import type { ViewRecord } from '../room/model.js';
import { expandTouches } from '../wait/touches.js';
import { isAgentScope } from './policy.js';

const READER_DEPENDENT = new Set([SELF, 'm', 'A*', 'S*', '*', 'v*', 'S:self']);

/** Does the view read only public scopes, its registrar's scope, agents and such views? */
export function readerIndependent(room: RoomState, view: ViewRecord, seen: Set<string> = new Set()): boolean {
  if (seen.has(view.id)) return false;
  seen.add(view.id);
  const deps = compileStored(view.expr, 'expr')?.deps;
  if (!deps) return false;
  const owner = isAgentScope(view.scope) ? view.scope : null;
  for (const dep of deps) {
    if (READER_DEPENDENT.has(dep)) return false;
    if (dep.startsWith('s:') || dep.startsWith('S:')) {
      const scope = dep.startsWith('s:') ? dep.slice(2, dep.indexOf('\u0000')) : dep.slice(2);
      if (scope === 'self' || scope === '_config' || (isAgentScope(scope) && scope !== owner)) return false;
    } else if (dep.startsWith('v:')) {
      const other = room.views.get(dep.slice(2));
      if (other && !readerIndependent(room, other, seen)) return false;
    }
  }
  return true;
}

export function cachedView(room: RoomState, view: ViewRecord): Outcome | undefined {
  return room.viewCache.get(view.id);
}

/** Keep a reader-independent view's outcome (never a cost failure: that depends on the read). */
export function rememberView(room: RoomState, view: ViewRecord, outcome: Outcome): void {
  if (!outcome.ok && outcome.error.costExceeded) return;
  room.viewCache.set(view.id, outcome);
}

/** Forget cached views that a change touched, directly or through what they read. */
export function invalidateViews(room: RoomState, direct: ReadonlySet<string>): void {
  if (room.viewCache.size === 0) return;
  const touches = expandTouches(room, new Set(direct), { actions: false });
  for (const id of room.viewCache.keys()) if (touches.has(`v:${id}`) || touches.has('*')) room.viewCache.delete(id);
}
