// What a committed change touched, as dependency strings (see cel/deps.ts), expanded through
// everything derived from state: views, conditional entries, actions and agents whose
// expressions read a touched path are touched too. Pure.
import { compileStored, type Dep } from '../cel/index.js';
import { RECORD_SCOPES } from '../room/model.js';
import type { CommitBatch, RoomState } from '../room/room-state.js';
import { isAgentScope } from '../read/policy.js';

export type Touches = Set<Dep>;

/** Touch strings for one (scope, key). */
export function touchKey(touches: Touches, scope: string, key: string): void {
  if (scope === RECORD_SCOPES.actions) {
    touches.add('A*');
    return;
  }
  if (scope === RECORD_SCOPES.views) {
    touches.add(`v:${key}`).add('v*');
    return;
  }
  if (scope === RECORD_SCOPES.agents) {
    touches.add(`a:${key}`).add('a*');
    return;
  }
  touches.add(`s:${scope}\u0000${key}`).add(`S:${scope}`).add('S*');
  // Views and enabled expressions read `state.self` per reader: any agent scope may be someone's self.
  if (isAgentScope(scope)) touches.add(`s:self\u0000${key}`).add('S:self');
}

/** The direct touches of a batch (entries, messages, and the targets of audited firings). */
export function touchesOf(batch: CommitBatch): Touches {
  const touches: Touches = new Set();
  for (const change of batch.entries) {
    if (change.op === 'put') touchKey(touches, change.entry.scope, change.entry.key);
    else touchKey(touches, change.scope, change.key);
  }
  if (batch.messages.length) touches.add('m');
  for (const record of batch.log) if (record.kind === 'timer') for (const w of record.writes) touchKey(touches, w.scope, w.key);
  return touches;
}

function readsTouched(deps: ReadonlySet<Dep>, touches: Touches): boolean {
  if (touches.has('*')) return true;
  for (const dep of deps) if (dep === '*' || touches.has(dep)) return true;
  return false;
}

function depsOf(source: string | null, field: string): ReadonlySet<Dep> | null {
  if (!source) return null;
  return compileStored(source, field)?.deps ?? new Set(['*']);
}

/** Add everything derived from a touched path, until nothing new is added. */
export function expandTouches(room: RoomState, touches: Touches, options: { actions?: boolean } = {}): Touches {
  const withActions = options.actions !== false;
  for (let changed = true; changed; ) {
    changed = false;
    const add = (dep: Dep) => {
      if (!touches.has(dep)) {
        touches.add(dep);
        changed = true;
      }
    };
    for (const view of room.views.values()) {
      if (touches.has(`v:${view.id}`)) continue;
      const exprDeps = depsOf(view.expr, 'expr');
      const enabledDeps = depsOf(view.enabled, 'enabled');
      if ((exprDeps && readsTouched(exprDeps, touches)) || (enabledDeps && readsTouched(enabledDeps, touches))) {
        add(`v:${view.id}`);
        add('v*');
      }
    }
    for (const entry of room.enabledEntries.values()) {
      const deps = depsOf(entry.enabled, 'enabled');
      if (deps && !touches.has(`s:${entry.scope}\u0000${entry.key}`) && readsTouched(deps, touches)) {
        const before = touches.size;
        touchKey(touches, entry.scope, entry.key);
        if (touches.size !== before) changed = true;
      }
    }
    if (withActions && !touches.has('A*')) {
      for (const action of room.actions.values()) {
        const deps = [depsOf(action.enabled, 'enabled'), depsOf(action.if, 'if')];
        if (deps.some((d) => d && readsTouched(d, touches))) {
          add('A*');
          break;
        }
      }
    }
    for (const agent of room.agents.values()) {
      const deps = depsOf(agent.enabled, 'enabled');
      if (deps && !touches.has(`a:${agent.id}`) && readsTouched(deps, touches)) {
        add(`a:${agent.id}`);
        add('a*');
      }
    }
  }
  return touches;
}
