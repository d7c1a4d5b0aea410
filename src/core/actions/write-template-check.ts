// Registration-time validation of write templates (D4, D8): shapes, placeholders, CEL, timers. Pure.
import { compileCel } from '../cel/index.js';
import { SyncError, quote } from '../errors.js';
import type { Json } from '../json.js';
import { isPlainObject } from '../json.js';
import { CONFIG_SCOPE, HELP_SCOPE, RESERVED_SCOPES, type WriteTemplate } from '../room/model.js';
import { validateTimer } from '../room/timers.js';
import { checkTemplateString, checkTemplateValue } from './templates.js';

export const MAX_WRITES = 64;
const FIELDS = new Set(['scope', 'key', 'value', 'expr', 'merge', 'increment', 'append', 'delete', 'if_version', 'timer', 'enabled']);

function bad(field: string, detail: string): SyncError {
  return new SyncError('invalid_definition', `The ${field} is not valid: ${detail}.`, { field, detail });
}

/** Validate the `writes` array of an action definition; `admin` registrars may write `_config`. */
export function validateWrites(raw: unknown, admin: boolean): WriteTemplate[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad('writes', 'writes must be an array of write templates');
  if (raw.length > MAX_WRITES) throw bad('writes', `an action may have at most ${MAX_WRITES} writes`);
  return raw.map((t, i) => validateWrite(t, `writes[${i}]`, admin));
}

function validateWrite(raw: unknown, field: string, admin: boolean): WriteTemplate {
  if (!isPlainObject(raw)) throw bad(field, 'each write must be an object such as {"key": "k", "value": 1}');
  const unknown = Object.keys(raw).find((k) => !FIELDS.has(k));
  if (unknown) throw bad(field, `unknown field ${quote(unknown)} (known: ${[...FIELDS].join(', ')})`);
  const t = raw as WriteTemplate & Record<string, unknown>;
  for (const name of ['scope', 'key', 'enabled'] as const) {
    if (t[name] !== undefined && typeof t[name] !== 'string') throw bad(`${field}.${name}`, `${name} must be a string`);
  }
  for (const name of ['expr', 'append', 'delete'] as const) {
    if (t[name] !== undefined && typeof t[name] !== 'boolean') throw bad(`${field}.${name}`, `${name} must be true or false`);
  }
  if (t.increment !== undefined && !['number', 'string', 'boolean'].includes(typeof t.increment)) {
    throw bad(`${field}.increment`, 'increment must be a number, a template string or true');
  }
  if (t.merge !== undefined && !isPlainObject(t.merge)) throw bad(`${field}.merge`, 'merge must be an object');
  if (t.if_version !== undefined && typeof t.if_version !== 'string' && typeof t.if_version !== 'number') {
    throw bad(`${field}.if_version`, 'if_version must be a string (a version hash, "" for must-not-exist, or a template)');
  }
  checkModes(t, field);
  checkPlaceholders(t, field);
  if (t.expr === true) {
    if (typeof t.value !== 'string') throw bad(`${field}.value`, 'with expr: true the value must be a CEL expression string');
    compileCel(t.value, `${field}.value`);
  }
  if (t.enabled !== undefined) compileCel(t.enabled, `${field}.enabled`, { boolean: true });
  if (t.timer !== undefined) t.timer = validateTimer(t.timer, `${field}.timer`);
  checkTargetScope(t, field, admin);
  return t;
}

function checkModes(t: WriteTemplate, field: string): void {
  if (t.delete === true && (t.merge !== undefined || t.increment !== undefined || t.append || t.value !== undefined)) {
    throw bad(field, 'a delete write takes only scope, key and if_version');
  }
  if (t.delete === true && t.key === undefined) throw bad(field, 'a delete write needs a key');
  if (t.append !== true && t.delete !== true && t.key === undefined) {
    throw new SyncError('write_key_required', `The ${field} has no key.`, { field, hint: 'Give a key, or use append: true without a key for a log.' });
  }
}

function checkPlaceholders(t: WriteTemplate, field: string): void {
  if (t.scope !== undefined) checkTemplateString(t.scope, `${field}.scope`);
  if (t.key !== undefined) checkTemplateString(t.key, `${field}.key`);
  if (typeof t.if_version === 'string') checkTemplateString(t.if_version, `${field}.if_version`);
  if (typeof t.increment === 'string') checkTemplateString(t.increment, `${field}.increment`);
  if (t.expr !== true) checkTemplateValue(t.value as Json | undefined, `${field}.value`);
  checkTemplateValue(t.merge as Json | undefined, `${field}.merge`);
}

// Literal targets are checked now; templated ones (`${params.scope}`) when the action runs.
function checkTargetScope(t: WriteTemplate, field: string, admin: boolean): void {
  const scope = t.scope ?? '_shared';
  if (scope.includes('${')) return;
  if (RESERVED_SCOPES.has(scope) && !(scope === CONFIG_SCOPE && admin)) {
    throw new SyncError('reserved_scope', `The ${field} targets the reserved scope ${scope}, which only the server writes.`, {
      field,
      scope,
      hint: scope === CONFIG_SCOPE ? 'Only room admins may register writes to _config.' : 'Write to _shared, your own scope, or a scope of your own such as _tasks.',
    });
  }
  if (scope === HELP_SCOPE && t.if_version === undefined) {
    throw new SyncError('reserved_scope', `The ${field} writes _help without if_version; help overrides need proof of read.`, {
      field,
      scope,
      hint: 'Template it: "if_version": "${params.version}", with the version that help returned.',
    });
  }
}
