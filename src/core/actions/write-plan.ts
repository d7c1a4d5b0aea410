// Turn an action's write templates into entry changes (sync-core §5.7 under D3, D4, D7, D8).
// Writes apply in order on an overlay, so two writes to one key compose. Nothing is written
// here: the result is a list of changes the service commits atomically (D11). Pure.
import { compileCel, evaluateToJson } from '../cel/index.js';
import { SyncError, quote } from '../errors.js';
import type { Json } from '../json.js';
import { deepMerge, isPlainObject, nestedDeeperThan } from '../json.js';

/** Stored values nest at most this deep (request bodies are held to the same bound). */
export const MAX_VALUE_DEPTH = 100;
import type { Hasher } from '../ports/hasher.js';
import { isValidKey, isValidScopeName, isWellFormed, MAX_KEY_LENGTH } from '../../protocol/index.js';
import { entryGone, nextEntry } from '../room/entries.js';
import { CONFIG_SCOPE, HELP_SCOPE, RESERVED_SCOPES, type Entry, type WriteRecord, type WriteTemplate } from '../room/model.js';
import type { EntryChange, RoomState } from '../room/room-state.js';
import { startTimer } from '../room/timers.js';
import { canReadScope, isAgentScope, type Reader } from '../read/policy.js';
import { refuseCostlyEnabled } from '../read/derived.js';
import { scrubbed } from './scrub.js';
import { renderText, renderValue, type TemplateVars } from './templates.js';

export interface WritePlanContext {
  room: RoomState;
  now: number;
  hasher: Hasher;
  actionId: string;
  /** The invoking agent (`${self}`), or null for an admin acting as nobody. */
  invoker: string | null;
  /** The agent owning the action, if it is owned (registrar bridging, D7). */
  owner: string | null;
  /** Whether the action was registered by a room admin (may write `_config`). */
  registrarAdmin: boolean;
  vars: TemplateVars;
  /** The pre-write invocation context, params bound, for `expr` values. */
  celContext: object;
  /** The current version of a system help text, used as `_help` proof of read when no override exists. */
  systemVersion(scope: string, key: string): string | null;
  /** The invoker's read rights: what a conflict may reveal. */
  reader: Reader;
  /** Hide CEL error details (the evaluation could read a scope the invoker cannot). */
  scrubErrors: boolean;
}

export interface WritePlan {
  changes: EntryChange[];
  records: WriteRecord[];
  counters: Record<string, number>;
}

export function planWrites(templates: WriteTemplate[], ctx: WritePlanContext): WritePlan {
  const overlay = new Map<string, Entry | null>();
  const plan: WritePlan = { changes: [], records: [], counters: {} };
  templates.forEach((template, index) => planOne(template, index, ctx, overlay, plan));
  return plan;
}

