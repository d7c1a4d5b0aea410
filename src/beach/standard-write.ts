// The standard write (§8.4, §4.5): placement or whole-block replace, then the lock change.
import { parseSpindle } from './address.js';
import { requireRotationAuthority, requireWriteAuthority, secretOpens, type LockScope } from './authority.js';
import { blockKind } from './block-kind.js';
import { floorDepth, hasFloor, type Block } from './block.js';
import { BeachError } from './errors.js';
import { healFloor } from './heal.js';
import { defaultIdentity } from './identity.js';
import { cloneJson, deepEqual, isObject } from './json.js';
import { lockedNodeKeys, lockKeyForWrite, resolveAuthority, type Authority, type LockMap } from './lock-key.js';
import { placeAt } from './place.js';
import { sweepPresence } from './presence.js';
import type { BlockRecord, EngineContext, EngineResult } from './record.js';
import { readContent, readNewLock, readSecret, readSpindle } from './request.js';
import { lockHash } from './salts.js';
import { validateShape } from './shape-gate.js';
import { isoOf } from './timestamps.js';
import { digitKey, walkKeys } from './walk.js';
import type { JsonObject } from './json.js';

const GRAIN_WHOLE_BLOCK =
  'whole-block replace is not supported on grain blocks — each side is written on its own (spindle "1" or "2", with that side\'s secret) or re-voiced through the reach action; to empty a side, write {"_": "<that side\'s reach>"} at its spindle';

export function standardWrite(record: BlockRecord | null, name: string, body: JsonObject, ctx: EngineContext): EngineResult {
  const kind = blockKind(name).kind;
  const content = readContent(body);
  const spindle = readSpindle(body);
  const secret = readSecret(body);
  const newLock = readNewLock(body);
  const wholeBlock = spindle === '';
  const existing = record?.block ?? null;

  if (content.present) validateShape(content.value);
  // Our rule: a grain is formed only by the reach action, so a whole-block write to a grain is refused
  // even when the grain does not exist yet (the reference refuses it only for an existing grain).
  if (content.present && wholeBlock && kind === 'grain') throw new BeachError(405, 'whole_block_replace_unsupported', GRAIN_WHOLE_BLOCK);
  if (content.present && wholeBlock && existing !== null && body['confirm'] !== true) {
    throw new BeachError(400, 'confirm_required', 'whole-block replace requires {confirm: true}');
  }

  const locks: LockMap = { ...(record?.locks ?? {}) };
  const scope: LockScope = { name, origin: ctx.origin, locks };
  const base: Block = existing ?? { _: defaultIdentity(name, ctx.origin) };
  const lockKey = lockKeyForWrite(name, spindle, base, locks);
  const auth = resolveAuthority(name, lockKey, locks);

  if (newLock.present && newLock.relinquish && kind !== 'ordinary') {
    throw new BeachError(
      405,
      'invalid_shape',
      'relinquish (new_lock null or "") is not supported on substrate-prefixed blocks — sed:/grain: positions stay locked to their registrants',
    );
  }
  if (kind === 'grain' && (lockKey === '1' || lockKey === '2') && auth.stored === undefined && (content.present || newLock.present)) {
    throw new BeachError(403, 'lock_required', `side ${lockKey} of "${name}" is not claimed — a side is taken by the reach action (action "reach"), never by a write`);
  }
  if (content.present) requireWriteAuthority(scope, auth, secret);
  if (newLock.present) requireRotationAuthority(scope, auth, secret);
  if (newLock.present && newLock.relinquish && auth.stored !== undefined && auth.inherited) {
    throw new BeachError(
      409,
      'inherited_lock',
      `position "${lockKey}" of "${name}" holds no lock of its own — it inherits the one at the root. Relinquish the root to open the whole block, or set a distinct lock here to delegate this position.`,
    );
  }

  let next: Block | null = existing;
  let contentApplied = false;
  if (content.present) {
    if (wholeBlock) {
      if (!isObject(content.value) || !hasFloor(content.value)) {
        throw new BeachError(400, 'no_floor', 'whole-block content has no floor — the root must carry a `_` whose chain reaches an identity string (sunstone:1.51)');
      }
      next = cloneJson(content.value);
      contentApplied = true;
    } else {
      const { digits } = parseSpindle(spindle, floorDepth(base));
      if (digits.length > 0) {
        next = cloneJson(base);
        placeAt(next, digits, cloneJson(content.value));
        healFloor(next, defaultIdentity(name, ctx.origin));
        contentApplied = true;
      }
    }
    if (contentApplied && name === 'presence' && next !== null) sweepPresence(next, ctx.now);
    if (contentApplied) {
      const target = wholeBlock ? [] : parseSpindle(spindle, floorDepth(base)).digits.map(digitKey);
      guardLockedPositions(scope, auth, secret, target, existing, next);
    }
  }

  let locksChanged = false;
  if (newLock.present) {
    if (newLock.relinquish) {
      if (auth.stored !== undefined) {
        delete locks[lockKey];
        locksChanged = true;
      }
    } else {
      locks[lockKey] = lockHash(newLock.value, name, ctx.origin, lockKey);
      locksChanged = true;
    }
  }

  const changed = contentApplied || locksChanged;
  const touched = contentApplied ? isoOf(ctx.now) : record?.touched;
  const nextRecord: BlockRecord | null =
    next === null && Object.keys(locks).length === 0 ? null : { block: next, locks, ...(touched === undefined ? {} : { touched }) };
  return { status: 200, body: { ok: true }, record: changed ? nextRecord : record, changed };
}

/**
 * A write may change only the positions it has authority over. The reference lets a keyless
 * whole-block replace (or, on a collective, a write at a registrant's container) rewrite a digit
 * someone locked; here every other locked position the write would change needs its own secret —
 * except on an ordinary block whose root lock the caller proved (the owner may rewrite the block).
 * Only positions strictly inside the written subtree are considered (a registrant writing inside
 * its own node is not stopped by the container it lives in).
 * A whole-block resend that leaves locked positions as they were still passes.
 */
function guardLockedPositions(
  scope: LockScope,
  auth: Authority,
  secret: string | undefined,
  target: string[],
  before: Block | null,
  after: Block | null,
): void {
  const owner = blockKind(scope.name).kind === 'ordinary' && auth.authKey === '_' && auth.stored !== undefined;
  for (const position of Object.keys(scope.locks)) {
    if (position === '_' || position === auth.lockKey) continue;
    const keys = lockedNodeKeys(scope.name, position, before ?? after);
    if (keys.length <= target.length || target.some((key, i) => keys[i] !== key)) continue;
    if (deepEqual(walkKeys(before, keys), walkKeys(after, keys))) continue;
    if (owner || secretOpens(scope, position, secret)) continue;
    throw new BeachError(
      403,
      'lock_required',
      secret === undefined
        ? `position "${position}" of "${scope.name}" is locked, secret required — this write would change it`
        : `position "${position}" of "${scope.name}" is locked and this write would change it — secret does not match`,
    );
  }
}
