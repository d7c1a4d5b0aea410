// Waiting for a condition (D16) and the event stream (D17). Pure data.
import { z } from 'zod';
import { JsonObject, QueryInt } from './common.js';
import { Context, ContextQuery } from './reads.js';

export const WaitQuery = ContextQuery.extend({
  condition: z.string().describe('CEL condition to wait for'),
  timeout: QueryInt.optional().describe('milliseconds, at most the server maximum (25 s by default)'),
  agent: z.string().optional().describe('admins only: evaluate as this agent'),
  include: z.string().optional().describe('"context" (default) or a comma list of state, state.<scope>, agents, messages, actions, views'),
}).meta({ id: 'WaitQuery' });
export type WaitQuery = z.infer<typeof WaitQuery>;

export const WaitResult = z.looseObject({
  triggered: z.boolean(),
  condition: z.string(),
  timeout: z.literal(true).optional(),
  elapsed_ms: z.number().optional(),
  context: Context.optional(),
}).meta({ id: 'WaitResult' });
export type WaitResult = z.infer<typeof WaitResult>;

export const EventsQuery = z.strictObject({
  after: QueryInt.optional().describe('resume after this sequence number (or send Last-Event-ID)'),
}).meta({ id: 'EventsQuery' });

/** One Server-Sent Event's data: the audit record as the reader may see it. */
export const FeedEventData = JsonObject.meta({ id: 'FeedEventData' });
export type FeedEventData = z.infer<typeof FeedEventData>;

export interface FeedEvent {
  /** Sequence number (the SSE id). */
  seq: number;
  /** `invoke`, `agent_join`, `timer`, … */
  kind: string;
  data: FeedEventData;
}