function planOne(t: WriteTemplate, index: number, ctx: WritePlanContext, overlay: Map<string, Entry | null>, plan: WritePlan): void {
  const scope = resolveScope(t, ctx);
  const keyless = t.append === true && (t.key === undefined || renderText(t.key, ctx.vars) === '');
  const key = keyless ? nextKeylessKey(scope, ctx, plan) : resolveKey(t, index, ctx);
  const id = `${scope}\u0000${key}`;
  const stored = overlay.has(id) ? (overlay.get(id) ?? undefined) : ctx.room.entry(scope, key);
  const current = entryGone(stored, ctx.now) ? undefined : stored;
  if (t.if_version !== undefined) checkVersion(t, scope, key, current, ctx);

  if (t.delete === true) {
    overlay.set(id, null);
    if (stored) plan.changes.push({ op: 'delete', scope, key });
    plan.records.push({ scope, key, deleted: true });
    return;
  }
  const { value, record } = computeValue(t, index, scope, key, current, keyless, ctx);
  if (nestedDeeperThan(value, MAX_VALUE_DEPTH)) {
    throw new SyncError('invalid_write', `Write ${index} of ${ctx.actionId} would store a value nested deeper than ${MAX_VALUE_DEPTH} levels.`, { action: ctx.actionId, key, reason: 'value too deeply nested' });
  }
  const keepsRow = t.increment !== undefined && t.increment !== false && current !== undefined && !isPlainObject(t.merge);
  const enabled = keepsRow ? current!.enabled : (t.enabled ?? null);
  const authority = keepsRow ? current!.enabledAuthority : enabledAuthority(ctx);
  if (enabled && !keepsRow) refuseCostlyEnabled(ctx.room, enabled, authority, ctx.now, `writes[${index}].enabled`);
  const entry = nextEntry(stored, {
    scope,
    key,
    value,
    writer: ctx.invoker,
    sortKey: keyless ? Number(key) : undefined,
    timer: keepsRow ? current!.timer : t.timer ? startTimer(t.timer, ctx.now) : null,
    enabled,
    enabledAuthority: authority,
  }, ctx.now, ctx.hasher);
  overlay.set(id, entry);
  plan.changes.push({ op: 'put', entry });
  plan.records.push(record);
}

// `enabled` on an entry is evaluated with the authority of the action that wrote it (D7): its
// owner's, an admin's if an admin registered it, else the public's (never the target scope's, or a
// communal action could make a private entry's visibility depend on its agent's other secrets).
function enabledAuthority(ctx: WritePlanContext): string | null {
  if (ctx.owner) return ctx.owner;
  return ctx.registrarAdmin ? '*' : null;
}

function resolveScope(t: WriteTemplate, ctx: WritePlanContext): string {
  const scope = renderText(t.scope ?? '_shared', ctx.vars);
  if (!isValidScopeName(scope) || scope === 'self') {
    throw new SyncError('invalid_scope', `The write targets the scope ${quote(scope)}, which is not a valid scope name.`, {
      action: ctx.actionId,
      scope,
    });
  }
  if (RESERVED_SCOPES.has(scope) && !(scope === CONFIG_SCOPE && ctx.registrarAdmin)) {
    throw new SyncError('reserved_scope', `Actions cannot write the reserved scope ${scope}.`, { action: ctx.actionId, scope });
  }
  if (scope === HELP_SCOPE && t.if_version === undefined) {
    throw new SyncError('reserved_scope', 'Writes to _help need if_version (proof of read).', { action: ctx.actionId, scope });
  }
  if (isAgentScope(scope) && scope !== ctx.invoker && scope !== ctx.owner) {
    throw new SyncError('scope_denied', `The action ${ctx.actionId} cannot write to the private scope ${scope}.`, {
      action: ctx.actionId,
      scope,
      hint: 'Private scopes are written only by their agent or by actions that agent owns.',
    });
  }
  return scope;
}

function resolveKey(t: WriteTemplate, index: number, ctx: WritePlanContext): string {
  const key = t.key === undefined ? '' : renderText(t.key, ctx.vars);
  if (key === '') {
    throw new SyncError('write_key_required', `Write ${index} of ${ctx.actionId} resolved to an empty key.`, {
      action: ctx.actionId,
      write: t as unknown as Json,
      hint: 'Give a key, pass the params it uses, or use append: true without a key for a log.',
    });
  }
  if (!isValidKey(key)) {
    const reason = !isWellFormed(key) ? 'not well-formed text (a lone UTF-16 surrogate)' : key.length > MAX_KEY_LENGTH ? `longer than ${MAX_KEY_LENGTH} characters` : 'reserved';
    throw new SyncError('invalid_write', `Write ${index} of ${ctx.actionId} resolved to a key that is ${reason}.`, { action: ctx.actionId, reason });
  }
  return key;
}

function nextKeylessKey(scope: string, ctx: WritePlanContext, plan: WritePlan): string {
  const name = `scope:${scope}`;
  const next = (plan.counters[name] ?? ctx.room.counter(name)) + 1;
  plan.counters[name] = next;
  return String(next);
}

