// Joining a room and updating an agent. Pure data.
import { z } from 'zod';
import { Id, JsonObject, JsonValue, Timestamp } from './common.js';

export const JoinViewDefinition = z.looseObject({
  id: Id,
  expr: z.string(),
  description: z.string().optional(),
}).meta({ id: 'JoinViewDefinition' });

export const JoinBody = z.strictObject({
  id: Id.optional().describe('agent id; a UUID is chosen when absent'),
  name: z.string().max(200).optional(),
  role: z.string().max(64).optional(),
  meta: JsonObject.optional(),
  enabled: z.string().max(4096).nullable().optional().describe('CEL: the agent exists for others only while this holds'),
  state: JsonObject.optional().describe('initial private state, key → value'),
  public_keys: z.array(z.string()).optional().describe('keys of your state to publish as views'),
  views: z.array(JoinViewDefinition).optional(),
}).meta({ id: 'JoinBody' });
export type JoinBody = z.infer<typeof JoinBody>;

export const AgentInfo = z.strictObject({
  id: Id,
  room_id: Id,
  name: z.string(),
  role: z.string(),
  status: z.string(),
  waiting_on: z.string().nullable(),
  joined_at: Timestamp,
  last_heartbeat: Timestamp,
  last_seen_seq: z.number().int(),
  grants: z.array(z.string()),
  meta: JsonObject,
  enabled_expr: z.string().nullable(),
}).meta({ id: 'AgentInfo' });
export type AgentInfo = z.infer<typeof AgentInfo>;

export const JoinedAgent = AgentInfo.extend({
  token: z.string().describe('the agent token (as_…): keep it secret'),
}).meta({ id: 'JoinedAgent' });
export type JoinedAgent = z.infer<typeof JoinedAgent>;

export const PatchAgentBody = z.strictObject({
  grants: z.array(z.string().max(64)).optional().describe('["*"] makes the agent an admin'),
  role: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  meta: JsonObject.optional(),
}).meta({ id: 'PatchAgentBody' });
export type PatchAgentBody = z.infer<typeof PatchAgentBody>;

export { JsonValue };
