// Pending waits indexed by room and by the paths their conditions read (D16), so a change
// re-evaluates only the waits it can affect and an idle wait costs nothing. Pure.
import type { Dep } from '../cel/index.js';
import type { Touches } from './touches.js';

export interface IndexedWaiter {
  readonly roomId: string;
  /** Dependency strings with `self` resolved to the waiting reader. */
  readonly deps: ReadonlySet<Dep>;
}

export class WaiterIndex<W extends IndexedWaiter> {
  private readonly rooms = new Map<string, Map<Dep, Set<W>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  roomSize(roomId: string): number {
    const byDep = this.rooms.get(roomId);
    if (!byDep) return 0;
    const all = new Set<W>();
    for (const set of byDep.values()) for (const w of set) all.add(w);
    return all.size;
  }

  add(waiter: W): void {
    let byDep = this.rooms.get(waiter.roomId);
    if (!byDep) this.rooms.set(waiter.roomId, (byDep = new Map()));
    for (const dep of waiter.deps) {
      let set = byDep.get(dep);
      if (!set) byDep.set(dep, (set = new Set()));
      set.add(waiter);
    }
    this.count++;
  }

  remove(waiter: W): boolean {
    const byDep = this.rooms.get(waiter.roomId);
    if (!byDep) return false;
    let found = false;
    for (const dep of waiter.deps) {
      const set = byDep.get(dep);
      if (set?.delete(waiter)) found = true;
      if (set && set.size === 0) byDep.delete(dep);
    }
    if (byDep.size === 0) this.rooms.delete(waiter.roomId);
    if (found) this.count--;
    return found;
  }

  /** Waiters of the room that read something touched (or that depend on everything). */
  candidates(roomId: string, touches: Touches): Set<W> {
    const out = new Set<W>();
    const byDep = this.rooms.get(roomId);
    if (!byDep) return out;
    const lookups = touches.has('*') ? byDep.keys() : [...touches, '*'];
    for (const dep of lookups) for (const w of byDep.get(dep) ?? []) out.add(w);
    return out;
  }

  /** Every waiter of a room (room deleted). */
  all(roomId: string): Set<W> {
    const out = new Set<W>();
    for (const set of this.rooms.get(roomId)?.values() ?? []) for (const w of set) out.add(w);
    return out;
  }
}

/** Resolve `self` in a condition's deps to the reader's scope (no scope for readers without an agent). */
export function resolveSelf(deps: ReadonlySet<Dep>, agentId: string | null): Set<Dep> {
  const out = new Set<Dep>();
  for (const dep of deps) {
    if (dep.startsWith('s:self\u0000')) {
      if (agentId) out.add(`s:${agentId}\u0000${dep.slice('s:self\u0000'.length)}`);
    } else if (dep === 'S:self') {
      if (agentId) out.add(`S:${agentId}`);
    } else out.add(dep);
  }
  // A condition that reads nothing is constant: no change can make it true, only the timeout ends it.
  return out;
}
