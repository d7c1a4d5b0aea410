// POST with `append: true`: authority, optional single-resolution claim, stamping, allocation (§3.4–3.6).
import { appendAtNode, appendAtRoot } from './append.js';
import { requireWriteAuthority, secretOpens, type LockScope } from './authority.js';
import { blockKind } from './block-kind.js';
import { BeachError } from './errors.js';
import { defaultIdentity } from './identity.js';
import { hasOwn, own, type JsonObject } from './json.js';
import { lockKeyForWrite, resolveAuthority } from './lock-key.js';
import { sweepPresence } from './presence.js';
import type { BlockRecord, EngineContext, EngineEffects, EngineResult } from './record.js';
import { readContent, readSecret, readSpindle } from './request.js';
import { claimWindow, type WindowState } from './resolution.js';
import { validateShape } from './shape-gate.js';
import { isoOf, stampEntry } from './timestamps.js';

export function appendRequest(record: BlockRecord | null, name: string, body: JsonObject, ctx: EngineContext, window?: WindowState): EngineResult {
  const spindle = readSpindle(body);
  return spindle === '' ? rootAppend(record, name, body, ctx, window) : nodeAppend(record, name, spindle, body, ctx);
}

function rootAppend(record: BlockRecord | null, name: string, body: JsonObject, ctx: EngineContext, window?: WindowState): EngineResult {
  const content = readContent(body);
  if (!content.present) throw new BeachError(400, 'invalid_shape', 'append requires content');
  validateShape(content.value);
  const secret = readSecret(body);
  // Our rule: sed:/grain: roots are not accumulators. A root append there lands in a registrant's or
  // the partner's slot (blocking the partner's reach) and, once full, supernests the whole structure.
  if (blockKind(name).kind !== 'ordinary') {
    throw new BeachError(
      405,
      'invalid_shape',
      `root append is not supported on substrate-prefixed blocks — append beneath your own position instead (on a grain: spindle "1" or "2" with that side's secret)`,
    );
  }
  const locks = record?.locks ?? {};
  const scope: LockScope = { name, origin: ctx.origin, locks };
  if (hasOwn(locks, '_') && !secretOpens(scope, '_', secret)) {
    throw new BeachError(403, 'lock_required', `append to "${name}" requires the accumulator secret`);
  }

  const effects: EngineEffects = {};
  let cleared: unknown;
  const resolveWindow = own(body, 'resolve_window');
  if (resolveWindow !== undefined && resolveWindow !== null) {
    if (typeof resolveWindow !== 'string') throw new BeachError(400, 'invalid_shape', 'resolve_window must be a string (the window\'s open stamp)');
    const seen = readSecret(body, 'resolve_seen');
    const won = claimWindow(record?.block ?? null, name, resolveWindow, seen, content.value, window ?? { liquid: null, claimedBy: null });
    effects.claim = { window: resolveWindow, claimant: won.claimant };
    effects.liquid = won.liquid;
    cleared = won.cleared;
  }

  const entry = stampEntry(content.value, ctx.now);
  const appended = appendAtRoot(record?.block ?? null, entry, defaultIdentity(name, ctx.origin));
  if (name === 'presence') sweepPresence(appended.block, ctx.now);
  const ack: Record<string, unknown> = { ok: true, slot: appended.slot, supernested: appended.supernested, floor: appended.floor };
  if (appended.owed.length > 0) ack['owed'] = appended.owed;
  if (effects.claim !== undefined) ack['cleared'] = cleared ?? null;
  return {
    status: 200,
    body: ack,
    record: { block: appended.block, locks: { ...locks }, touched: isoOf(ctx.now) },
    changed: true,
    ...(effects.claim === undefined ? {} : { effects }),
  };
}

function nodeAppend(record: BlockRecord | null, name: string, spindle: string, body: JsonObject, ctx: EngineContext): EngineResult {
  if (spindle.includes('*')) {
    throw new BeachError(400, 'invalid_address', `append walks to a node; the star operator addresses a hidden directory — "${spindle}" cannot take an append`);
  }
  const resolveWindow = own(body, 'resolve_window');
  if (resolveWindow !== undefined && resolveWindow !== null) {
    throw new BeachError(400, 'invalid_shape', 'resolve_window is a root-append act (one resolution per window of the pool) — it does not compose with spindle');
  }
  const content = readContent(body);
  if (!content.present) throw new BeachError(400, 'invalid_shape', 'append requires content');
  validateShape(content.value);
  const block = record?.block ?? null;
  if (block === null) throw new BeachError(404, 'not_found', `block "${name}" not found`);
  const locks = record?.locks ?? {};
  const scope: LockScope = { name, origin: ctx.origin, locks };
  const lockKey = lockKeyForWrite(name, spindle, block, locks);
  const auth = resolveAuthority(name, lockKey, locks);
  if (blockKind(name).kind === 'grain' && (lockKey === '1' || lockKey === '2') && auth.stored === undefined) {
    throw new BeachError(403, 'lock_required', `side ${lockKey} of "${name}" is not claimed — a side is taken by the reach action (action "reach"), never by a write`);
  }
  requireWriteAuthority(scope, auth, readSecret(body));
  const appended = appendAtNode(block, name, spindle, stampEntry(content.value, ctx.now));
  if (name === 'presence') sweepPresence(appended.block, ctx.now);
  return {
    status: 200,
    body: { ok: true, slot: appended.slot, address: appended.address, node: appended.node },
    record: { block: appended.block, locks: { ...locks }, touched: isoOf(ctx.now) },
    changed: true,
  };
}
