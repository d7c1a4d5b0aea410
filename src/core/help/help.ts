// The `help` built-in (sync-core §14.1, with the _help override fix of §14.3). Pure.
import { SyncError, quote } from '../errors.js';
import type { JsonObject } from '../json.js';
import { rejectUnknown, type InvocationOutcome, type InvokeEnv } from '../actions/invocation.js';
import { HELP_SCOPE } from '../room/model.js';
import { emptyBatch } from '../room/room-state.js';
import { entryGone } from '../room/entries.js';
import { SYSTEM_HELP_KEYS, systemHelp, systemHelpVersion } from './system-help.js';

export function help(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  rejectUnknown(params, ['key'], 'help request');
  const key = params.key;
  const base = { invoked: true, action: 'help' };
  if (key === undefined || key === null || key === '') {
    const roomKeys = [...env.room.entriesOf(HELP_SCOPE)].filter((e) => !entryGone(e, env.now)).map((e) => e.key);
    const extra = roomKeys.filter((k) => !SYSTEM_HELP_KEYS.includes(k)).sort();
    return answer({ ...base, keys: [...SYSTEM_HELP_KEYS, ...extra], usage: 'invoke help with {"key": "<key>"} to read one entry' });
  }
  if (typeof key !== 'string') {
    throw new SyncError('invalid_param_type', 'The parameter key must be a string.', { param: 'key', expected: 'string', actual: typeof key });
  }
  const override = env.room.entry(HELP_SCOPE, key);
  if (override && !entryGone(override, env.now)) {
    return answer({ ...base, key, content: override.value, version: override.version, revision: override.revision, source: 'room' });
  }
  const content = systemHelp(key);
  if (content === undefined) {
    throw new SyncError('help_key_not_found', `There is no help entry ${quote(key)}.`, { key, available: [...SYSTEM_HELP_KEYS] });
  }
  return answer({ ...base, key, content, version: systemHelpVersion(key, env.hasher), revision: 0, source: 'system' });
}

function answer(body: Record<string, unknown>): InvocationOutcome {
  return { body, batch: emptyBatch(), writes: [] };
}