function checkVersion(t: WriteTemplate, scope: string, key: string, current: Entry | undefined, ctx: WritePlanContext): void {
  const expected = typeof t.if_version === 'string' ? renderText(t.if_version, ctx.vars) : String(t.if_version);
  const currentVersion = current?.version ?? (scope === HELP_SCOPE ? ctx.systemVersion(scope, key) : null);
  if (currentVersion === null) {
    if (expected === '') return;
    throw new SyncError('not_found', `The key ${scope}.${key} does not exist; use if_version "" to create it.`, { scope, key });
  }
  if (expected === currentVersion) return;
  // The version is a hash of the value: show it (and the value) only to readers of the scope (D9).
  const readable = canReadScope(ctx.reader, scope);
  const shown = current
    ? readable ? { version: current.version, revision: current.revision, value: current.value } : { revision: current.revision }
    : { version: currentVersion, revision: 0 };
  throw new SyncError('version_conflict', `The key ${scope}.${key} has changed since the version you read.`, {
    scope,
    key,
    expected_version: expected,
    current: shown,
  });
}

function computeValue(t: WriteTemplate, index: number, scope: string, key: string, current: Entry | undefined, keyless: boolean, ctx: WritePlanContext): { value: Json; record: WriteRecord } {
  if (isPlainObject(t.merge)) {
    const payload = renderValue(t.merge, ctx.vars) ?? {};
    return { value: deepMerge(current?.value, payload), record: { scope, key, merge: payload } };
  }
  const given = resolveGiven(t, index, key, ctx);
  if (t.increment !== undefined && t.increment !== false) {
    const value = increment(t, given, current, ctx, scope, key);
    return { value, record: { scope, key, value } };
  }
  if (given === undefined) {
    throw new SyncError('invalid_write', `Write ${index} of ${ctx.actionId} has no value.`, { action: ctx.actionId, key, reason: 'value is required' });
  }
  if (t.append === true && !keyless) {
    const base = current?.value;
    const list = base === undefined ? [] : Array.isArray(base) ? [...base] : [base];
    list.push(given);
    return { value: list, record: { scope, key, value: given } };
  }
  return { value: given, record: { scope, key, value: given } };
}

function resolveGiven(t: WriteTemplate, index: number, key: string, ctx: WritePlanContext): Json | undefined {
  if (t.expr === true && typeof t.value === 'string') {
    const field = `writes[${index}].value`;
    return scrubbed(ctx.scrubErrors, () => evaluateToJson(compileCel(t.value, field), ctx.celContext, field, { key }));
  }
  return renderValue(t.value, ctx.vars);
}

function increment(t: WriteTemplate, given: Json | undefined, current: Entry | undefined, ctx: WritePlanContext, scope: string, key: string): number {
  const raw = typeof t.increment === 'number' ? t.increment : typeof t.increment === 'string' ? renderValue(t.increment, ctx.vars) : (given ?? 1);
  const amount = raw === null || raw === undefined ? 1 : raw;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new SyncError('invalid_write', `The increment for ${scope}.${key} must be a number.`, { action: ctx.actionId, key, reason: 'increment amount is not a number', amount });
  }
  const base = current?.value ?? 0;
  if (typeof base !== 'number') {
    throw new SyncError('invalid_write', `Cannot increment ${scope}.${key}: it holds a ${base === null ? 'null' : Array.isArray(base) ? 'list' : typeof base}, not a number.`, { action: ctx.actionId, key, reason: 'current value is not a number' });
  }
  const sum = base + amount;
  if (!Number.isFinite(sum)) {
    throw new SyncError('invalid_write', `Incrementing ${scope}.${key} would overflow.`, { action: ctx.actionId, key, reason: 'the sum is not a finite number' });
  }
  return sum;
}
