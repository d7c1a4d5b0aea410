// Reading a room: context, eval and the dashboard poll. Pure data.
import { z } from 'zod';
import { JsonObject, JsonValue, QueryBool, QueryInt } from './common.js';

export const ContextQuery = z.strictObject({
  depth: z.enum(['lean', 'full', 'usage']).optional(),
  only: z.string().optional().describe('comma list: state, views, agents, actions, messages, self, state.<scope>'),
  actions: QueryBool.optional(),
  messages: QueryBool.optional(),
  messages_after: QueryInt.optional(),
  messages_before: QueryInt.optional().describe('only messages with a smaller seq'),
  messages_limit: QueryInt.optional(),
  messages_full: QueryBool.optional().describe('whole message bodies (at most 20 messages per read)'),
  include: z.string().optional().describe('comma list: _audit, _messages, _actions, _views, _agents, _versions'),
  compact: QueryBool.optional(),
}).meta({ id: 'ContextQuery' });
export type ContextQuery = z.infer<typeof ContextQuery>;

export const ContextEnvelope = z.looseObject({
  sections: z.array(z.string()),
  depth: z.enum(['lean', 'full', 'usage']),
  help: z.array(z.string()).optional(),
  elided: z.array(z.string()).optional(),
  _expand: z.array(z.string()).optional(),
  request: JsonObject,
}).meta({ id: 'ContextEnvelope' });

export const Context = z.looseObject({
  state: z.record(z.string(), JsonValue).optional(),
  views: z.record(z.string(), JsonValue).optional(),
  agents: z.record(z.string(), JsonValue).optional(),
  actions: z.record(z.string(), JsonValue).optional(),
  messages: z.looseObject({}).optional(),
  self: z.string().nullable().optional(),
  _context: ContextEnvelope,
}).meta({ id: 'Context' });
export type Context = z.infer<typeof Context>;

export const EvalBody = z.strictObject({ expr: z.string().describe('a CEL expression') }).meta({ id: 'EvalBody' });
export type EvalBody = z.infer<typeof EvalBody>;

export const EvalResult = z.strictObject({ expression: z.string(), value: JsonValue }).meta({ id: 'EvalResult' });
export type EvalResult = z.infer<typeof EvalResult>;

export const PollQuery = z.strictObject({
  limit: QueryInt.optional().describe('audit records per page'),
  before: QueryInt.optional().describe('audit records strictly before this seq'),
  state_limit: QueryInt.optional().describe('state rows per page'),
  state_after: z.string().optional().describe('the next_state_after of the previous page'),
}).meta({ id: 'PollQuery' });
export type PollQuery = z.infer<typeof PollQuery>;

export const Poll = z.looseObject({
  state: z.array(JsonObject),
  views: z.record(z.string(), JsonValue),
  actions: z.record(z.string(), JsonValue),
  audit: z.array(JsonObject),
  next_before: z.number().int().nullable(),
  next_state_after: z.string().nullable().optional(),
}).meta({ id: 'Poll' });
export type Poll = z.infer<typeof Poll>;
