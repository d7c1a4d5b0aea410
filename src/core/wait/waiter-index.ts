// Pending waits indexed by room and by the paths their conditions read (D16), so a change
// re-evaluates only the waits it can affect and an idle wait costs nothing. Pure.
import { SELF, type Dep } from '../cel/index.js';
import type { Touches } from './touches.js';

export interface IndexedWaiter {
  readonly roomId: string;
  /** Dependency strings with `self` resolved to the waiting reader. */
  readonly deps: ReadonlySet<Dep>;
}

export class WaiterIndex<W extends IndexedWaiter> {
  private readonly rooms = new Map<string, Map<Dep, Set<W>>>();
  private readonly members = new Set<W>();

  get size(): number {
    return this.members.size;
  }

  /** Whether any waiter of the room could be woken by a change (constant conditions never are). */
  watches(roomId: string): boolean {
    return this.rooms.has(roomId);
  }

  add(waiter: W): void {
    this.members.add(waiter);
    let byDep = this.rooms.get(waiter.roomId);
    if (!byDep) this.rooms.set(waiter.roomId, (byDep = new Map()));
    for (const dep of waiter.deps) {
      let set = byDep.get(dep);
      if (!set) byDep.set(dep, (set = new Set()));
      set.add(waiter);
    }
  }

  /** Every waiter (a copy: settling one while iterating is safe). */
  all(): W[] {
    return [...this.members];
  }

  /** The room's waiters, constant conditions included (a copy). */
  membersOf(roomId: string): W[] {
    return [...this.members].filter((w) => w.roomId === roomId);
  }

  /** Remove a waiter; false if it was not indexed (already settled). */
  remove(waiter: W): boolean {
    if (!this.members.delete(waiter)) return false;
    const byDep = this.rooms.get(waiter.roomId);
    if (!byDep) return true;
    for (const dep of waiter.deps) {
      const set = byDep.get(dep);
      set?.delete(waiter);
      if (set && set.size === 0) byDep.delete(dep);
    }
    if (byDep.size === 0) this.rooms.delete(waiter.roomId);
    return true;
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
}

/** Resolve `self` in a condition's deps to the reader's scope (no scope for readers without an agent). */
export function resolveSelf(deps: ReadonlySet<Dep>, agentId: string | null): Set<Dep> {
  const out = new Set<Dep>();
  for (const dep of deps) {
    if (dep.startsWith('s:self\u0000')) {
      if (agentId) out.add(`s:${agentId}\u0000${dep.slice('s:self\u0000'.length)}`);
    } else if (dep === 'S:self') {
      if (agentId) out.add(`S:${agentId}`);
    } else if (dep !== SELF) out.add(dep);
  }
  // A condition that reads nothing is constant: no change can make it true, only the timeout ends it.
  return out;
}
