// DELETE (§8.6): wipe a block and its locks, with the root's secret when the root is locked.
import { secretOpens, type LockScope } from './authority.js';
import { isSubstrate } from './block-kind.js';
import { answer } from './engine.js';
import { BeachError } from './errors.js';
import { hasOwn } from './json.js';
import type { BlockRecord, EngineContext, EngineResult } from './record.js';
import { readSecret, requireBody } from './request.js';

export function applyDelete(record: BlockRecord | null, request: { name: string; body: unknown }, ctx: EngineContext): EngineResult {
  return answer(() => {
    if (request.name === '') throw new BeachError(400, 'invalid_shape', 'block name required (pass ?block=<name> or "block" in body)');
    if (isSubstrate(request.name)) throw new BeachError(405, 'invalid_shape', 'wipe not supported on substrate-prefixed blocks');
    const body = requireBody(request.body);
    if (body['confirm'] !== true) throw new BeachError(400, 'confirm_required', 'wipe requires {confirm: true}');
    if (record?.block == null) throw new BeachError(404, 'not_found', `block "${request.name}" not found`);
    const secret = readSecret(body);
    const scope: LockScope = { name: request.name, origin: ctx.origin, locks: record.locks };
    const rootLocked = hasOwn(record.locks, '_');
    if (rootLocked) {
      if (secret === undefined) throw new BeachError(403, 'lock_required', `block "${request.name}" is locked at "_", secret required`);
      if (!secretOpens(scope, '_', secret)) throw new BeachError(403, 'lock_required', 'secret does not match');
    } else {
      // Our rule: without a root lock nobody owns the whole block, so a wipe must not take a position
      // someone else locked (the reference let a keyless DELETE erase every homesteaded digit).
      for (const position of Object.keys(record.locks)) {
        if (!secretOpens(scope, position, secret)) {
          throw new BeachError(403, 'lock_required', `position "${position}" of "${request.name}" is locked — a wipe would erase it, secret required`);
        }
      }
    }
    return { status: 200, body: { ok: true, wiped: request.name }, record: null, changed: true };
  }, record);
}
