// Dispatch an invocation to a built-in or a custom action (sync-core §5.1–5.2). Pure.
import { DEFAULT_STEP_BUDGET, withBudget } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { builtinFor } from '../builtins/builtin-table.js';
import { agentPresent } from '../read/derived.js';
import type { InvocationOutcome, InvokeEnv } from './invocation.js';
import { invokeCustom } from './invoke-custom.js';

/** Plan one invocation; all its expressions share one cost budget (D5). */
export function planInvocation(env: InvokeEnv, actionId: string, params: JsonObject): InvocationOutcome {
  return withBudget(DEFAULT_STEP_BUDGET, () => planUnbudgeted(env, actionId, params));
}

function planUnbudgeted(env: InvokeEnv, actionId: string, params: JsonObject): InvocationOutcome {
  checkActorPresent(env);
  const builtin = builtinFor(actionId, (id) => env.room.actions.has(id));
  if (builtin && env.expectVersion !== undefined) {
    throw new SyncError('invalid_body', `The built-in ${actionId} has no definition version to pin.`, { field: 'expect_version' });
  }
  if (builtin) return builtin.run(env, params);
  const action = env.room.actions.get(actionId);
  if (!action) {
    throw new SyncError('action_not_found', `There is no action ${actionId} in this room.`, {
      action: actionId,
      hint: 'Read context to see the actions you can invoke, or register one with _register_action.',
    });
  }
  return invokeCustom(env, action, params);
}

export function isBuiltinInvocation(env: InvokeEnv, actionId: string): boolean {
  return builtinFor(actionId, (id) => env.room.actions.has(id)) !== undefined;
}

// An agent that left or whose `enabled` is false cannot act (seed 004 module agents).
function checkActorPresent(env: InvokeEnv): void {
  const id = env.actor.agentId;
  if (id === null) return;
  if (!env.room.agents.has(id)) {
    throw new SyncError('agent_not_found', `There is no agent ${id} in this room.`, { agent: id, hint: 'Join first with POST /rooms/{room}/agents.' });
  }
  if (!agentPresent(env.room, id, env.now)) {
    throw new SyncError('agent_disabled', `The agent ${id} is not enabled right now.`, { agent: id });
  }
}
