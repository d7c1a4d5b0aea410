// grain: reach (§8.7): two parties each claim one side of a pair block; the second reach completes it.
import type { Block } from './block.js';
import { BeachError } from './errors.js';
import { cloneJson, hasOwn, isObject, own, type JsonObject } from './json.js';
import type { BlockRecord, EngineContext, EngineResult } from './record.js';
import { grainLockHash, sameDigest } from './salts.js';
import { validateShape } from './shape-gate.js';
import { isoOf } from './timestamps.js';

const REQUIRED = 'grain reach requires {side, agent_id, partner_agent_id, description, my_side_content, my_passphrase}';

export function grainReach(record: BlockRecord | null, name: string, pid: string, body: JsonObject, ctx: EngineContext): EngineResult {
  const side = own(body, 'side');
  if (side !== '1' && side !== '2') throw new BeachError(400, 'invalid_shape', 'grain reach requires side="1" or side="2"');
  const agentId = own(body, 'agent_id');
  const content = own(body, 'my_side_content');
  const passphrase = own(body, 'my_passphrase');
  if (typeof agentId !== 'string' || agentId === '' || content === undefined || content === null || typeof passphrase !== 'string' || passphrase === '') {
    throw new BeachError(400, 'invalid_shape', REQUIRED);
  }
  validateShape(content);
  const other = side === '1' ? '2' : '1';
  const description = typeof own(body, 'description') === 'string' ? (own(body, 'description') as string) : '';
  const locks = { ...(record?.locks ?? {}) };
  const hash = grainLockHash(passphrase, pid, side);
  const touched = isoOf(ctx.now);

  if (record?.block == null) {
    const block: Block = {
      _: description,
      [side]: { _: cloneJson(content) },
      8: { _: `reach pending from ${agentId}`, 1: agentId, 2: pid, 3: `grain:${pid}:${other}`, 4: `grain:${pid}:${side}`, 5: description, 6: touched },
      9: { [side]: agentId },
    };
    locks[side] = hash;
    return done({ ok: true, state: 'established', awaiting: other, pair_id: pid }, { block, locks, touched });
  }

  const block = cloneJson(record.block);
  // Our rule: a side whose lock exists is rewritten only with its passphrase, even if its content is gone.
  if (hasOwn(block, side) || hasOwn(locks, side)) {
    if (!hasOwn(locks, side) || !sameDigest(locks[side]!, hash)) throw new BeachError(403, 'lock_required', `side ${side} is locked`);
    block[side] = { _: cloneJson(content) };
    return done({ ok: true, state: 'updated', pair_id: pid }, { block, locks, touched });
  }
  block[side] = { _: cloneJson(content) };
  const parties = own(block, '9');
  block['9'] = { ...(isObject(parties) ? parties : {}), [side]: agentId };
  delete block['8'];
  locks[side] = hash;
  return done({ ok: true, state: 'completed', pair_id: pid }, { block, locks, touched });
}

const done = (body: Record<string, unknown>, record: BlockRecord): EngineResult => ({ status: 200, body, record, changed: true });

