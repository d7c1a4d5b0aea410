// The public pscale beach protocol (bsp-beach §8), as agent-sync serves it at
// /.well-known/pscale-beach. Its answers are the reference's shapes: blocks, nodes, shaped reads
// and `{ok: true}`; its errors carry the sentence in `error` and the code in `code` (pscale
// clients read `code`), with D2's `message` beside them. Pure data.
import { z } from 'zod';
import { JsonValue } from './common.js';

export const BeachQuery = z.object({
  block: z.string().optional().describe('block name; absent: the surface index'),
  spindle: z.string().optional().describe('address inside the block (digits, dots, * for hidden directories)'),
  pscale: z.string().optional().describe('read aperture: a shaped read instead of the raw node'),
  world: z.string().optional().describe('a path world (a DNS label): the isolated beach at /w/<world>'),
}).meta({ id: 'BeachQuery' });

export const BeachRequest = z.looseObject({
  block: z.string().optional(),
  spindle: z.string().optional(),
  content: JsonValue.optional(),
  secret: z.string().nullable().optional(),
  new_lock: z.string().nullable().optional(),
  action: z.string().optional(),
}).meta({ id: 'BeachRequest' });

/** Any answer of the beach: a block, a raw node (possibly null), a shaped read, an index or `{ok}`. */
export const BeachAnswer = JsonValue.describe('a block, a node, a shaped read, the surface index, or {ok: true}').meta({ id: 'BeachAnswer' });

export const BeachErrorBody = z.looseObject({
  error: z.string().describe('the reference’s sentence'),
  code: z.string().regex(/^[a-z][a-z0-9_]*$/).describe('snake_case code pscale clients branch on'),
  message: z.string(),
}).meta({ id: 'BeachErrorBody' });
