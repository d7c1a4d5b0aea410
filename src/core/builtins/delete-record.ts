// The `_delete_action` and `_delete_view` built-ins (sync-core §5.5, §8.6 under D10). Pure.
import { SyncError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { rejectUnknown, requireString, type InvocationOutcome, type InvokeEnv } from '../actions/invocation.js';
import { RECORD_SCOPES, SHARED } from '../room/model.js';
import { emptyBatch } from '../room/room-state.js';

export function deleteAction(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  rejectUnknown(params, ['id'], 'delete request');
  const id = requireString(params, 'id');
  const action = env.room.actions.get(id);
  if (!action) throw new SyncError('action_not_found', `There is no action ${id} in this room.`, { action: id });
  if (action.scope !== SHARED && !env.actor.admin && env.actor.agentId !== action.scope) {
    throw new SyncError('action_owned', `The action ${id} is owned by ${action.scope}; only its owner or an admin can delete it.`, {
      action: id,
      owner: action.scope,
    });
  }
  return deletion(RECORD_SCOPES.actions, id);
}

export function deleteView(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  rejectUnknown(params, ['id'], 'delete request');
  const id = requireString(params, 'id');
  const view = env.room.views.get(id);
  if (!view) throw new SyncError('view_not_found', `There is no view ${id} in this room.`, { view: id });
  if (view.scope !== SHARED && !env.actor.admin && env.actor.agentId !== view.scope) {
    throw new SyncError('view_owned', `The view ${id} is owned by ${view.scope}; only its owner or an admin can delete it.`, {
      view: id,
      owner: view.scope,
    });
  }
  return deletion(RECORD_SCOPES.views, id);
}

function deletion(scope: string, id: string): InvocationOutcome {
  const batch = emptyBatch();
  batch.entries.push({ op: 'delete', scope, key: id });
  return { body: { deleted: true, id }, batch, writes: [{ scope, key: id, deleted: true }] };
}
