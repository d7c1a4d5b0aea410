// GET `/.well-known/pscale-beach?block=` (§8.3): whole block, raw node, or a shaped read.
import { parseSpindle } from './address.js';
import { floorDepth } from './block.js';
import { BeachError } from './errors.js';
import { bspRead, type ReadOptions } from './read.js';
import type { BlockRecord, EngineResult } from './record.js';
import { answer } from './engine.js';
import { walk } from './walk.js';

export interface GetRequest {
  name: string;
  /** Query `spindle` (absent ⇒ ""). */
  spindle?: string | null;
  /** Query `pscale` as sent (absent or "" ⇒ no attention). */
  pscale?: string | null;
}

export function applyGet(record: BlockRecord | null, request: GetRequest, options: ReadOptions = {}): EngineResult {
  return answer(() => {
    const block = record?.block ?? null;
    if (block === null) throw new BeachError(404, 'not_found', `block "${request.name}" not found`);
    const spindle = request.spindle ?? '';
    const raw = request.pscale ?? '';
    const shaped = raw !== '' || spindle.includes('*');
    if (shaped) {
      let P: number | null = null;
      if (raw !== '') {
        if (!/^\s*[+-]?\d+/.test(raw)) throw new BeachError(400, 'invalid_pscale', `?pscale=${raw} is not an integer`);
        P = Number.parseInt(raw, 10);
      }
      return ok(bspRead(block, spindle === '' ? null : spindle, P, options), record);
    }
    if (spindle !== '') return ok(walk(block, parseSpindle(spindle, floorDepth(block)).digits) ?? null, record);
    return ok(block, record);
  }, record);
}

const ok = (body: unknown, record: BlockRecord | null): EngineResult => ({ status: 200, body, record, changed: false });
