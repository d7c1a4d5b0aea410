// Contest detection (sync-core §5.12): write targets that two or more actions declare.
// Targets are compared by their template text, so `_shared:${params.key}` in two actions counts. Pure.
import type { ActionRecord } from '../room/model.js';

/** `scope:key` targets of an action's keyed writes, as written in its templates. */
export function writeTargets(action: ActionRecord): string[] {
  const out = new Set<string>();
  for (const w of action.writes) if (w.key !== undefined && w.key !== '') out.add(`${w.scope ?? '_shared'}:${w.key}`);
  return [...out];
}

/** Every target written by two or more actions, with the ids of those actions. */
export function contestedTargets(actions: Iterable<ActionRecord>): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const action of actions) {
    for (const target of writeTargets(action)) {
      const ids = byTarget.get(target) ?? [];
      ids.push(action.id);
      byTarget.set(target, ids);
    }
  }
  for (const [target, ids] of byTarget) if (ids.length < 2) byTarget.delete(target);
  return byTarget;
}
