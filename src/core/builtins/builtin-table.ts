// The six built-in actions of seed 000: how they are listed and which function runs each. Pure.
import { ownValue, type JsonObject } from '../json.js';
import type { InvocationOutcome, InvokeEnv } from '../actions/invocation.js';
import { help } from '../help/help.js';
import { deleteAction, deleteView } from './delete-record.js';
import { registerAction } from './register-action.js';
import { registerView } from './register-view.js';
import { sendMessage } from './send-message.js';

export interface Builtin {
  description: string;
  params: JsonObject;
  run(env: InvokeEnv, params: JsonObject): InvocationOutcome;
}

const s = (description: string) => ({ type: 'string', description });

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  _send_message: {
    description: 'Send a message to the room',
    params: { body: s('Message content'), kind: s('Message kind (default: chat)'), to: { type: 'array', description: 'Agent id or ids to direct the message to (attention, not privacy)' } },
    run: sendMessage,
  },
  _register_action: {
    description: 'Register a new action in the room',
    params: {
      id: s('Action ID'),
      scope: s('Owning scope: "_shared" (default) or your agent id'),
      description: s('Human-readable description'),
      if: s('CEL availability predicate'),
      enabled: s('CEL enabled expression'),
      result: s('CEL expression evaluated after writes, returned to invoker'),
      writes: { type: 'array', description: 'State write templates' },
      params: { type: 'object', description: 'Parameter schema' },
      timer: { type: 'object', description: 'Lifecycle timer' },
      on_invoke: { type: 'object', description: 'Cooldown: {"timer": {...}} applied after each invocation' },
    },
    run: registerAction,
  },
  _delete_action: { description: 'Delete an action from the room', params: { id: s('Action ID to delete') }, run: deleteAction },
  _register_view: {
    description: 'Register a computed view. Pass render: { type, label, ... } to create a surface.',
    params: {
      id: s('View ID'),
      expr: s('CEL expression'),
      scope: s('Registrar scope (default: self)'),
      description: s('Human-readable description'),
      enabled: s('CEL visibility expression'),
      render: { type: 'object', description: 'Render hint — makes this view a surface. { type, label, ... }' },
      timer: { type: 'object', description: 'Lifecycle timer' },
    },
    run: registerView,
  },
  _delete_view: { description: 'Delete a view from the room', params: { id: s('View ID to delete') }, run: deleteView },
  help: {
    description: 'Room-specific participant guide (overridable by custom action)',
    params: { key: s('Help key — omit to list all keys. Try: guide, standard_library, vocabulary_bootstrap') },
    run: help,
  },
};

export const BUILTIN_IDS: readonly string[] = Object.keys(BUILTINS);

/** The built-in that handles this id, if any; a custom `help` action replaces the built-in. */
export function builtinFor(id: string, hasCustom: (id: string) => boolean): Builtin | undefined {
  const builtin = ownValue(BUILTINS, id);
  if (!builtin) return undefined;
  if (id === 'help' && hasCustom('help')) return undefined;
  return builtin;
}
