// The beach's request handling as pure functions over one block record: read record → apply → write record.
// Storage and HTTP wrap each call in a per-block transaction, which is what makes concurrent appends,
// registrations and writes to one block serial (no lost updates, no colliding positions).
import { appendRequest } from './append-request.js';
import { blockKind } from './block-kind.js';
import { BeachError } from './errors.js';
import { grainReach } from './grain.js';
import { own } from './json.js';
import type { BlockRecord, EngineContext, EngineResult } from './record.js';
import { requireBody } from './request.js';
import type { WindowState } from './resolution.js';
import { sedRegister } from './sed.js';
import { standardWrite } from './standard-write.js';

export interface PostRequest {
  /** The block name (the HTTP layer picks a non-empty body `block` over the query). */
  name: string;
  /** The parsed JSON body. */
  body: unknown;
}

/** Answers a BeachError as its wire result; anything else is a bug and propagates. */
export function answer(run: () => EngineResult, record: BlockRecord | null): EngineResult {
  try {
    return run();
  } catch (error) {
    if (error instanceof BeachError) return { status: error.status, body: error.toBody(), record, changed: false };
    throw error;
  }
}

/**
 * POST `/.well-known/pscale-beach` (§8.4). `window` carries the pool's liquid block and any claim
 * already made, for a root append with `resolve_window` (§3.6); the result's `effects` say what to
 * store beside the record.
 */
export function applyPost(record: BlockRecord | null, request: PostRequest, ctx: EngineContext, window?: WindowState): EngineResult {
  return answer(() => {
    if (request.name === '') throw new BeachError(400, 'invalid_shape', 'block name required (pass ?block=<name> or "block" in body)');
    const body = requireBody(request.body);
    const kind = blockKind(request.name);
    const action = own(body, 'action');
    if (kind.kind === 'sed' && action === 'register') return sedRegister(record, request.name, kind.collective, body, ctx);
    if (kind.kind === 'grain' && action === 'reach') return grainReach(record, request.name, kind.pid, body, ctx);
    if (own(body, 'append') === true) return appendRequest(record, request.name, body, ctx, window);
    return standardWrite(record, request.name, body, ctx);
  }, record);
}
