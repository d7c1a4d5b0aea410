// sed: registration (§8.7): a collective hands each registrant the next free position and its lock.
import { parseSpindle } from './address.js';
import { floorDepth, type Block } from './block.js';
import { BeachError } from './errors.js';
import { sedIdentity } from './identity.js';
import { cloneJson, hasOwn, own, type JsonObject } from './json.js';
import { placeAt } from './place.js';
import type { BlockRecord, EngineContext, EngineResult } from './record.js';
import { sedLockHash } from './salts.js';
import { validateShape } from './shape-gate.js';
import { isoOf } from './timestamps.js';
import { walk } from './walk.js';

const MAX_POSITION = 1_000_000;

/**
 * The smallest n ≥ 11 without a zero that holds no lock and (our addition) whose node is empty:
 * the reference allocates by lock map alone, so a registrant could land on a node that already holds
 * content (another registrant's child written at the same walk, e.g. registrant 11's "113").
 */
export function nextSedPosition(block: Block, locks: Record<string, string>): string | null {
  const floor = floorDepth(block);
  for (let n = 11; n < MAX_POSITION; n += 1) {
    const position = String(n);
    if (position.includes('0') || hasOwn(locks, position)) continue;
    if (walk(block, parseSpindle(position, floor).digits) === undefined) return position;
  }
  return null;
}

export function sedRegister(record: BlockRecord | null, name: string, collective: string, body: JsonObject, ctx: EngineContext): EngineResult {
  const declaration = own(body, 'declaration');
  const passphrase = own(body, 'passphrase');
  const shellRef = own(body, 'shell_ref');
  if (declaration === undefined || declaration === null || declaration === '' || typeof passphrase !== 'string' || passphrase === '') {
    throw new BeachError(400, 'invalid_shape', 'sed register requires {declaration, passphrase}');
  }
  const content = shellRef === undefined || shellRef === null ? declaration : { _: declaration, 1: shellRef };
  validateShape(content);
  const block: Block = record?.block ? cloneJson(record.block) : { _: sedIdentity(collective, ctx.origin) };
  const locks = { ...(record?.locks ?? {}) };
  const position = nextSedPosition(block, locks);
  if (position === null) throw new BeachError(409, 'no_position', `no free position in "${name}" — every registrant seat below 1,000,000 is taken`);
  placeAt(block, parseSpindle(position, floorDepth(block)).digits, cloneJson(content));
  locks[position] = sedLockHash(passphrase, collective, position);
  return {
    status: 200,
    body: { ok: true, position, address: `${name}:${position}` },
    record: { block, locks, touched: isoOf(ctx.now) },
    changed: true,
  };
}
